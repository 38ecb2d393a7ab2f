"""Lets an instructor run an assignment's hidden checks on its reference
solution with plain pytest: ``pytest autograder/checks/regularization_rnn``."""
from __future__ import annotations

import importlib

import pytest

from autograder.assignment import load_assignment
from autograder.checks.trusted import TrustedStudent
from autograder.reference import KerasReferences


def _assignment_name(request: pytest.FixtureRequest) -> str:
    return request.module.__name__.split(".")[2]


@pytest.fixture
def student(request: pytest.FixtureRequest) -> TrustedStudent:
    return TrustedStudent(importlib.import_module(f"solutions.{_assignment_name(request)}"))


@pytest.fixture(scope="session")
def _references() -> dict[str, KerasReferences]:
    return {}


@pytest.fixture
def reference(request: pytest.FixtureRequest, _references: dict[str, KerasReferences]) -> KerasReferences:
    name = _assignment_name(request)
    if name not in _references:
        _references[name] = KerasReferences(load_assignment(name), device="cpu")
    return _references[name]
