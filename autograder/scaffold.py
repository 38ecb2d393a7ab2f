"""``autograder new NAME``: start an assignment that selfcheck and release accept at once.

It writes the four parts every assignment has, around one worked example
exercise (``relu``) for the instructor to replace: the source notebook
(markdown, a solution cell with the ``def`` line and docstring outside the
solution markers, a 2-point visible test cell), the checks package
(``__init__.py`` with ``ASSIGNMENT``, ``relu.py`` with a tier-1 and a tier-2
check, ``references.py``), a ``mistakes.toml`` with one entry, and the
exported solution. Nothing is written when the name is unusable or taken.

``autograder new NAME --from-lecture FILE...`` writes nothing: it lists each
code listing of the lecture decks, cleaned, analysed and as the function it
would become (:mod:`autograder.lectures`). With ``--pick N,...`` it shows the
chosen listings again with the cells and notes of each exercise they give,
runs each function on the inputs its test and checks will use, and only then
writes the same four parts, one exercise per function, with generated checks.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from string import Template
from typing import Sequence

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell

from autograder.assignment import check_name
from autograder.course import Course
from autograder.errors import UserError
from autograder.export_solution import export
from autograder.lectures import checks_text, notebook_text
from autograder.lectures.notebook_text import graded, with_cells
from autograder.lectures.exercise import Planned, plan
from autograder.lectures.reader import read_deck
from autograder.lectures.report import render, render_finding
from autograder.lectures.survey import pick, survey
from autograder.lectures.trial import Trial, try_out

LECTURE = 'lecture "Social Data Science: Text Data and Deep Learning: Week 4", slide "Vanishing gradients – A problem in deep neural nets"'

INTRO = """# $name

*Started with `autograder new $name`: replace the example exercise with your
own, keeping its layout (a solution cell `EXERCISE_solution`, then a graded
test cell `test_EXERCISE`), and this paragraph with your introduction.*

**How to work.** Each exercise has one cell with the functions already
declared: their `def` lines and docstrings say what each function takes and
returns. In each function, replace `# YOUR CODE HERE` /
`raise NotImplementedError()` with your code, then run the test cell below it.
The visible tests are only sanity checks; the grader runs more (hidden) tests."""

EXERCISE = """## Exercise 1: ReLU (2 points)

*Lecture "Social Data Science: Text Data and Deep Learning: Week 4", slide "Vanishing gradients – A problem in deep neural nets".*

The rectified linear unit, $\\operatorname{relu}(x) = \\max(0, x)$, is the
lecture's candidate activation against vanishing gradients: its gradient is
1 for every positive input, however large.

**Write** `relu(x)`: `max(0, x)` entry by entry, for a NumPy array `x` of any
shape, returned as a new array; leave `x` itself unchanged."""

SOLUTION = '''def relu(x):
    """max(0, x) entry by entry, for an array x of any shape: a new float array of x's shape.
    x itself is left unchanged."""
    ### BEGIN SOLUTION
    return np.maximum(np.asarray(x, dtype=float), 0.0)
    ### END SOLUTION'''

TEST = '''# Visible sanity checks for Exercise 1 (the grader runs more).
out = relu(np.array([-2.0, 0.0, 3.0]))
assert np.array_equal(out, [0.0, 0.0, 3.0]), f"relu([-2, 0, 3]) should be [0, 0, 3], got {out}"
print("Exercise 1: visible tests passed.")'''

PACKAGE = '''"""Hidden checks of `$name`: one module per exercise, the hidden inputs and Keras
answers in ``references``, the known mistakes in ``mistakes.toml``. What each
exercise is worth comes from its test cell in the notebook."""
from autograder.assignment import Assignment, Exercise

ASSIGNMENT = Assignment(
    name="$name",
    exercises=(
        Exercise("relu", "ReLU", ("relu",), lecture=$lecture),
    ),
)
'''

CHECKS = '''"""Checks of the `relu` exercise: relu. Tier 1 is the idea the lecture teaches, tier 2 the full behaviour."""
from __future__ import annotations

import numpy as np

from autograder.checks.api import Call, called, check, expect_array, expect_unchanged, result
from . import references as hidden

LECTURE = $lecture


@check(
    tier=1,
    says="relu(x) runs on an ordinary array and returns max(0, x) entry by entry, as keras.activations.relu does",
    lecture=LECTURE,
)
def test_contract_relu(student, reference):
    found = expect_array(called(student, "relu", hidden.X), shape=hidden.X.shape, kinds="f")
    assert np.allclose(found, reference["relu"], rtol=hidden.RTOL, atol=hidden.ATOL), "relu differs from Keras"


@check(
    tier=2,
    says="relu leaves the array it is given unchanged",
    lecture=LECTURE,
)
def test_leaves_x_unchanged(student):
    (returned,) = student.calls([Call.watching("relu", hidden.X)])
    result(returned)
    expect_unchanged(returned, hidden.X)
'''

REFERENCES = '''"""Hidden inputs of `$name` and Keras's answers on them, computed once and cached on disk."""
from __future__ import annotations

