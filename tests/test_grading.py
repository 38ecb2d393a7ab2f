"""``autograder grade`` end to end on each of this course's assignments, a sample class with hostile students."""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import psutil
import pytest

from autograder.assignment import available_assignments, load_assignment
from autograder.cli import main
from autograder.results import ResultStore
from autograder.samples import HOSTILE, HOSTILE_FOLDER_NAMES, partial_mistakes
from autograder.sandbox.confinement import detect
from autograder.sandbox.settings import SandboxSettings
from autograder.text import csv_cell
from classes import ESCAPES, GRADE_OPTIONS, SECRET, grades_csv

pytestmark = pytest.mark.skipif(not detect().confined, reason=f"no sandbox here: {detect().problem}")
REPO = Path(__file__).resolve().parents[1]
COURSE_ASSIGNMENTS = [name for name in ("regularization_rnn", "keras_regularization") if name in available_assignments()]
NUMPY = "regularization_rnn"


def grade(name: str, submitted: Path, out: Path, *extra: str) -> int:
    return main(["grade", name, "--submitted", str(submitted), "--out", str(out), *GRADE_OPTIONS, *extra])


@pytest.fixture(scope="module", params=COURSE_ASSIGNMENTS)
def graded_class(request, graded_classes):
    return (request.param, *graded_classes(request.param))


@pytest.fixture(scope="module")
def numpy_class(graded_classes):
    return graded_classes(NUMPY)


def test_every_student_gets_a_row_for_every_exercise(graded_class):
    name, students, _, grades = graded_class
    exercises = [e.name for e in load_assignment(name).exercises]
    assert set(grades) == {(csv_cell(s.student_id), e) for s in students for e in exercises}
    for row in grades.values():
        if row["score"] == "0":
            assert row["feedback"].strip(), f"no reason for a 0: {row}"


def test_correct_work_scores_full_marks_and_unstarted_work_nothing(graded_class):
    _, students, _, grades = graded_class
    correct = {csv_cell(s.student_id) for s in students if s.kind == "correct"} | {"renamed_copy"}
    assert len(correct) >= 2 + len(HOSTILE_FOLDER_NAMES)
    for (student, _), row in grades.items():
        if student in correct:
            assert row["score"] == row["max_score"], row
        if student in ("unstarted", "truncated", "empty_file", "not_a_notebook", "no_notebook", "symlinked_folder", "symlinked_notebook"):
            assert row["score"] == "0", row


def test_partly_wrong_work_scores_as_the_catalog_says(graded_class):
    name, _, _, grades = graded_class
    mistakes = partial_mistakes(load_assignment(name))
    if not mistakes:
        pytest.skip(f"{name}'s catalogue has no mistake that costs points")
    mistake = mistakes[0]
    for exercise in load_assignment(name).exercises:
        expected = mistake.expected if exercise.name == mistake.exercise else exercise.points
        assert grades[("partly_wrong_0000", exercise.name)]["score"] == str(expected)


def test_hostile_code_costs_only_its_own_exercise(graded_class):
    name, _, _, grades = graded_class
    assignment = load_assignment(name)
    for n, behaviour in enumerate(HOSTILE):
        target = assignment.exercises[n % len(assignment.exercises)].name
        for exercise in assignment.exercises:
            row = grades[(f"hostile_{behaviour}", exercise.name)]
            if exercise.name == target:
                assert row["score"] == "0", row
            else:
                assert row["score"] == row["max_score"], (behaviour, row)


def test_no_submission_holds_a_worker_past_its_allowance(graded_class):
    """Hogs, hangs and bombs end within what one submission may use, whatever it tries."""
    name, _, root, _ = graded_class
    timeout = float(GRADE_OPTIONS[GRADE_OPTIONS.index("--timeout") + 1])
    allowance = SandboxSettings(timeout=timeout).allowance(len(load_assignment(name).exercises))
    longest = max(record.seconds for record in ResultStore(root / "out").load().values())
    assert longest <= allowance.wall + 5


