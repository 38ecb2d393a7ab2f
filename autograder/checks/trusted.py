"""Calls functions of trusted code (a reference solution) in this process.

Only for instructors' own code: running the hidden checks on the solution
under plain pytest, and unit tests of the checks. Values still go through the
wire format both ways, so a check sees exactly what it sees from a sandbox.
Student code never comes here; it runs through ``autograder.sandbox``.
"""
from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from autograder.checks.api import RaisedError, Returned, Rng
from autograder.sandbox.wire import from_bytes, to_bytes


def _round_trip(value: Any) -> Any:
    return from_bytes(to_bytes(value))


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
    lineage = tuple(cls.__name__ for cls in type(error).__mro__)
    return RaisedError(type(error).__name__, lineage, str(error)[:500])


class TrustedStudent:
    def __init__(self, module: ModuleType) -> None:
        self._module = module
        self._generators: dict[int, np.random.Generator] = {}

    def call(self, function: str, *args: Any, **kwargs: Any) -> Returned:
        args = build_arguments(_round_trip(args), self._generators)
        kwargs = build_arguments(_round_trip(kwargs), self._generators)
        try:
            value, error = getattr(self._module, function)(*args, **kwargs), None
        except Exception as raised:  # the check decides whether raising was right
            value, error = None, describe_error(raised)
        return Returned(_round_trip(value), _round_trip(args), _round_trip(kwargs), error)