from types import ModuleType
from typing import Any, Callable

import numpy as np

from autograder.reference_agreement import Tolerance

X = np.linspace(-3.0, 3.0, 24).reshape(4, 6)
"""Negative and positive values, and no zero: relu's two branches."""
RTOL, ATOL = 1e-5, 1e-6
"""Keras computes in float32 (relative precision 6e-8): this accepts float32 or float64 work, nothing coarser."""


def relu(keras: ModuleType) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(keras.activations.relu(X.astype("float32"))), dtype=np.float64)


PRECOMPUTED: dict[str, Callable[[ModuleType], Any]] = {"relu": relu}
RANDOM: tuple[str, ...] = ()
"""Entries Keras draws from a seed (a dropout mask): each device draws its own, so they are never compared."""
TOLERANCES = {"relu": Tolerance(RTOL, ATOL)}
"""The tolerance the checks compare each entry with; an entry not named here must be equal on GPU and CPU."""
'''

MISTAKES = """# Known mistakes and the score each must get; `autograder selfcheck $name` proves every one.
# name, exercise, expected (0 to the exercise's points), description, code (appended after the
# exercise's solution cell; `np` is numpy), optional replace = true (code replaces the cell).

[[mistake]]
name = "relu_in_place"
exercise = "relu"
expected = 1
description = "Sets the negative entries of x to 0 in place and returns x."
code = '''
def relu(x):
    x[x < 0] = 0.0
    return x
