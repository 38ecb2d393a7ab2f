"""Reading a source notebook: solution cells without their markers, points from test cells, one-sentence errors."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.errors import UserError
from autograder.solution import Part
from autograder.source import read_source

SOLUTION = 'def twice(x):\n    """Two times x."""\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION'


def cell(source: str, grade_id: str | None = None, *, solution: bool = False, points: object = None):
    if grade_id is None:
        return new_code_cell(source)
    meta = {"grade": points is not None, "grade_id": grade_id, "locked": not solution, "schema_version": 3, "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return new_code_cell(source, metadata={"nbgrader": meta})


def write(tmp_path: Path, *cells) -> Path:
    path = tmp_path / "demo.ipynb"
    nbformat.write(new_notebook(cells=[new_markdown_cell("# Demo"), *cells]), path)
    return path


def test_solution_cells_lose_their_markers_and_take_their_test_cells_points(tmp_path):
    path = write(
        tmp_path,
        cell("import numpy as np", "imports"),
        cell(SOLUTION, "twice_solution", solution=True),
        cell("assert twice(2) == 4", "test_twice", points=3),
        cell("HELPER = 1"),
        cell("def half(x):\n    ### BEGIN SOLUTION\n    return x / 2\n    ### END SOLUTION", "half_solution", solution=True),
        cell("assert half(4) == 2", "test_half", points=1.0),
        cell("print(twice(half(3)))"),
    )
    assert read_source(path, "demo").parts == (
        Part("import numpy as np"),
        Part('def twice(x):\n    """Two times x."""\n    return 2 * x', "twice", 3),
        Part("HELPER = 1"),
        Part("def half(x):\n    return x / 2", "half", 1),
    )


@pytest.mark.parametrize(
    "cells, says",
    [
        ([cell("def f():\n    return 1", "f_solution", solution=True), cell("f()", "test_f", points=2)], "has no `### BEGIN SOLUTION` line"),
        ([cell(SOLUTION, "twice", solution=True)], "needs the grade id EXERCISE_solution"),
        ([cell(SOLUTION, "twice_solution", solution=True)], "has no graded test cell 'test_twice'"),
        ([cell("assert True", "test_twice", points=2), cell(SOLUTION, "twice_solution", solution=True)], "is not 'test_EXERCISE' after"),
        ([cell(SOLUTION, "twice_solution", solution=True), cell("0", "test_twice", points=0)], "positive number of points, not 0"),
        ([cell(SOLUTION, "twice_solution", solution=True), cell("0", "test_twice", points=-1.5)], "positive number of points"),
        ([cell(SOLUTION, "twice_solution", solution=True), cell("0", "test_twice", points=float("nan"))], "positive number of points"),
        ([cell(SOLUTION, "twice_solution", solution=True), cell("0", "test_twice", points=True)], "positive number of points"),
        ([cell(SOLUTION, "twice_solution", solution=True), cell(SOLUTION, "twice_solution", solution=True)], "two solution cells"),
        ([cell("import numpy as np")], "has no solution cell"),
    ],
)
def test_a_notebook_off_the_conventions_is_one_sentence(tmp_path, cells, says):
    with pytest.raises(UserError, match=None) as raised:
        read_source(write(tmp_path, *cells), "demo")
    message = str(raised.value)
    assert says in message and "\n" not in message and message.endswith("."), message


def test_a_fraction_of_a_point_is_read_as_it_is_and_whole_points_as_ints(tmp_path):
    """An imported otter question may be worth 3.75; this course's tiers refuse it later, per exercise."""
    path = write(tmp_path, cell(SOLUTION, "twice_solution", solution=True), cell("0", "test_twice", points=3.75))
    assert read_source(path, "demo").exercises["twice"].points == 3.75
    path = write(tmp_path, cell(SOLUTION, "twice_solution", solution=True), cell("0", "test_twice", points=2.0))
    assert type(read_source(path, "demo").exercises["twice"].points) is int


def test_missing_or_damaged_notebook_is_one_sentence(tmp_path):
    with pytest.raises(UserError, match="No source notebook"):
        read_source(tmp_path / "none.ipynb", "demo")
    (tmp_path / "bad.ipynb").write_text("{not json")
    with pytest.raises(UserError, match="is not a readable notebook"):
        read_source(tmp_path / "bad.ipynb", "demo")
