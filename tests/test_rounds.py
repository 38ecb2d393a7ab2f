"""Checks run side by side: the same outcomes as one after another, in fewer round trips."""
from __future__ import annotations

import pytest

from autograder.protocol import CallRequest, CallsRequest, Remembering, Request, SandboxFailure, InspectRequest
from autograder.rounds import run_side_by_side
from autograder.status import Status
from autograder.values import Call, Returned, Rng


class Recording:
    """An answerer that records each round; ``f(x)`` returns ``10 * x``."""

    def __init__(self, fail_on_round: int | None = None) -> None:
        self.rounds: list[list[Request]] = []
        self.fail_on_round = fail_on_round

    def answer(self, requests: list[Request]) -> list:
        self.rounds.append(list(requests))
        if len(self.rounds) == self.fail_on_round:
            raise SandboxFailure(Status.CRASHED)
        return [self._one(r) for r in requests]

    def _one(self, request: Request):
        if isinstance(request, CallsRequest):
            return [Returned(10 * c.args[0]) for c in request.calls]
        x = request.call.args[0]
        return Returned(None if isinstance(x, Rng) else 10 * x)


def asks_once(x):
    return lambda student: student.call("f", x).value


def asks_twice(x):
    def check(student):
        first = student.call("f", x).value
        return [r.value for r in student.calls([Call.of("f", first), Call.of("f", x)])]
    return check


def test_each_round_holds_every_question_checks_reached_in_check_order():
    answerer = Recording()
    results = run_side_by_side([asks_once(1), asks_twice(2), lambda s: "asks nothing", asks_once(3)], answerer)
    assert results == [10, [200, 20], "asks nothing", 30]
    assert [[type(r).__name__ for r in round_] for round_ in answerer.rounds] == [["CallRequest"] * 3, ["CallsRequest"]]
    assert [r.call.args[0] for r in answerer.rounds[0]] == [1, 2, 3]


def test_a_sandbox_failure_in_a_round_ends_every_check():
    closed = []

    def waits(student):
        try:
            student.call("f", 1)
        finally:
            closed.append(True)

    with pytest.raises(SandboxFailure):
        run_side_by_side([waits, waits], Recording(fail_on_round=1))
    assert closed == [True, True]


def test_a_fault_of_the_answerer_ends_every_check_too():
    class Broken:
        def answer(self, requests):
            raise KeyError("a bug in the answerer")

    with pytest.raises(KeyError):
        run_side_by_side([asks_once(1), asks_once(2)], Broken())


def test_a_probe_question_is_answered_once_per_exercise_and_never_one_that_draws():
    answerer = Recording()
    remembering = Remembering(answerer)
    same = InspectRequest(Call.of("f", 4), "model_config")
    drawing = InspectRequest(Call.of("f", Rng(1)), "model_config")
    first = remembering.answer([same, same, CallRequest(Call.of("f", 5))])
    again = remembering.answer([same, drawing])
    assert [r.value for r in first] == [40, 40, 50] and again[0] is first[0]
    assert [len(round_) for round_ in answerer.rounds] == [2, 1]