'''
"""


def _notebook(name: str) -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell(Template(INTRO).substitute(name=name), id="intro"),
        new_code_cell("import numpy as np", id="imports", metadata=graded("imports")),
        new_markdown_cell(EXERCISE, id="relu-intro"),
        new_code_cell(SOLUTION, id="relu_solution", metadata=graded("relu_solution", solution=True)),
        new_code_cell(TEST, id="test_relu", metadata=graded("test_relu", points=2)),
    ]
    return with_cells(cells)


def claim(course: Course, name: str) -> Path:
    """The checks folder of a new assignment ``name``, once the name is usable and free; else a UserError."""
    check_name(name)
    if not course.is_nbgrader_course:
        raise UserError(f"No nbgrader course at {course.root}: expected nbgrader_config.py there.")
    checks = course.checks_dir(name)
    taken = [p for p in (course.source_notebook(name).parent, checks, course.solution_module(name)) if p.exists()]
    if taken:
        raise UserError(f"'{name}' is taken: {taken[0]} already exists.")
    return checks


def write_parts(course: Course, name: str, files: dict[Path, str]) -> list[Path]:
    """Write an assignment's files, then export its solution; the paths written, the solution last."""
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return [*files, export(course, name)]


def scaffold(course: Course, name: str) -> list[Path]:
    """Write a new assignment's parts; return the paths written, the exported solution last."""
    checks = claim(course, name)
    fill = {"name": name, "lecture": repr(LECTURE)}
    return write_parts(course, name, {
        course.source_notebook(name): nbformat.writes(_notebook(name)) + "\n",
        checks / "__init__.py": Template(PACKAGE).substitute(fill),
        checks / "relu.py": Template(CHECKS).substitute(fill),
        checks / "references.py": Template(REFERENCES).substitute(fill),
        checks / "mistakes.toml": Template(MISTAKES).substitute(fill),
    })


def generated(course: Course, name: str, planned: Sequence[Planned], trials: Sequence[Trial]) -> dict[Path, str]:
    """The files of an assignment generated from lecture listings, by path."""
    checks = course.checks_dir(name)
    return {
        course.source_notebook(name): nbformat.writes(notebook_text.notebook(name, planned, trials)) + "\n",
        checks / "__init__.py": checks_text.package(name, planned),
        **{checks / f"{p.name}.py": checks_text.module(p, trial) for p, trial in zip(planned, trials)},
        checks / "inputs.py": checks_text.inputs_module(name, planned),
        checks / "references.py": checks_text.references_module(name, planned),
        checks / "mistakes.toml": checks_text.catalog(name),
    }


def _shown(course: Course, path: Path) -> str:
    return str(path.relative_to(course.root) if path.is_relative_to(course.root) else path)


def _preview(planned: Planned, trial: Trial) -> list[str]:
    """An exercise as it will be written: its notes and its three cells."""
    lines = [f"Exercise {planned.number}: {planned.name}, from listing {planned.finding.number} ({planned.title})"]
    lines += [f"  note: {note}" for note in planned.notes]
    for label, text in (("markdown", notebook_text.markdown(planned, trial, notebook_text.POINTS)), ("solution cell", notebook_text.solution_cell(planned)),
                        ("test cell", notebook_text.test_cell(planned, trial))):
        lines.append(f"  {label}:")
        lines += [f"    {line}".rstrip() for line in text.split("\n")]
    return lines


def from_lectures(course: Course, name: str, lectures: Sequence[Path], numbers: Sequence[int] | None) -> int:
    """Survey the decks; with ``numbers``, show and write the exercises of those listings."""
    claim(course, name)
    decks = [read_deck(path) for path in lectures]
    findings = survey(decks)
    if numbers is None:
        print(render(decks, findings), end="")
        return 0
    chosen = pick(findings, numbers)
    planned = plan(chosen)
    trials = [try_out(p) for p in planned]
    for finding in chosen:
        print("\n".join(render_finding(finding)))
    print()
    for exercise, trial in zip(planned, trials):
        print("\n".join(_preview(exercise, trial)), end="\n\n")
    written = write_parts(course, name, generated(course, name, planned, trials))
    print(f"New assignment '{name}' with {len(planned)} exercise(s) from {len(chosen)} listing(s):")
    for path in written:
        print(f"  {_shown(course, path)}")
    print(f"Next: `autograder selfcheck {name} --mutants`, then `autograder release {name}`.")
    return 0


def picked(text: str | None) -> list[int] | None:
    """``--pick 1,3`` as [1, 3]; a UserError for anything but listing numbers."""
    if text is None:
        return None
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts or not all(part.isdigit() for part in parts):
        raise UserError(f"--pick takes listing numbers separated by commas (e.g. --pick 1,3), not '{text}'.")
    return [int(part) for part in parts]


def run(args: argparse.Namespace) -> int:
    course = Course.find(args.course)
    numbers = picked(args.pick)
    if args.from_lecture:
        return from_lectures(course, args.assignment, args.from_lecture, numbers)
    if numbers is not None:
        raise UserError("--pick chooses among the listings of --from-lecture: give the lecture files too.")
    written = scaffold(course, args.assignment)
    print(f"New assignment '{args.assignment}', with one example exercise (relu) to replace:")
    for path in written:
        print(f"  {path.relative_to(course.root) if path.is_relative_to(course.root) else path}")
    print(f"Next: edit the notebook in Jupyter, then `autograder selfcheck {args.assignment}` and `autograder release {args.assignment}`.")
    return 0
