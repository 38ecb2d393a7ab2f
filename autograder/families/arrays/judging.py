"""How a check compares a student's array function with the reference solution's answers.

Tier 1 is the form of the answer (an array of the reference's shape and dtype,
or a number where the reference gives one) and the inputs left as they were;
tier 2 the values. A function that draws from NumPy's global random generator
(``np.random.rand``, as lecture code does) gives the reference's values only
under the same seed: its calls go through a small helper the check first
defines in the student's namespace, which seeds NumPy's generator and calls the
function in one step, so no other check's call can draw in between.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograder.checks.api import Call, Student, StudentRaised, expect_array, expect_number
from autograder.values import Returned

SEED = 5
HELPER = "__autograder_seeded_call"
DEFINE_HELPER = (
    f"def {HELPER}(function, seed, *args):\n"
    "    import numpy\n"
    "    numpy.random.seed(seed)\n"
    "    return globals()[function](*args)\n"
)
RTOL = {8: 1e-9, 4: 1e-5, 2: 1e-2}
"""Relative tolerance by float size: the reference's own arithmetic in another order differs by a
few units of the last place (2e-16 in float64), so these accept any order and nothing coarser."""
ATOL = 1e-12


def called(student: Student, function: str, arguments: dict[str, Any], seeded: bool) -> Returned:
    """One call with the inputs watched (they come back as the call left them), under NumPy's
    global seed ``SEED`` when ``seeded``."""
    args = tuple(arguments.values())
    if not seeded:
        (returned,) = student.calls([Call.watching(function, *args)])
        return returned
    student.interact([DEFINE_HELPER])
    (returned,) = student.calls([Call.watching(HELPER, function, SEED, *args)])
    after = None if returned.args_after is None else tuple(returned.args_after[2:])
    return Returned(returned.value, after, returned.kwargs_after, returned.error)


def value(returned: Returned, function: str) -> Any:
    """What the call returned; a failed check naming the function and its exception's type if it raised."""
    if returned.error is not None:
        raise StudentRaised(returned.error, function)
    return returned.value


def _is_number(wanted: Any) -> bool:
    return (isinstance(wanted, (int, float)) and not isinstance(wanted, bool)) or (isinstance(wanted, np.ndarray) and wanted.shape == () and wanted.dtype.kind in "iuf")


def expect_form(found: Any, wanted: Any, call: str) -> None:
    """Tier 1: a number where the reference gives one, else an array of the reference's shape and dtype."""
    if _is_number(wanted):
        expect_number(found, finite=False)
        return
    array = expect_array(found, shape=wanted.shape, kinds=wanted.dtype.kind)
    assert array.dtype == wanted.dtype, f"dtype {array.dtype} for {call}, expected {wanted.dtype}"


def expect_unchanged(returned: Returned, arguments: dict[str, Any]) -> None:
    """Tier 1: every array argument is as it was before the call."""
    assert returned.args_after is not None, "the arguments did not come back"
    for position, (name, given) in enumerate(arguments.items()):
        if isinstance(given, np.ndarray):
            after = returned.args_after[position] if position < len(returned.args_after) else None
            same = isinstance(after, np.ndarray) and after.shape == given.shape and np.array_equal(after, given)
            assert same, f"{name} was modified"


def expect_values(found: Any, wanted: Any, call: str) -> None:
    """Tier 2: the reference's values (floats within rounding of the reference's own dtype, the rest exactly)."""
    if _is_number(wanted):
        number = expect_number(found)
        target = float(wanted)
        assert abs(number - target) <= ATOL + RTOL[8] * abs(target), f"{number} for {call}, expected {target}"
        return
    array = expect_array(found, shape=wanted.shape, finite=wanted.dtype.kind == "f")
    if wanted.dtype.kind == "f":
        rtol = RTOL.get(wanted.dtype.itemsize, RTOL[8])
        assert np.allclose(array, wanted, rtol=rtol, atol=ATOL), f"values differ for {call}"
    else:
        assert np.array_equal(array, wanted), f"values differ for {call}"


def shown(arguments: dict[str, Any]) -> str:
    """A call's inputs as an instructor reads them in selfcheck: numbers as given, arrays by shape."""
    return ", ".join(f"{k}=array{v.shape}" if isinstance(v, np.ndarray) else f"{k}={v!r}" for k, v in arguments.items())
