"""`autograder import-otter` on otter's own kinds of master: points as otter splits them, what
students see and what they never see, the name to use, data files, and replacing an earlier import."""
from __future__ import annotations

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

from autograder.course import Course
from autograder.errors import UserError
from autograder.otter.importer import import_otter, suggested_name
from autograder.otter.master import read_master
from autograder.otter.runtime import Seed

CONFIG = "# ASSIGNMENT CONFIG\n{}"
KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


def case_cell(source: str, output: str | None = None, **config) -> nbformat.NotebookNode:
    header = "".join(f"{key}: {value}\n" for key, value in config.items())
    code = f'""" # BEGIN TEST CONFIG\n{header}""" # END TEST CONFIG\n{source}' if config else source
    outputs = [new_output("execute_result", {"text/plain": output}, execution_count=1)] if output is not None else []
    return new_code_cell(code, outputs=outputs)


def question(name: str, config: str, prompt: list, solution: list, tests: list) -> list:
    return [new_raw_cell(f"# BEGIN QUESTION\nname: {name}\n{config}"), *prompt, new_raw_cell("# BEGIN SOLUTION"), *solution,
            new_raw_cell("# END SOLUTION"), new_raw_cell("# BEGIN TESTS"), *tests, new_raw_cell("# END TESTS"), new_raw_cell("# END QUESTION")]


def write_master(folder, file_name: str, config: str, *cells) -> object:
    cells = ([new_raw_cell(CONFIG.format(config))] if config is not None else []) + list(cells)
    path = folder / file_name
    nbformat.write(new_notebook(cells=cells, metadata={"kernelspec": KERNEL}), path)
    return path


@pytest.fixture
def course(tmp_path) -> Course:
    root = tmp_path / "course"
    root.mkdir()
    (root / "nbgrader_config.py").write_text("c = get_config()\n")
    return Course(root)


SPLIT = [
    *question("q1", "points: 2", [new_markdown_cell("**Question 1.** Set `x` to 2.")], [new_code_cell("x = 2 # SOLUTION")], [
        case_cell("x", "2"), case_cell("# HIDDEN\nx + 1", "3"), case_cell("x * 2", "4", points=0.5, hidden="true")]),
    *question("q2", "points:\n    - 0.5\n    - 1\n    - 1.5\nall_or_nothing: true", [new_markdown_cell("**Question 2.**")], [
        new_code_cell("def add(a, b):\n    return a + b # SOLUTION"),
        new_markdown_cell("Then call it.", metadata={"tags": ["otter_include"]}),
        new_markdown_cell("SOLUTION: an explanation students never see."),
        new_code_cell("s = add(1, 2) # SOLUTION")], [
        case_cell("add(1, 1)", "2"), case_cell("# HIDDEN\ns", "3"), case_cell("# HIDDEN\nadd(-1, 1)", "0")]),
    *question("q3", "points:\n    each: 0.25", [], [new_code_cell("y = 1 # SOLUTION")], [case_cell("y", "1"), case_cell("y > 0", "True")]),
    new_code_cell("# ignore\nraise SystemExit('an ignored cell')"),
]


def test_points_are_split_as_otter_splits_them(tmp_path):
    master = read_master(write_master(tmp_path, "hw.ipynb", "name: hw", *SPLIT))
    points = {q.name: [c.points for c in q.cases] for q in master.questions}
    assert points == {"q1": [0.75, 0.75, 0.5], "q2": [0.5, 1, 1.5], "q3": [0.25, 0.25]}
    assert [q.points for q in master.questions] == [2, 3, 0.5]
    assert [q.all_or_nothing for q in master.questions] == [False, True, False]