def test_nothing_escaped(graded_class):
    name, _, root, _ = graded_class
    assert not any(path.exists() for path in ESCAPES)
    leftover = subprocess.run(["pgrep", "-f", "sleep 1000"], capture_output=True, text=True).stdout.split()
    assert leftover == []
    feedback = "\n".join(p.read_text() for p in (root / "out" / "feedback").rglob("*") if p.is_file())
    for check_file in load_assignment(name).checks_dir.glob("*.py"):
        for line in check_file.read_text().splitlines():
            if len(line.strip()) > 30 and not line.strip().startswith(("#", '"', "says", "lecture")):
                assert line.strip() not in feedback
    assert str(REPO / "autograder") not in feedback


def test_no_two_students_share_a_feedback_file(graded_class):
    _, students, root, _ = graded_class
    assert len(list((root / "out" / "feedback").glob("*.html"))) == len({s.student_id for s in students}) == len(students)


def test_feedback_holds_no_hidden_inputs_and_no_grader_secrets(graded_class):
    _, _, root, _ = graded_class
    feedback = "\n".join(p.read_text() for p in (root / "out" / "feedback").rglob("*") if p.is_file())
    report = (root / "out" / "report.html").read_text()
    table = (root / "out" / "grades.csv").read_text()
    for text in (feedback, report, table):
        assert "HIDDEN-INPUTS" not in text
        assert "L__" not in text, "an exception type the student named reached a sentence"
        assert SECRET not in text
        assert str(root / "submitted") not in text and str(root / "out") not in text
        assert "\x1b" not in text and "\x00" not in text


def test_nothing_is_left_on_the_host(graded_class):
    leftover = [p for p in Path("/sys/fs/cgroup").rglob(f"autograder-{os.getpid()}-*") if p.is_dir()]
    assert leftover == []
    assert [p for p in psutil.Process().children(recursive=True) if "autograder.sandbox" in " ".join(p.cmdline())] == []


def test_unknown_assignment_and_missing_folder_are_one_sentence_and_exit_2(tmp_path, capsys):
    assert main(["grade", "no_such_assignment"]) == 2
    assert main(["grade", NUMPY, "--submitted", str(tmp_path / "missing"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("autograder: ") for line in err)


def test_a_run_with_nothing_new_starts_no_sandbox_and_changes_nothing(tmp_path, numpy_class, capsys):
    _, root, _ = numpy_class
    shutil.copytree(root / "out", tmp_path / "out")
    assert grade(NUMPY, root / "submitted", tmp_path / "out") == 0
    err = capsys.readouterr().err
    assert " 0 to grade." in err and "sandbox:" not in err, err
    assert (tmp_path / "out" / "grades.csv").read_bytes() == (root / "out" / "grades.csv").read_bytes()


def test_a_dask_cluster_gives_the_same_grades(tmp_path, numpy_class):
    """Part of the class, honest and hostile, graded on a Dask cluster: the same rows as graded here."""
    distributed = pytest.importorskip("distributed")
    _, root, full = numpy_class
    chosen = ["correct_0000", "partly_wrong_0000", "hostile_exits", "hostile_leaks_through_type_name", "unstarted"]
    for student in chosen:
        shutil.copytree(root / "submitted" / student, tmp_path / "submitted" / student)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None) as cluster:
        assert grade(NUMPY, tmp_path / "submitted", tmp_path / "out", "--cluster", cluster.scheduler_address) == 0
    on_dask = grades_csv(tmp_path / "out")
    assert on_dask == {key: row for key, row in full.items() if key[0] in chosen}


def test_a_grader_fault_is_graded_again_on_the_next_run(tmp_path, numpy_class):
    _, root, _ = numpy_class
    out = tmp_path / "out"
    out.mkdir()
    store = ResultStore(out)
    records = ResultStore(root / "out").load()
    spoiled = records["correct_0000"]
    first = spoiled.exercises[0]
    records["correct_0000"] = replace(spoiled, exercises=(replace(first, score=0, status="error"), *spoiled.exercises[1:]))
    store.rewrite(records.values())
    assert grade(NUMPY, root / "submitted", out) == 0
    after = store.load()
    assert after["correct_0000"].exercises[0].status == "graded"
    assert after["correct_0000"].total == spoiled.total
    assert all(after[s].seconds == records[s].seconds for s in records if s != "correct_0000")
