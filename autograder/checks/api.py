"""The vocabulary hidden checks are written in.

A check never touches a student's namespace or objects. It calls the
student's functions through :class:`Student`, which sends plain data to a
sandboxed process and gets plain data back (:class:`Returned`). Values a
student returns arrive as numpy arrays, Python scalars, strings, tuples, lists
and dicts, or as :class:`Opaque` when they were anything else, so nothing a
student returns can carry behaviour into the process that holds the checks.

Check functions are ordinary pytest tests: ``test_*(student, reference)``.
The decorator :func:`check` attaches the exercise tier and the one sentence a
student sees when the check fails.
"""
from __future__ import annotations

import builtins
import functools
import inspect
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Callable

import numpy as np

from autograder.protocol import SandboxFailure, Student  # noqa: F401  (the checks' vocabulary)
from autograder.values import Call, Interaction, Opaque, RaisedError, Returned, Rng  # noqa: F401


class StudentRaised(AssertionError):
    """A student function raised where a result was expected.

    When the check knows which function it called (:func:`called`), the
    student is told that function and the exception's built-in type, never its
    message, which may quote hidden inputs.
    """

    def __init__(self, error: RaisedError, function: str | None = None) -> None:
        super().__init__(f"{function or 'the function'} raised {error.type_name}: {error.message[:200]}")
        self.function = function
        self.type_name = shown_type(error)


BUILTIN_EXCEPTIONS = frozenset(
    name for name, value in vars(builtins).items() if isinstance(value, type) and issubclass(value, BaseException)
)


def shown_type(error: RaisedError) -> str:
    """The exception's type as a sentence may name it: the first built-in exception class in its
    lineage. A class the student defined or named is never shown: its name is the student's to
    choose, so it could carry what a hidden check passed (a seed, a shape) into feedback."""
    return next((name for name in error.lineage if name in BUILTIN_EXCEPTIONS), "an exception")


@dataclass(frozen=True)
class CheckSpec:
    tier: int
    says: str
    lecture: str

    @property
    def sentence(self) -> str:
        return f"{self.says} (see {self.lecture})."

    def sentence_after(self, failure: AssertionError) -> str:
        """The sentence a student reads when the check failed this way."""
        if isinstance(failure, StudentRaised) and failure.function:
            return f"{self.sentence} Here {failure.function} raised {failure.type_name}."
        return self.sentence


@dataclass(frozen=True)
class Check:
    exercise: str
    name: str
    spec: CheckSpec
    func: Callable[..., None] = field(repr=False, compare=False)

    @property
    def tier(self) -> int:
        return self.spec.tier

    @functools.cached_property
    def fixtures(self) -> tuple[str, ...]:
        """The fixtures the check's signature names, read once, not on every call."""
        return tuple(inspect.signature(self.func).parameters)


def check(tier: int, says: str, lecture: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Mark a test function as a hidden check of ``tier`` (1: core idea, 2: full behaviour).

    ``says`` names the property for the student, without hidden inputs or
    expected values; ``lecture`` cites the lecture and slide it was taught on by the titles a
    student sees (:mod:`autograder.lectures.citation`).
    """
    if tier not in (1, 2):
        raise ValueError("tier must be 1 or 2")

    def mark(func: Callable[..., None]) -> Callable[..., None]:
        func.__check__ = CheckSpec(tier, says.rstrip("."), lecture)  # type: ignore[attr-defined]
        return func

    return mark


def collect_checks(exercise: str, module: ModuleType) -> list[Check]:
    """The module's checks in the order they are written."""
    found = [
        Check(exercise, name, obj.__check__, obj)
        for name, obj in vars(module).items()
        if name.startswith("test_") and callable(obj) and hasattr(obj, "__check__")
    ]
    if not found:
        raise ValueError(f"{module.__name__} defines no checks")
    return found


def call_check(check_: Check, fixtures: dict[str, Any]) -> None:
    """Call a check with the fixtures its signature names, as pytest would."""
    check_.func(**{name: fixtures[name] for name in check_.fixtures})


def result(returned: Returned) -> Any:
    """The value a call returned; a failed check if it raised instead."""
    if returned.error is not None:
        raise StudentRaised(returned.error)
    return returned.value


def called(student: Student, function: str, *args: Any, **kwargs: Any) -> Any:
    """What ``function`` returned; a failed check that tells the student which function raised
    what, if it raised. Contract checks call through it: one function each."""
    returned = student.call(function, *args, **kwargs)
    if returned.error is not None:
        raise StudentRaised(returned.error, function)
    return returned.value


def expect_array(
    value: Any,
    *,
    shape: tuple[int, ...] | None = None,
    kinds: str = "biuf",
    finite: bool = False,
) -> np.ndarray:
    """``value`` as an array of an allowed dtype kind and shape, or a failed check."""
    assert isinstance(value, np.ndarray), f"expected an array, got {type_name(value)}"
    assert value.dtype.kind in kinds, f"dtype {value.dtype} is not of kind {kinds!r}"
    if shape is not None:
        assert value.shape == tuple(shape), f"shape {value.shape}, expected {tuple(shape)}"
    if finite:
        assert np.all(np.isfinite(value)), "contains NaN or infinity"
    return value


def expect_number(value: Any, *, finite: bool = True) -> float:
    """``value`` as a float when it is a real scalar (Python or numpy), else a failed check."""
    if isinstance(value, np.ndarray):
        assert value.shape == () and value.dtype.kind in "biuf", f"expected a number, got an array of shape {value.shape}"
        value = value.item()
    assert isinstance(value, (int, float)) and not isinstance(value, bool), f"expected a number, got {type_name(value)}"
    number = float(value)
    if finite:
        assert np.isfinite(number), "not finite"
    return number


def expect_unchanged(returned: Returned, *given: np.ndarray) -> None:
    """The call left each array it was given (its first positional arguments) as it was:
    a caller's data is not the function's to change, and a check cannot see it changed otherwise.
    Only a call made with ``Call.watching`` brings its arguments back."""
    if returned.args_after is None:
        raise TypeError("expect_unchanged needs a call made with Call.watching(...)")
    for position, before in enumerate(given):
        after = returned.args_after[position] if position < len(returned.args_after) else None
        same = isinstance(after, np.ndarray) and after.shape == before.shape and np.array_equal(after, before)
        assert same, f"argument {position + 1} was modified"


def expect_raises(returned: Returned, error: str) -> None:
    """The call raised ``error`` (or a subclass of it)."""
    assert returned.error is not None, f"returned instead of raising {error}"
    assert returned.error.is_a(error), f"raised {returned.error.type_name}, expected {error}"


def type_name(value: Any) -> str:
    return value.type_name if isinstance(value, Opaque) else type(value).__name__
