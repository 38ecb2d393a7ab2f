"""The autograded notebooks formgrader opens, made in a real (temporary) nbgrader course."""
import json
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.nbgraderformat import MetadataValidator

from autograder.course import Course
from autograder.outputs import OutputsIncomplete, write_outputs
from autograder.outputs.autograded import AutogradedIncomplete, autograded_path, verdict, write_autograded
from autograder.results import ExerciseGrade, SubmissionGrade
from autograder.samples import HOSTILE_FOLDER_NAMES
from autograder.text import student_id_for

from outputs_fixtures import HOSTILE, MASK_SENTENCE, NASTY, UNSAFE

NAME = "demo_assignment"


@pytest.fixture
def records(records: list[SubmissionGrade]) -> list[SubmissionGrade]:
    """The class's records as grade hands them over: read back from results.jsonl, statuses typed."""
    return [SubmissionGrade.from_dict(json.loads(r.to_json())) for r in records]


def submit(course: Path, folder: str, edit=lambda cells: None) -> None:
    """The released notebook, both exercises answered, changed by ``edit``, submitted as ``folder``."""
    notebook = json.loads((course / "release" / NAME / f"{NAME}.ipynb").read_text())
    cells = notebook["cells"]
    cells[1]["source"] = f"def dropout(x):\n    return x  # by {folder}\n"
    cells[3]["source"] = "def rnn_step(h):\n    return h\n"
    edit(cells)
    target = course / "submitted" / folder / NAME
    target.mkdir(parents=True)
    (target / f"{NAME}.ipynb").write_text(json.dumps(notebook))


def read(course: Path, student: str) -> nbformat.NotebookNode:
    return nbformat.read(autograded_path(Course(course), student, NAME), as_version=4)


def by_id(notebook) -> dict:
    return {c.metadata.nbgrader.grade_id: c for c in notebook.cells if "nbgrader" in c.metadata}


def source_cells(course: Path) -> dict[str, str]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {c.name: c.source for c in gb.find_notebook(NAME, NAME).source_cells}


def test_each_notebook_is_in_nbgraders_form_with_the_students_code(course, assignment, records):
    for student in ("zoe", "bob", "dave", "eve"):
        submit(course, student)
    write_autograded(assignment, records, Course(course))
    tests = source_cells(course)
    for record in records:
        notebook = read(course, record.student_id)
        nbformat.validate(notebook)
        MetadataValidator().validate_nb(notebook)
        assert notebook.metadata.kernelspec.name == "python3"
        cells = by_id(notebook)
        assert list(cells) == ["a_solution", "test_a", "b_solution", "test_b"]
        assert cells["test_a"].source == tests["test_a"] and cells["test_a"].metadata.nbgrader.points == 2
        if record.problem is None:
            assert f"# by {record.student_id}" in cells["a_solution"].source


def test_a_test_cell_shows_the_gradebooks_test_and_the_graders_verdict_not_what_the_student_saved(course, assignment, records):
    def forge(cells):
        cells[1]["metadata"]["nbgrader"].update(grade=True, points=100)
        cells[1]["metadata"]["tags"] = ["forged"]
        cells[2]["source"] = "pass  # the test, deleted"
        cells[2]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "All tests passed: 4 / 4"}]
        cells[2]["metadata"]["nbgrader"]["points"] = 100

    submit(course, "bob", forge)
    write_autograded(assignment, [r for r in records if r.student_id == "bob"], Course(course))
    cells = by_id(read(course, "bob"))
    solution, test = cells["a_solution"], cells["test_a"]
    assert solution.metadata == {"nbgrader": {**solution.metadata.nbgrader, "grade": False, "solution": True}}
    assert "points" not in solution.metadata.nbgrader and solution.outputs == []
    assert test.source == source_cells(course)["test_a"] and test.metadata.nbgrader.points == 2
    assert [o.name for o in test.outputs] == ["stderr"]
    assert test.outputs[0].text.startswith("Autograder: 1 / 2 points for a (graded)\n") and MASK_SENTENCE in test.outputs[0].text
    assert "All tests passed" not in json.dumps(read(course, "bob"))


def test_the_verdict_reads_as_the_feedback_does_without_markup(records):
    bob = next(r for r in records if r.student_id == "bob")
    text = verdict(bob.exercises[1])
    assert text.startswith("Autograder: 0 / 2 points for b (function not defined)\n- rnn_step is not defined") and "`" not in text


