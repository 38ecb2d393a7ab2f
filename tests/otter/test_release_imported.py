"""`autograder release` on imported otter notebooks: nbgrader hands out the questions without
their solutions and without any hidden case, and keeps each question's public test cell,
which passes on the solution and fails on the stub."""
from __future__ import annotations

import sys

import nbformat
import pytest

from autograder.course import Course
from autograder.otter.master import read_master
from both_tools import HERE, fresh_course, run

MASTERS = ("squares", "cubes")
"""OK-format doctests and exception-format functions."""


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = fresh_course(tmp_path_factory.mktemp("otter_release"))
    for name in MASTERS:
        run(sys.executable, "-m", "autograder.cli", "import-otter", str(HERE / f"{name}.ipynb"), cwd=course)
        run(sys.executable, "-m", "autograder.cli", "release", name, cwd=course)
    return course


def _cells(notebook: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    return {c.metadata.nbgrader.grade_id: c for c in notebook.cells if "nbgrader" in c.metadata}


@pytest.mark.parametrize("name", MASTERS)
def test_release_holds_no_solution_and_no_hidden_case(course, name):
    master = read_master(HERE / f"{name}.ipynb")
    text = "\n".join(c.source for c in nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4).cells)
    hidden = [case.doctest or case.source for q in master.questions for case in q.cases if case.hidden]
    assert hidden and not [body for body in hidden if body in text]
    for line in ("return x * x", "return x ** 3", "range(10) if x % 2", "sum(range(1, 11))"):
        assert line not in text
    assert "BEGIN SOLUTION" not in text and "raise NotImplementedError()" in text


@pytest.mark.parametrize("name", MASTERS)
def test_public_test_cells_are_kept_locked_and_judge_the_answers(course, name, monkeypatch):
    monkeypatch.chdir(Course(course).released_notebook(name).parent)  # where the data files are, as for students
    source = _cells(nbformat.read(Course(course).source_notebook(name), as_version=4))
    released = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
    cells = _cells(released)
    master = read_master(HERE / f"{name}.ipynb")
    for question in master.questions:
        test = cells[f"test_{question.name}"]
        assert test.source == source[f"test_{question.name}"].source and test.metadata.nbgrader.locked
        assert test.metadata.nbgrader.points == question.points
    plain = [c.source for c in released.cells if c.cell_type == "code" and "nbgrader" not in c.metadata]
    solved: dict = {}
    stubbed: dict = {}
    for code in plain:
        exec(code, solved)
        exec(code, stubbed)
    for question in master.questions:
        exec(source[f"{question.name}_solution"].source, solved)
    for question in master.questions:
        exec(cells[f"test_{question.name}"].source, solved)
        exec(cells[f"{question.name}_solution"].source.replace("raise NotImplementedError()", "pass"), stubbed)
        with pytest.raises(Exception):  # an assertion, or what an exception-format case raises on a missing answer
            exec(cells[f"test_{question.name}"].source, stubbed)
