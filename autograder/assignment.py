"""What an assignment is to the engine: its exercises, their functions, their cells.

The engine knows nothing about any particular assignment: each one is a package
``autograder.checks.<name>`` that exposes ``ASSIGNMENT`` and one check module
per exercise, beside its source notebook ``assignments/<name>/<name>.ipynb``
(``autograder new`` makes both). What an exercise is worth is not declared in
the package: it is the ``points`` of the exercise's test cell in the notebook.
"""
from __future__ import annotations

import importlib
import keyword
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType

from autograder.errors import UserError
from autograder.sandbox.settings import StudentRuntime
from autograder.solution import installed

CHECKS_ROOT = Path(__file__).parent / "checks"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class UnknownAssignment(UserError):
    """Raised for a name with no checks package; the CLI turns it into one sentence."""


@dataclass(frozen=True)
class Exercise:
    name: str
    title: str
    functions: tuple[str, ...]
    lecture: str
    points: int = 2
    """Set from the notebook by :meth:`Assignment.with_notebook_points`; the default serves hand-built examples."""
    scoring: str = "tiers"
    """How the checks' outcomes become points (``autograder.rubric.SCORINGS``): this course's
    tiers, or otter-grader's ``cases`` / ``all_or_nothing`` for an imported otter question."""

    @property
    def solution_cell(self) -> str:
        return f"{self.name}_solution"

    @property
    def test_cell(self) -> str:
        return f"test_{self.name}"


@dataclass(frozen=True)
class GradescopeSettings:
    """How Gradescope's results.json shows an otter-imported assignment, in otter-grader's own terms:
    the ``generate:`` keys of the master's ASSIGNMENT CONFIG, with otter's defaults
    (``otter.run.run_autograder.autograder_config.AutograderConfig``), applied by the rules of
    otter's ``GradingResults.to_gradescope_dict`` (see :mod:`autograder.gradescope`)."""

    show_hidden: bool = False
    """Per-question entries (which count hidden cases) become visible once grades are published."""
    show_all_public: bool = False
    """Per-question entries are visible at once when every case of every question is public."""
    force_public_test_summary: bool = True
    """A "Public Tests" entry even when ``show_hidden`` is on (there is always one when it is off)."""
    show_stdout: bool = False
    """The autograder's log is shown to students once grades are published."""
    points_possible: float | None = None
    """The assignment's total is rescaled to this many points."""
    score_threshold: float | None = None
    """Pass/fail: at least this fraction of the points earns them all, else 0."""
    every_case_public: bool = False
    """Not a setting but a fact about the tests, written by ``import-otter``: no case is hidden
    (otter's ``all(tf.all_public ...)``, which ``show_all_public`` needs)."""


@dataclass(frozen=True)
class Assignment:
    name: str
    exercises: tuple[Exercise, ...]
    modules: dict[str, ModuleType] = field(default_factory=dict, compare=False, repr=False)
    runtime: StudentRuntime = StudentRuntime()
    """What its students' processes are given: packages, preloads, probes, shims."""
    gradescope: GradescopeSettings | None = None
    """otter's Gradescope shape for an imported otter assignment; None (our own assignments): one
    visible entry per exercise, since our feedback sentences never name hidden values."""

    def exercise(self, name: str) -> Exercise:
        for exercise in self.exercises:
            if exercise.name == name:
                return exercise
        raise KeyError(name)

    @property
    def max_score(self) -> int:
        return sum(e.points for e in self.exercises)

    @property
    def package(self) -> str:
        return f"autograder.checks.{self.name}"

    @property
    def checks_dir(self) -> Path:
        return CHECKS_ROOT / self.name

    def with_notebook_points(self) -> Assignment:
        """The same assignment, each exercise worth the points of its test cell in the source
        notebook (carried by the exported solution, which goes wherever the engine goes)."""
        exported = installed(self.name).exercises
        declared = [e.name for e in self.exercises]
        if declared != list(exported):
            raise UserError(
                f"The checks of '{self.name}' declare the exercises {', '.join(declared)} but its notebook has "
                f"{', '.join(exported) or 'none'}: make autograder/checks/{self.name}/__init__.py follow the notebook."
            )
        return replace(self, exercises=tuple(replace(e, points=exported[e.name].points) for e in self.exercises))


def check_name(name: str) -> None:
    """A name usable as a folder, a grade id prefix and a Python package, or a UserError."""
    if not _NAME.match(name):
        raise UserError(f"'{name}' is not an assignment name: use lower-case letters, digits and underscores, starting with a letter.")
    if keyword.iskeyword(name):
        raise UserError(f"'{name}' is a Python keyword, so it cannot name an assignment's checks package.")


def available_assignments() -> list[str]:
    return sorted(
        p.name for p in CHECKS_ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists() and _NAME.match(p.name)
    )


def load_assignment(name: str) -> Assignment:
    if not _NAME.match(name) or name not in available_assignments():
        known = ", ".join(available_assignments()) or "none"
        raise UnknownAssignment(f"Unknown assignment '{name}' (known: {known}).")
    package = importlib.import_module(f"autograder.checks.{name}")
    assignment: Assignment = package.ASSIGNMENT
    for exercise in assignment.exercises:
        assignment.modules[exercise.name] = importlib.import_module(f"{package.__name__}.{exercise.name}")
    return assignment
