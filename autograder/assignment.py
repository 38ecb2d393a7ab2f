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
from autograder.extensions import GradescopeResults, Scoring
from autograder.sandbox.settings import StudentRuntime
from autograder.scoring import TIERS
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
    scoring: Scoring = TIERS
    """How the checks' outcomes become points: this course's tiers unless the assignment names
    another (an otter-grader import names otter's rules)."""

    @property
    def solution_cell(self) -> str:
        return f"{self.name}_solution"

    @property
    def test_cell(self) -> str:
        return f"test_{self.name}"


@dataclass(frozen=True)
class Assignment:
    name: str
    exercises: tuple[Exercise, ...]
    modules: dict[str, ModuleType] = field(default_factory=dict, compare=False, repr=False)
    runtime: StudentRuntime = StudentRuntime()
    """What its students' processes are given: packages, preloads, probes, shims."""
    gradescope: GradescopeResults | None = None
    """How Gradescope shows its results, where it shows them its own way (an otter import: otter's
    shape); None: one visible test per exercise, since our sentences never name hidden values."""

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
