"""Lets ``pytest autograder/checks/regularization_rnn`` collect the check modules.

They are named after their exercises (``dropout.py``, ...), not ``test_*.py``;
the ``student`` and ``reference`` fixtures come from ``autograder/checks/conftest.py``.
"""
from __future__ import annotations

import pytest

from autograder.checks.regularization_rnn import ASSIGNMENT

_EXERCISES = {exercise.name for exercise in ASSIGNMENT.exercises}


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".py" and file_path.stem in _EXERCISES and not parent.session.isinitpath(file_path):
        return pytest.Module.from_parent(parent, path=file_path)
    return None
