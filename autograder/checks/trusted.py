"""Calls functions of trusted code (a reference solution) in this process.

Only for instructors' own code: running the hidden checks on the solution
under plain pytest, and unit tests of the checks. Values still go through the
wire format both ways, so a check sees exactly what it sees from a sandbox.
Student code never comes here; it runs through ``autograder.sandbox``.
"""
from __future__ import annotations

import contextlib
import io
from types import ModuleType
from typing import Any

import numpy as np

from autograder.sandbox.calls import build_arguments, describe_error
from autograder.sandbox.probes import PROBES
from autograder.sandbox.wire import from_bytes, to_bytes
from autograder.values import Call, Interaction, Returned


def _round_trip(value: Any) -> Any:
    return from_bytes(to_bytes(value))


class TrustedStudent:
    def __init__(self, module: ModuleType) -> None:
        self._module = module
        self._generators: dict[int, np.random.Generator] = {}

    def call(self, function: str, *args: Any, **kwargs: Any) -> Returned:
        return self.inspect(None, function, args, kwargs)

    def calls(self, calls: list[Call]) -> list[Returned]:
        return [self._call(None, c.function, c.args, c.kwargs, (), c.see_arguments) for c in calls]

    def inspect(self, probe: str | None, function: str, args: tuple = (), kwargs: dict | None = None, probe_args: tuple = ()) -> Returned:
        """As the sandbox does it: the probe runs here on what the trusted function returned."""
        return self._call(probe, function, args, kwargs, probe_args, False)

    def _call(self, probe: str | None, function: str, args: tuple, kwargs: dict | None, probe_args: tuple, see_arguments: bool) -> Returned:
        args = build_arguments(_round_trip(tuple(args)), self._generators)
        kwargs = build_arguments(_round_trip(dict(kwargs or {})), self._generators)
        try:
            value, error = getattr(self._module, function)(*args, **kwargs), None
            if probe:
                value = PROBES[probe](value, *build_arguments(_round_trip(tuple(probe_args)), self._generators))
        except Exception as raised:  # the check decides whether raising was right
            value, error = None, describe_error(raised)
        if see_arguments:
            return Returned(_round_trip(value), _round_trip(args), _round_trip(kwargs), error)
        return Returned(_round_trip(value), error=error)

    def interact(self, sources: list[str]) -> list[Interaction]:
        """Each statement run as the sandbox's child runs it (a doctest example in the module's namespace)."""
        return [self._interact_one(source) for source in sources]

    def _interact_one(self, source: str) -> Interaction:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            try:
                exec(compile(source, "<example>", "single"), vars(self._module))
                error = None
            except Exception as raised:  # the check compares it with the expected exception
                error = describe_error(raised)
        return Interaction(printed.getvalue(), error)
