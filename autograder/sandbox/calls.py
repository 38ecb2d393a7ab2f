"""Turning a call request into Python arguments, and an exception into plain data.

Used on both sides of the boundary by design: inside the student's process
(:mod:`autograder.sandbox.child`) and by :mod:`autograder.checks.trusted`,
which runs the instructor's own solution in-process, so that a check sees
exactly the same values either way.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograder.values import RaisedError, Rng


def build_arguments(value: Any, generators: dict[int, np.random.Generator]) -> Any:
    """Replace each ``Rng`` by its generator, one per key."""
    if isinstance(value, Rng):
        if value.key not in generators:
            generators[value.key] = np.random.default_rng(value.seed)
        return generators[value.key]
    if isinstance(value, tuple):
        return tuple(build_arguments(v, generators) for v in value)
    if isinstance(value, list):
        return [build_arguments(v, generators) for v in value]
    if isinstance(value, dict):
        return {k: build_arguments(v, generators) for k, v in value.items()}
    return value


def describe_error(error: BaseException) -> RaisedError:
    """Names and message only; a hostile ``__str__`` or metaclass yields a placeholder."""
    try:
        lineage = tuple(str(cls.__name__)[:100] for cls in type(error).__mro__)[:50]
    except BaseException:
        lineage = ("BaseException",)
    try:
        message = str(error)[:500]
    except BaseException:
        message = "(unprintable)"
    return RaisedError(lineage[0] if lineage else "BaseException", lineage, message)