def test_a_deleted_test_cell_is_put_back_after_its_exercise_with_a_notice(course, assignment, records):
    submit(course, "zoe", lambda cells: cells.pop(4))
    write_autograded(assignment, [r for r in records if r.student_id == "zoe"], Course(course))
    notebook = read(course, "zoe")
    names = [c.metadata.get("nbgrader", {}).get("grade_id") for c in notebook.cells]
    assert names[names.index("b_solution") + 1] == "test_b"
    test = by_id(notebook)["test_b"]
    assert "was missing from the submission. The autograder put it back." in test.source
    assert test.outputs[0].name == "stdout" and "2 / 2 points" in test.outputs[0].text
    assert "loss 0.1" in test.outputs[0].text  # what zoe's cells of exercise b printed


def test_only_one_cell_per_gradebook_cell_reaches_formgrader(course, assignment, records):
    """A copied test cell and a made-up grade cell: the last claimant is the cell (nbgrader's
    DeduplicateIds); the others become plain cells, so no score box floats free."""
    def copy_and_invent(cells):
        cells.insert(2, json.loads(json.dumps(cells[2])) | {"source": "print('first copy')"})
        cells.append({"cell_type": "code", "metadata": {"nbgrader": {"grade": True, "grade_id": "bonus", "points": 50}},
                      "source": "x = 1", "outputs": [], "execution_count": None})

    submit(course, "dave", copy_and_invent)
    write_autograded(assignment, [r for r in records if r.student_id == "dave"], Course(course))
    notebook = read(course, "dave")
    MetadataValidator().validate_nb(notebook)
    assert list(by_id(notebook)) == ["a_solution", "test_a", "b_solution", "test_b"]
    assert [c.source for c in notebook.cells if "nbgrader" not in c.metadata] == ["# Demo", "print('first copy')", "x = 1"]


def test_a_submission_that_could_not_be_graded_shows_the_released_notebook_under_a_note(course, assignment, records):
    write_autograded(assignment, [r for r in records if r.student_id in ("carol", "eve")], Course(course))
    carol = read(course, "carol")
    assert carol.cells[0].cell_type == "markdown" and "notebook is not valid JSON" in carol.cells[0].source
    assert "raise NotImplementedError()" in by_id(carol)["a_solution"].source
    assert [c.outputs[0].text.splitlines()[0] for c in by_id(carol).values() if c.cell_type == "code" and c.outputs] == [
        "Autograder: 0 / 2 points for a (notebook unreadable)", "Autograder: 0 / 2 points for b (notebook unreadable)"]
    eve = read(course, "eve")  # graded, but no folder of hers is left to read again; and her note is escaped
    assert "could not be read again" in eve.cells[0].source
    assert "&lt;b&gt;renamed&lt;/b&gt;" in eve.cells[0].source and "<b>" not in eve.cells[0].source


def test_what_students_wrote_reaches_the_notebook_cleaned(course, assignment, records):
    submit(course, "eve", lambda cells: cells.insert(0, {"cell_type": "markdown", "metadata": {}, "source": NASTY}))
    write_autograded(assignment, [r for r in records if r.student_id == "eve"], Course(course))
    text = autograded_path(Course(course), "eve", NAME).read_text(encoding="utf-8")
    outputs = "".join(o.text for c in read(course, "eve").cells if c.cell_type == "code" for o in c.outputs)
    assert HOSTILE in outputs and not UNSAFE.search(outputs)  # a stream output: nbconvert escapes it
    assert "\ufffd" in text  # the student's own lone surrogate, made writable and nothing else


def test_markup_a_student_wrote_cannot_run_in_the_graders_browser(course, assignment, records):
    """formgrader renders markdown as HTML where the grader is logged in; the instructor's own text is left as it is."""
    attack = "My answer <script>fetch('/api/terminals', {method: 'POST'})</script> <img src=x onerror=alert(1)> <b>is</b> this."
    submit(course, "bob", lambda cells: cells.insert(2, {"cell_type": "markdown", "metadata": {}, "source": attack}))
    write_autograded(assignment, [r for r in records if r.student_id == "bob"], Course(course))
    texts = [c.source for c in read(course, "bob").cells if c.cell_type == "markdown"]
    assert texts[0] == "# Demo"
    assert texts[1].startswith("My answer &lt;script&gt;fetch(") and "<img" not in texts[1] and "<b>is</b>" in texts[1]


