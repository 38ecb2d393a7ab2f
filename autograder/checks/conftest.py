"""Lets an instructor run an assignment's hidden checks on its exported reference
solution with plain pytest: ``pytest autograder/checks/NAME``.

Check modules are named after their exercises (``dropout.py``, ...), not
``test_*.py``, so this collects the modules each package's ``ASSIGNMENT``
names; the ``student`` fixture is the solution exported from the notebook.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder.assignment import CHECKS_ROOT, load_assignment
from autograder.checks.trusted import trusted_student
from autograder.protocol import Student
from autograder.reference import KerasReferences
from autograder.solution import import_solution


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Module | None:
    package = file_path.parent
    if file_path.suffix != ".py" or package.parent != CHECKS_ROOT or parent.session.isinitpath(file_path):
        return None
    exercises = {exercise.name for exercise in load_assignment(package.name).exercises}
    return pytest.Module.from_parent(parent, path=file_path) if file_path.stem in exercises else None


def _assignment_name(request: pytest.FixtureRequest) -> str:
    return request.module.__name__.split(".")[2]


@pytest.fixture
def student(request: pytest.FixtureRequest) -> Student:
    name = _assignment_name(request)
    return trusted_student(import_solution(name), load_assignment(name).runtime.probes)


@pytest.fixture(scope="session")
def _references() -> dict[str, KerasReferences]:
    return {}


@pytest.fixture
def reference(request: pytest.FixtureRequest, _references: dict[str, KerasReferences]) -> KerasReferences:
    name = _assignment_name(request)
    if name not in _references:
        _references[name] = KerasReferences(load_assignment(name), device="cpu")
    return _references[name]
