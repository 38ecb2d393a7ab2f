"""Lets an instructor run an assignment's hidden checks on its exported reference solution with
plain pytest, in any course folder: ``pytest checks/NAME``.

A pytest plugin (registered by this package's ``pytest11`` entry point), inert everywhere but
in ``<course>/checks/<name>/``: check modules are named after their exercises (``dropout.py``,
...), not ``test_*.py``, so it collects the modules each package's ``ASSIGNMENT`` names; the
``student`` fixture answers from the solution exported from the notebook, ``reference`` holds
the Keras references.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder.assignment import Assignment, load_assignment
from autograder.checks.trusted import trusted_student
from autograder.course import Course
from autograder.protocol import Student
from autograder.reference import KerasReferences
from autograder.solution import import_solution


def _assignment_of(path: Path) -> Assignment | None:
    """The assignment whose checks package holds ``path``, when it lies in a course's checks folder."""
    package = path.parent
    course = Course.containing(package)
    if course is None or package.parent != course.checks or not (package / "__init__.py").is_file():
        return None
    return load_assignment(package.name, course)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Module | None:
    if file_path.suffix != ".py" or parent.session.isinitpath(file_path):
        return None
    assignment = _assignment_of(file_path)
    if assignment is None or file_path.stem not in {exercise.name for exercise in assignment.exercises}:
        return None
    return pytest.Module.from_parent(parent, path=file_path)


@pytest.fixture(scope="session")
def _assignments() -> dict[Path, Assignment]:
    return {}


def _assignment(request: pytest.FixtureRequest, known: dict[Path, Assignment]) -> Assignment:
    path = Path(request.module.__file__).resolve()
    if path.parent not in known:
        assignment = _assignment_of(path)
        if assignment is None:
            raise pytest.UsageError(f"{path} is not in a course's checks/<assignment>/ folder.")
        known[path.parent] = assignment
    return known[path.parent]


@pytest.fixture
def student(request: pytest.FixtureRequest, _assignments: dict[Path, Assignment]) -> Student:
    assignment = _assignment(request, _assignments)
    return trusted_student(import_solution(assignment.course, assignment.name), assignment.runtime.probes)


@pytest.fixture(scope="session")
def _references() -> dict[str, KerasReferences]:
    return {}


@pytest.fixture
def reference(request: pytest.FixtureRequest, _assignments: dict[Path, Assignment], _references: dict[str, KerasReferences]) -> KerasReferences:
    assignment = _assignment(request, _assignments)
    if assignment.package not in _references:
        _references[assignment.package] = KerasReferences(assignment, device="cpu")
    return _references[assignment.package]
