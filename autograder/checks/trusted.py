"""Answers the checks' requests from trusted code (a reference solution) in this process.

Only for instructors' own code: running the hidden checks on the solution under
plain pytest, and unit tests of the checks. Values still go through the wire
format both ways, so a check sees exactly what it sees from a sandbox.
Student code never comes here; it runs through ``autograder.sandbox``.
"""
from __future__ import annotations

import contextlib
import importlib
import io
from types import ModuleType
from typing import Any, Sequence

import numpy as np

from autograder.protocol import CallRequest, CallsRequest, InspectRequest, InteractRequest, Request, Student
from autograder.sandbox.calls import build_arguments, describe_error
from autograder.sandbox.wire import from_bytes, to_bytes
from autograder.values import Call, Interaction, Returned


def _round_trip(value: Any) -> Any:
    return from_bytes(to_bytes(value))


class TrustedAnswerer:
    """A module's functions answering in this process, as a student's process would, with the
    assignment's ``probes`` (module names) answering inspect requests."""

    def __init__(self, module: ModuleType, probes: tuple[str, ...] = ()) -> None:
        self._module = module
        self._generators: dict[int, np.random.Generator] = {}
        self._probes: dict[str, Any] = {}
        for name in probes:
            self._probes.update(importlib.import_module(name).PROBES)

    def answer(self, requests: Sequence[Request]) -> list[Any]:
        return [self._one(request) for request in requests]

    def _one(self, request: Request) -> Any:
        match request:
            case CallRequest(call):
                return self._call(call)
            case CallsRequest(calls):
                return [self._call(call) for call in calls]
            case InspectRequest(call, probe, probe_args):
                return self._call(call, probe, probe_args)
            case InteractRequest(sources):
                return [self._interact(source) for source in sources]
        raise TypeError(f"not a request: {request!r}")

    def _call(self, call: Call, probe: str | None = None, probe_args: tuple = ()) -> Returned:
        args = build_arguments(_round_trip(tuple(call.args)), self._generators)
        kwargs = build_arguments(_round_trip(dict(call.kwargs)), self._generators)
        try:
            value, error = getattr(self._module, call.function)(*args, **kwargs), None
            if probe:
                value = self._probes[probe](value, *build_arguments(_round_trip(tuple(probe_args)), self._generators))
        except Exception as raised:  # the check decides whether raising was right
            value, error = None, describe_error(raised)
        if call.see_arguments:
            return Returned(_round_trip(value), _round_trip(args), _round_trip(kwargs), error)
        return Returned(_round_trip(value), error=error)

    def _interact(self, source: str) -> Interaction:
        """One statement run as the sandbox's child runs it (a doctest example in the module's namespace)."""
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            try:
                exec(compile(source, "<example>", "single"), vars(self._module))
                error = None
            except Exception as raised:  # the check compares it with the expected exception
                error = describe_error(raised)
        return Interaction(printed.getvalue(), error)


def trusted_student(module: ModuleType, probes: tuple[str, ...] = ()) -> Student:
    """The checks' student for a module of trusted code."""
    return Student(TrustedAnswerer(module, probes))
