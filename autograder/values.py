"""The plain values that cross the sandbox boundary, shared by both sides.

The student's process (:mod:`autograder.sandbox.child`) and the checks
(:mod:`autograder.checks.api`) both speak in these types, so they live apart
from either side's logic: the sandbox runtime copies this module into the
student's world without bringing any of the checks along.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

_rng_keys = itertools.count()


@dataclass(frozen=True)
class Rng:
    """Stands for ``numpy.random.default_rng(seed)`` built inside the sandbox.

    Two arguments with the same ``key`` within one exercise are the same
    generator object there, so a check can call twice on one generator; two
    ``Rng(seed)`` values are two fresh generators with the same seed.
    """

    seed: int
    key: int = field(default_factory=lambda: next(_rng_keys))


@dataclass(frozen=True)
class Opaque:
    """A returned value that was not plain data (an object, a function, ...)."""

    type_name: str


@dataclass(frozen=True)
class RaisedError:
    """An exception raised by student code, reduced to its names and message."""

    type_name: str
    lineage: tuple[str, ...]
    message: str

    def is_a(self, name: str) -> bool:
        return name in self.lineage


@dataclass(frozen=True)
class Call:
    """One call a check wants made. A list of them crosses to the student's
    process in one message (``Student.calls``): independent calls then cost
    one round trip, not one each."""

    function: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    see_arguments: bool = False
    """Send the arguments back as the call left them (to catch mutation). Off
    by default: echoing every input would double what crosses per call."""

    @classmethod
    def of(cls, function: str, *args: Any, **kwargs: Any) -> "Call":
        """Written like the call itself: ``Call.of("f", x, training=False)``."""
        return cls(function, args, kwargs)

    @classmethod
    def watching(cls, function: str, *args: Any, **kwargs: Any) -> "Call":
        """As :meth:`of`, with the arguments sent back after the call."""
        return cls(function, args, kwargs, see_arguments=True)


@dataclass(frozen=True)
class Returned:
    """What one call of a student function gave back: its value or its error,
    and, for a call made with ``Call.watching``, the arguments as they were
    after the call (to catch mutation); None otherwise."""

    value: Any
    args_after: tuple[Any, ...] | None = None
    kwargs_after: dict[str, Any] | None = None
    error: RaisedError | None = None


@dataclass(frozen=True)
class Interaction:
    """One interactive statement run in the student's namespace (a doctest
    example): what it printed, an expression's repr included, or what it raised."""

    output: str
    error: RaisedError | None = None
