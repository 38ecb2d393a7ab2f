"""What an assignment is to the engine: its exercises, their functions, their cells.

The engine knows nothing about any particular assignment: each one is a package in its
course's ``checks/`` folder that declares ``ASSIGNMENT`` and holds one check module per
exercise, beside its source notebook (``autograder new`` makes both). What an exercise is
worth is not declared in the package: it is the ``points`` of the exercise's test cell in the
notebook, carried by the exported solution, which goes wherever the engine goes.

A course's checks are imported under a package name of that course's own (a hash of its
folder), so two courses in one process never meet, and a check module imports its siblings
relatively (``from .inputs import CASES``).
"""
from __future__ import annotations

import hashlib
import importlib
import keyword
import re
import sys
import traceback
import types
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType

from autograder.course import Course
from autograder.errors import UserError
from autograder.extensions import CellSetup, GradescopeResults, Scoring
from autograder.sandbox.settings import StudentRuntime
from autograder.scoring import TIERS
from autograder.solution import Solution, installed

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class UnknownAssignment(UserError):
    """Raised for a name with no checks package; the CLI turns it into one sentence."""


class CheckFileBroken(UserError):
    """A check file that does not import: a syntax error, a name it lacks."""


@dataclass(frozen=True)
class Exercise:
    name: str
    title: str
    functions: tuple[str, ...]
    lecture: str
    points: float = 2
    """Set from the notebook by :meth:`Assignment.with_points_of`; the default serves hand-built examples.
    Whole under this course's tiers; a fraction where otter's rules split a question's points."""
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
    cell_setup: CellSetup | None = None
    """What its students' processes run around the notebook's cells, where another grader's rules
    say so (an otter import: otter's data files and seed); None: the cells alone."""
    gradescope: GradescopeResults | None = None
    """How Gradescope shows its results, where it shows them its own way (an otter import: otter's
    shape); None: one visible test per exercise, since our sentences never name hidden values."""
    package: str = ""
    """The checks package's import name (set by :func:`load_assignment`)."""
    checks_dir: Path = Path()
    """The checks package's folder in its course (set by :func:`load_assignment`)."""

    @property
    def course(self) -> Course:
        """The course whose ``checks/`` folder holds the assignment's checks."""
        return Course(self.checks_dir.parent.parent)

    def part(self, name: str) -> ModuleType:
        """A module of the checks package beside the exercises' (``inputs``, ``references``)."""
        return importlib.import_module(f"{self.package}.{name}")

    def exercise(self, name: str) -> Exercise:
        for exercise in self.exercises:
            if exercise.name == name:
                return exercise
        raise KeyError(name)

    @property
    def max_score(self) -> float:
        return sum(e.points for e in self.exercises)

    def with_points_of(self, solution: Solution) -> Assignment:
        """The same assignment, each exercise worth the points of its test cell in the source
        notebook, as the exported solution carries them."""
        exported = solution.exercises
        declared = [e.name for e in self.exercises]
        if declared != list(exported):
            raise UserError(
                f"The checks of '{self.name}' declare the exercises {', '.join(declared)} but its notebook has "
                f"{', '.join(exported) or 'none'}: make {self.checks_dir / '__init__.py'} follow the notebook."
            )
        split = next((e.name for e in self.exercises if e.scoring is TIERS and exported[e.name].points != int(exported[e.name].points)), None)
        if split is not None:
            raise UserError(
                f"Exercise '{split}' of '{self.name}' is worth {exported[split].points} points in its notebook: "
                "this course's tiers need a whole number, so give its test cell whole points."
            )
        return replace(self, exercises=tuple(replace(e, points=exported[e.name].points) for e in self.exercises))


def check_name(name: str) -> None:
    """A name usable as a folder, a grade id prefix and a Python package, or a UserError."""
    if not _NAME.match(name):
        raise UserError(f"'{name}' is not an assignment name: use lower-case letters, digits and underscores, starting with a letter.")
    if keyword.iskeyword(name):
        raise UserError(f"'{name}' is a Python keyword, so it cannot name an assignment's checks package.")


def available_assignments(course: Course | None = None) -> list[str]:
    """The course's assignments: every checks package in its ``checks/`` folder."""
    folder = (course or Course.find()).checks
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and (p / "__init__.py").exists() and _NAME.match(p.name))


def course_package(course: Course) -> str:
    """The import name of a course's ``checks/`` folder in this process: registered on first use."""
    name = "_course_" + hashlib.sha256(str(course.root).encode()).hexdigest()[:12]
    if name not in sys.modules:
        package = types.ModuleType(name, f"The checks of the course in {course.root}.")
        package.__path__ = [str(course.checks)]
        sys.modules[name] = package
    return name


def load_assignment(name: str, course: Course | None = None) -> Assignment:
    """The assignment ``name`` of ``course`` (the current course by default), its checks imported
    and its points read from its exported solution; a UserError naming the file and line when a
    check file does not import."""
    course = course or Course.find()
    known = available_assignments(course)
    if not _NAME.match(name) or name not in known:
        raise UnknownAssignment(f"Unknown assignment '{name}' in the course at {course.root} (known: {', '.join(known) or 'none'}).")
    package_name = f"{course_package(course)}.{name}"
    package = _imported(package_name, course)
    declared: Assignment = package.ASSIGNMENT
    modules = {exercise.name: _imported(f"{package_name}.{exercise.name}", course) for exercise in declared.exercises}
    assignment = replace(declared, modules=modules, package=package_name, checks_dir=course.checks_dir(name))
    return assignment.with_points_of(installed(course, name))


def _imported(module: str, course: Course) -> ModuleType:
    """A module of the course's checks; a check file that does not import is the instructor's to
    fix, told in one sentence with its file and line."""
    try:
        return importlib.import_module(module)
    except SyntaxError as error:
        where = _shown(course, Path(error.filename or "?"))
        raise CheckFileBroken(f"{where}, line {error.lineno}: {error.msg}; fix the check file.") from None
    except Exception as error:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if Path(f.filename).is_relative_to(course.checks)]
        where = f"{_shown(course, Path(frames[-1].filename))}, line {frames[-1].lineno}" if frames else module
        raise CheckFileBroken(f"{where}: {type(error).__name__}: {error}; fix the check file.") from None


def _shown(course: Course, path: Path) -> str:
    return str(path.relative_to(course.root)) if path.is_relative_to(course.root) else str(path)