def test_students_see_the_prompt_and_included_markdown_never_a_solution_or_an_ignored_cell(course, tmp_path):
    import_otter(course, write_master(tmp_path, "hw.ipynb", "name: hw", *SPLIT), None)
    notebook = nbformat.read(course.source_notebook("hw"), as_version=4)
    text = "\n".join(c.source for c in notebook.cells)
    assert "Then call it." in text and "**Question 2.**" in text
    assert "never see" not in text and "an ignored cell" not in text
    tests = {c.metadata.nbgrader.grade_id: c.metadata.nbgrader.points for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")}
    assert tests == {"test_q1": 2, "test_q2": 3, "test_q3": 0.5}
    assert "# exercise: q3, 0.5 points" in course.solution_module("hw").read_text()


def test_a_config_file_beside_the_master_is_read_as_otter_reads_it(tmp_path):
    (tmp_path / "settings.yml").write_text("tests:\n  ok_format: false\ngenerate:\n  seed: 42\n")
    cells = question("q1", "points: 1", [], [new_code_cell("x = 2 # SOLUTION")], [new_code_cell("def test_x(x):\n    assert x == 2")])
    master = read_master(write_master(tmp_path, "hw.ipynb", "name: hw\nconfig_file: settings.yml", *cells))
    assert master.questions[0].cases[0].function == "test_x" and master.seed == Seed(42)


def test_a_seed_variable_wins_over_generates_seed(tmp_path):
    cells = question("q1", "points: 1", [], [new_code_cell("x = 2 # SOLUTION")], [case_cell("x", "2")])
    config = "name: hw\nseed:\n    variable: rng_seed\n    autograder_value: 7\n    student_value: 1\ngenerate:\n    seed: 42"
    assert read_master(write_master(tmp_path, "hw.ipynb", config, *cells)).seed == Seed(7, "rng_seed")
    with pytest.raises(UserError, match="give a Python name and a whole number"):
        read_master(write_master(tmp_path, "hw.ipynb", config.replace("rng_seed", "rng-seed"), *cells))


@pytest.mark.parametrize("file_name, config, says", [
    ("generate-otter.ipynb", None, "'generate-otter' (the file name of generate-otter.ipynb) cannot name an assignment here: pass --name generate_otter."),
    ("hw.ipynb", "name: hw-02", "'hw-02' (the ASSIGNMENT CONFIG name of hw.ipynb) cannot name an assignment here: pass --name hw_02."),
])
def test_a_name_that_cannot_name_an_assignment_comes_with_the_name_to_pass(course, tmp_path, file_name, config, says):
    cells = question("q1", "points: 1", [], [new_code_cell("x = 2 # SOLUTION")], [case_cell("x", "2")])
    with pytest.raises(UserError) as raised:
        import_otter(course, write_master(tmp_path, file_name, config, *cells), None)
    assert str(raised.value) == says


@pytest.mark.parametrize("text, name", [("hw-02", "hw_02"), ("02 Lab", "hw_02_lab"), ("class", "class_"), ("Lab 3", "lab_3")])
def test_suggested_names_are_assignment_names(text, name):
    assert suggested_name(text) == name


def test_without_a_name_in_its_config_the_master_is_named_by_its_file(course, tmp_path):
    cells = question("q1", "points: 1", [], [new_code_cell("x = 2 # SOLUTION")], [case_cell("x", "2")])
    import_otter(course, write_master(tmp_path, "lab3.ipynb", "init_cell: false", *cells), None)
    assert course.source_notebook("lab3").is_file()


def test_files_go_beside_the_students_notebook_and_into_the_checks_for_grading(course, tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "values.csv").write_text("value\n5\n10\n")
    (tmp_path / "answers.txt").write_text("for the grader only\n")
    cells = question("q1", "points: 1", [], [new_code_cell("x = 2 # SOLUTION")], [case_cell("x", "2")])
    import_otter(course, write_master(tmp_path, "hw.ipynb", "name: hw\nfiles:\n    - data\nautograder_files:\n    - answers.txt", *cells), None)
    assert (course.source_notebook("hw").parent / "data" / "values.csv").read_text() == "value\n5\n10\n"
    assert not (course.source_notebook("hw").parent / "answers.txt").exists(), "autograder_files are not handed out"
    assert {p.name for p in (course.checks_dir("hw") / "files").rglob("*") if p.is_file()} == {"values.csv", "answers.txt"}
    assert "data_files(__file__, {'data/values.csv': " in (course.checks_dir("hw") / "__init__.py").read_text()


def test_a_file_outside_the_masters_folder_is_refused(course, tmp_path):
    folder = tmp_path / "master"
    folder.mkdir()
    cells = question("q1", "points: 1", [], [new_code_cell("x = 2 # SOLUTION")], [case_cell("x", "2")])
    with pytest.raises(UserError, match="is not inside the master's folder"):
        import_otter(course, write_master(folder, "hw.ipynb", "name: hw\nfiles:\n    - ../secret.txt", *cells), None)


def test_force_replaces_an_earlier_import_and_only_that(course, tmp_path):
    path = write_master(tmp_path, "hw.ipynb", "name: hw", *SPLIT)
    import_otter(course, path, None)
    with pytest.raises(UserError, match="'hw' was imported before: pass --force"):
        import_otter(course, path, None)
    (course.checks_dir("hw") / "__pycache__").mkdir()
    (course.checks_dir("hw") / "__pycache__" / "q1.cpython-311.pyc").write_bytes(b"cache")
    edited = json.loads(path.read_text())
    edited["cells"][2]["source"] = "**Question 1, edited.**"
    path.write_text(json.dumps(edited))
    import_otter(course, path, None, force=True)
    assert "Question 1, edited." in course.source_notebook("hw").read_text()

    (course.checks_dir("hw") / "mistakes.toml").write_text("# a catalogue written by hand\n")
    with pytest.raises(UserError, match="checks/hw/mistakes.toml was added or edited since"):
        import_otter(course, path, None, force=True)
    assert (course.checks_dir("hw") / "mistakes.toml").read_text() == "# a catalogue written by hand\n"


def test_force_never_replaces_an_assignment_written_by_hand(course, tmp_path):
    course.checks_dir("hw").mkdir(parents=True)
    (course.checks_dir("hw") / "__init__.py").write_text("ASSIGNMENT = None\n")
    with pytest.raises(UserError, match="'hw' was not made by `autograder import-otter`"):
        import_otter(course, write_master(tmp_path, "hw.ipynb", "name: hw", *SPLIT), None, force=True)
    assert (course.checks_dir("hw") / "__init__.py").read_text() == "ASSIGNMENT = None\n"
