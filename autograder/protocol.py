"""The one seam between the checks and a student's code: typed requests, answered a round at a time.

A check asks its :class:`Student` to call a function, to call several, to inspect what a
function returned with a sandbox probe, or to run doctest examples. Each question is a
:data:`Request`; whatever answers them is an :class:`Answerer`, which takes a whole round
of requests at once and answers each in order:

- the sandbox's ``Session`` (a student's process, one message a round),
- ``rounds``' side-by-side asker (a check waiting for the round its question joins),
- the in-process answerer for the instructor's own code (``checks.trusted``),
- the fakes of unit tests.

Values cross as :mod:`autograder.values` types only. A :class:`SandboxFailure` ends every
check of the exercise: nothing after it can be trusted.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, Sequence, Union

import numpy as np

from autograder.status import Status
from autograder.values import Call, Interaction, Returned, Rng


@dataclass(frozen=True)
class CallRequest:
    """Call one function: answered by a :class:`Returned`."""

    call: Call


@dataclass(frozen=True)
class CallsRequest:
    """Call several functions in order, as one after another would (generators carry over,
    one that raises does not stop the next): answered by a list of :class:`Returned`."""

    calls: tuple[Call, ...]


@dataclass(frozen=True)
class InspectRequest:
    """Call a function and report on what it returned with the sandbox probe ``probe``
    (an assignment family's probes, e.g. :mod:`autograder.families.keras.probes`): answered by a :class:`Returned` holding the report."""

    call: Call
    probe: str
    probe_args: tuple[Any, ...] = ()


@dataclass(frozen=True)
class InteractRequest:
    """Run each statement as a doctest example in the student's namespace: answered by a list of
    :class:`Interaction`, only what each printed (an expression's repr included) or raised."""

    sources: tuple[str, ...]


Request = Union[CallRequest, CallsRequest, InspectRequest, InteractRequest]


class SandboxFailure(Exception):
    """The student's process died, hung or ran out of memory while answering: it ends the exercise."""

    def __init__(self, reason: Status) -> None:
        super().__init__(reason.value)
        self.reason = reason


class Answerer(Protocol):
    def answer(self, requests: Sequence[Request]) -> list[Any]:
        """Each request's answer, in order (see each request type for what answers it)."""
        ...


class Student:
    """The only way a check reaches student code."""

    def __init__(self, answerer: Answerer) -> None:
        self._answerer = answerer

    def _ask(self, request: Request) -> Any:
        return self._answerer.answer([request])[0]

    def call(self, function: str, *args: Any, **kwargs: Any) -> Returned:
        return self._ask(CallRequest(Call(function, args, kwargs)))

    def calls(self, calls: Sequence[Call]) -> list[Returned]:
        """Each call made in order, in one round trip to the student's process."""
        return self._ask(CallsRequest(tuple(calls)))

    def inspect(self, probe: str, function: str, args: tuple = (), kwargs: dict | None = None, probe_args: tuple = ()) -> Returned:
        """Call ``function`` and return ``probe``'s report on what it returned: how a check learns about
        a Keras model that never leaves the student's process. The report is as hostile as any value."""
        return self._ask(InspectRequest(Call(function, tuple(args), dict(kwargs or {})), probe, tuple(probe_args)))

    def interact(self, sources: Sequence[str]) -> list[Interaction]:
        return self._ask(InteractRequest(tuple(sources)))


class Remembering:
    """Answers a probe's question once per exercise: several checks read one model's report, and
    asking again would only build the same model again. A question that hands the student a
    generator is always asked anew (it would draw anew), and so is every other kind of request."""

    def __init__(self, answerer: Answerer) -> None:
        self._answerer = answerer
        self._reports: dict[Any, Returned] = {}

    def answer(self, requests: Sequence[Request]) -> list[Any]:
        keys = [_key(request) if isinstance(request, InspectRequest) else None for request in requests]
        asked: dict[Any, int] = {}
        sent: list[Request] = []
        slots: list[int | None] = []
        for request, key in zip(requests, keys):
            if key is not None and key in self._reports:
                slots.append(None)
                continue
            if key is not None and key in asked:
                slots.append(asked[key])
                continue
            if key is not None:
                asked[key] = len(sent)
            slots.append(len(sent))
            sent.append(request)
        answers = self._answerer.answer(sent) if sent else []
        for key, slot in asked.items():
            self._reports[key] = answers[slot]
        return [self._reports[key] if slot is None else answers[slot] for key, slot in zip(keys, slots)]


class _Unkeyable(Exception):
    pass


def _key(request: InspectRequest) -> Any:
    """A key equal for equal questions; None for a question that must always be asked."""
    try:
        return (request.probe, request.call.function, _value_key(request.call.args), _value_key(request.call.kwargs), _value_key(request.probe_args))
    except _Unkeyable:
        return None


def _value_key(value: Any) -> Any:
    if isinstance(value, Rng):
        raise _Unkeyable
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, tuple(_value_key(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple((k, _value_key(v)) for k, v in value.items()))
    try:
        hash(value)
    except TypeError:
        raise _Unkeyable from None
    return (type(value).__name__, value)
