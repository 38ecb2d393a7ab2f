"""Whatever a student's function returns, a check ends in a failure sentence or a pass, never in
an error of its own: the odd values a student can hand back, run against every check of every
assignment. A check that raised anything but a failed assertion here would charge the grader's
fault (status error, graded again forever) to a student's odd answer."""
from __future__ import annotations

import functools
from typing import Any, Sequence

import numpy as np
import pytest

from autograder.assignment import available_assignments, load_assignment
from autograder.checks.api import collect_checks
from autograder.protocol import CallRequest, CallsRequest, InspectRequest, InteractRequest, Request
from autograder.reference import KerasReferences
from autograder.rubric import run_checks
from autograder.values import Interaction, Opaque, Returned

ODD = {
    "None": None, "empty list": [], "list": [1, 2], "text": "text", "nan": float("nan"), "infinity": float("inf"),
    "wrong shape": np.zeros((2, 3, 4)), "empty array": np.zeros(0), "bool": True, "negative": -1, "mapping": {"key": 1},
    "opaque": Opaque("object"), "strings": np.array(["a", "b"]), "tuple": (1, 2), "nan array": np.full((3, 3), np.nan),
    "a probe's report gone wrong": {"keras_model": True, "layers": [None, 1, {"type": None}], "parameters": "many", "input_shape": "x",
                                    "output_shape": [None], "compile": {"optimizer": 3}, "called": None, "losses": {"a": 1}},
    "a report of nothing": {"keras_model": True},
}


class Odd:
    """Answers every call, probe and example with one odd value; arguments watched come back as sent."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def answer(self, requests: Sequence[Request]) -> list[Any]:
        return [self._one(request) for request in requests]

    def _one(self, request: Request) -> Any:
        match request:
            case CallRequest(call) | InspectRequest(call):
                return self._returned(call)
            case CallsRequest(calls):
                return [self._returned(call) for call in calls]
            case InteractRequest(sources):
                return [Interaction(str(self.value)) for _ in sources]

    def _returned(self, call: Any) -> Returned:
        if call.see_arguments:
            return Returned(self.value, tuple(call.args), dict(call.kwargs))
        return Returned(self.value)


@functools.cache
def references(name: str) -> KerasReferences:
    found = KerasReferences(load_assignment(name), device="cpu")
    found.warm()
    return found


CASES = [(name, exercise.name) for name in available_assignments() for exercise in load_assignment(name).exercises]


@pytest.mark.parametrize("name, exercise", CASES)
@pytest.mark.parametrize("odd", ODD, ids=str)
def test_an_odd_answer_fails_a_check_or_passes_it_but_never_breaks_it(name, exercise, odd):
    assignment = load_assignment(name)
    checks = collect_checks(exercise, assignment.modules[exercise])
    with np.errstate(all="ignore"):
        outcomes = run_checks(checks, Odd(ODD[odd]), references(name))
    faults = [o.fault for o in outcomes if o.fault]
    assert not faults, faults[0]
