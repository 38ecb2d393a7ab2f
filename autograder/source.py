"""The source notebook, ``assignments/NAME/NAME.ipynb``, read as plain nbgrader markup.

It is the one thing an instructor writes, in Jupyter. The engine maps cells by
their nbgrader grade ids, so the conventions are fixed:

* ``EXERCISE_solution``: a solution cell. Its ``def`` lines and docstrings stay
  outside ``### BEGIN SOLUTION`` / ``### END SOLUTION``, so that nbgrader's
  release hands students the signatures and replaces only the bodies.
* ``test_EXERCISE``: the exercise's graded, visible test cell, after the
  solution cell; its ``points`` are what the exercise is worth (whole for this
  course's exercises; an imported otter question's may be a fraction).
* Any other code cell before the last solution cell is code the exercises rely
  on (imports, helpers). Cells after it (optional extras) are not exported.
"""
from __future__ import annotations

import math
from pathlib import Path

import nbformat

from autograder.errors import UserError
from autograder.solution import Part, Solution

SOLUTION_SUFFIX = "_solution"
TEST_PREFIX = "test_"
BEGIN, END = "BEGIN SOLUTION", "END SOLUTION"
"""nbgrader's delimiters; like nbgrader, a line holding one anywhere is a marker line."""


def read_notebook(path: Path, kind: str) -> nbformat.NotebookNode:
    """An instructor's notebook, or a UserError saying in one sentence what is wrong with it."""
    try:
        return nbformat.read(path, as_version=4)
    except FileNotFoundError:
        raise UserError(f"No {kind} notebook at {path}.") from None
    except (OSError, ValueError) as error:
        raise UserError(f"{path} is not a readable notebook ({type(error).__name__}).") from None


def read_source(path: Path, name: str) -> Solution:
    """The solution the notebook holds, markers removed, each exercise with its test cell's points."""
    notebook = read_notebook(path, "source")
    parts: list[Part] = []
    points: dict[str, float] = {}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        nbgrader = cell.metadata.get("nbgrader", {})
        grade_id = str(nbgrader.get("grade_id", ""))
        if nbgrader.get("solution"):
            parts.append(_solution_part(path, grade_id, cell.source, parts))
        elif nbgrader.get("grade"):
            exercise = _tested_exercise(path, grade_id, parts, points)
            points[exercise] = _points(path, grade_id, nbgrader.get("points"))
        else:
            parts.append(Part(cell.source.strip("\n")))
    exercises = [part.exercise for part in parts if part.exercise is not None]
    if not exercises:
        raise UserError(f"{path} has no solution cell: mark one with the grade id EXERCISE{SOLUTION_SUFFIX}.")
    untested = [exercise for exercise in exercises if exercise not in points]
    if untested:
        raise UserError(f"Exercise '{untested[0]}' in {path} has no graded test cell '{TEST_PREFIX}{untested[0]}' after its solution cell.")
    last = max(i for i, part in enumerate(parts) if part.exercise is not None)
    kept = [part for part in parts[: last + 1] if part.exercise is not None or part.code]
    return Solution(name, tuple(Part(p.code, p.exercise, points[p.exercise]) if p.exercise else p for p in kept))


def _solution_part(path: Path, grade_id: str, source: str, earlier: list[Part]) -> Part:
    exercise = grade_id.removesuffix(SOLUTION_SUFFIX)
    if not grade_id.endswith(SOLUTION_SUFFIX) or not exercise.isidentifier():
        raise UserError(f"Solution cell '{grade_id}' in {path} needs the grade id EXERCISE{SOLUTION_SUFFIX}, EXERCISE a Python name.")
    if any(part.exercise == exercise for part in earlier):
        raise UserError(f"{path} has two solution cells '{grade_id}'.")
    lines = source.splitlines()
    if not any(BEGIN in line for line in lines):
        raise UserError(
            f"Solution cell '{grade_id}' in {path} has no `### {BEGIN}` line: keep each def line and docstring "
            "above it and the body between the markers, so that students get the signature."
        )
    code = "\n".join(line for line in lines if BEGIN not in line and END not in line)
    return Part(code.strip("\n"), exercise)


def _tested_exercise(path: Path, grade_id: str, earlier: list[Part], tested: dict[str, float]) -> str:
    exercise = grade_id.removeprefix(TEST_PREFIX)
    if not grade_id.startswith(TEST_PREFIX) or not any(part.exercise == exercise for part in earlier):
        raise UserError(f"Graded cell '{grade_id}' in {path} is not '{TEST_PREFIX}EXERCISE' after the solution cell 'EXERCISE{SOLUTION_SUFFIX}'.")
    if exercise in tested:
        raise UserError(f"{path} has two test cells '{grade_id}'.")
    return exercise


def _points(path: Path, grade_id: str, points: object) -> float:
    """The cell's points: a whole number for this course's exercises (their tiers refuse any other,
    see :meth:`~autograder.assignment.Assignment.with_points_of`), a fraction where an imported otter
    question's cases give one."""
    number = isinstance(points, (int, float)) and not isinstance(points, bool) and math.isfinite(points)
    if not number or points <= 0:
        raise UserError(f"Test cell '{grade_id}' in {path} must be worth a positive number of points, not {points!r}.")
    return int(points) if points == int(points) else float(points)