def test_each_students_folder_is_their_gradebook_id(course, assignment, records):
    """Folder names that break encoders and terminals: their graded ids name the folders
    formgrader opens; an id that cannot be a folder name (from an old results file) is
    named in the error, and every other notebook is still written."""
    template = records[0]
    graded = []
    for folder in HOSTILE_FOLDER_NAMES:
        submit(course, folder)
        graded.append(replace(template, student_id=student_id_for(folder)))
    with pytest.raises(AutogradedIncomplete, match="1 student"):
        write_autograded(assignment, [*graded, replace(template, student_id="../escaped")], Course(course))
    assert sorted(p.name for p in (course / "autograded").iterdir()) == sorted(r.student_id for r in graded)
    for record in graded:
        assert "# by " in by_id(read(course, record.student_id))["a_solution"].source
    assert not (course / "escaped").exists()


def test_a_notebook_is_rewritten_only_when_its_record_changed(course, assignment, records):
    for student in ("zoe", "bob"):
        submit(course, student)
    first = write_autograded(assignment, records, Course(course))
    assert len(first.written) == len(records)
    times = {r.student_id: autograded_path(Course(course), r.student_id, NAME).stat().st_mtime_ns for r in records}
    assert write_autograded(assignment, records, Course(course)).unchanged == len(records)
    regraded = [replace(r, digest="changed", exercises=(ExerciseGrade("a", 2, 2, "graded"), r.exercises[1])) if r.student_id == "bob" else r
                for r in records]
    again = write_autograded(assignment, regraded, Course(course))
    assert again.written == [autograded_path(Course(course), "bob", NAME)] and again.unchanged == len(records) - 1
    assert {s: autograded_path(Course(course), s, NAME).stat().st_mtime_ns for s in times if s != "bob"} == {
        s: t for s, t in times.items() if s != "bob"}
    assert "2 / 2 points for a" in by_id(read(course, "bob"))["test_a"].outputs[0].text


def test_manual_scores_and_comments_survive_a_regrade(course, assignment, records):
    """What a grader sets in formgrader is kept; only an auto score that changed is written,
    and one under a manual score asks for a second look, as nbgrader's autograde does."""
    for student in ("zoe", "bob"):
        submit(course, student)
    out = course / "grades" / NAME
    assert course / "autograded" in write_outputs(assignment, records, out, Course(course))
    db = f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(db) as gb:
        grade = gb.find_grade("test_a", NAME, NAME, "bob")
        grade.manual_score, grade.extra_credit, grade.needs_manual_grade = 2.0, 0.5, False
        gb.find_comment("a_solution", NAME, NAME, "bob").manual_comment = "Right idea; the scale is off."
        gb.db.commit()

    assert course / "autograded" not in write_outputs(assignment, records, out, Course(course))  # nothing changed
    with Gradebook(db) as gb:
        grade = gb.find_grade("test_a", NAME, NAME, "bob")
        assert (grade.auto_score, grade.manual_score, grade.extra_credit, grade.needs_manual_grade) == (1.0, 2.0, 0.5, False)

    bob = next(r for r in records if r.student_id == "bob")
    regraded = replace(bob, digest="new", exercises=(ExerciseGrade("a", 0, 2, "graded", (MASK_SENTENCE,)), bob.exercises[1]))
    write_outputs(assignment, [regraded if r is bob else r for r in records], out, Course(course))
    with Gradebook(db) as gb:
        grade = gb.find_grade("test_a", NAME, NAME, "bob")
        assert (grade.auto_score, grade.manual_score, grade.extra_credit, grade.needs_manual_grade) == (0.0, 2.0, 0.5, True)
        assert gb.find_comment("a_solution", NAME, NAME, "bob").manual_comment == "Right idea; the scale is off."
        assert gb.find_grade("test_a", NAME, NAME, "zoe").needs_manual_grade is False


def test_outside_a_course_with_the_assignment_no_notebook_is_written(course, assignment, records, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "nbgrader_config.py").write_text("c = get_config()\n")
    written = write_outputs(assignment, records, tmp_path / "out", Course(tmp_path / "elsewhere"))
    assert not (tmp_path / "elsewhere" / "autograded").exists() and all("autograded" not in p.parts for p in written)


def test_a_notebook_that_cannot_be_written_is_named_and_the_others_are_written(course, assignment, records):
    (course / "autograded" / "bob").mkdir(parents=True)
    (course / "autograded" / "bob" / NAME).write_text("a file where a folder belongs")
    with pytest.raises(OutputsIncomplete, match=r"autograded notebooks: .*bob"):
        write_outputs(assignment, records, course / "grades" / NAME, Course(course))
    assert autograded_path(Course(course), "zoe", NAME).is_file()
