"""Checks run side by side: the same outcomes as one after another, in fewer round trips."""
from __future__ import annotations

import pytest

from autograder.checks.api import Call, Request, Returned, SandboxFailure
from autograder.rounds import run_side_by_side


class Recording:
    """A student that answers whole rounds and records them; ``f(x)`` returns ``10 * x``."""

    def __init__(self, fail_on_round: int | None = None) -> None:
        self.rounds: list[list[Request]] = []
        self.fail_on_round = fail_on_round

    def answer(self, requests: list[Request]) -> list:
        self.rounds.append(requests)
        if len(self.rounds) == self.fail_on_round:
            raise SandboxFailure("crashed")
        return [self._one(r) for r in requests]

    def _one(self, request: Request):
        if request.method == "calls":
            return [Returned(10 * c.args[0]) for c in request.args[0]]
        return Returned(10 * request.args[1])


def asks_once(x):
    return lambda student: student.call("f", x).value


def asks_twice(x):
    def check(student):
        first = student.call("f", x).value
        return [r.value for r in student.calls([Call.of("f", first), Call.of("f", x)])]
    return check


def test_each_round_holds_every_question_checks_reached_in_check_order():
    student = Recording()
    results = run_side_by_side([asks_once(1), asks_twice(2), lambda s: "asks nothing", asks_once(3)], student)
    assert results == [10, [200, 20], "asks nothing", 30]
    assert [[(r.method, r.args[1] if r.method == "call" else None) for r in round_] for round_ in student.rounds] == [
        [("call", 1), ("call", 2), ("call", 3)],
        [("calls", None)],
    ]


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


class OneByOne:
    """A student without ``answer``, whose ``f`` raises a bug of its own on 0."""

    def call(self, function, x):
        if x == 0:
            raise KeyError("a bug in the in-process student")
        return Returned(x + 1)


def test_a_student_without_rounds_is_asked_one_question_at_a_time_and_its_errors_reach_the_check_that_asked():
    def catches(student):
        try:
            student.call("f", 0)
        except KeyError:
            return "caught"
        return "not raised"

    assert run_side_by_side([asks_once(4), catches, asks_once(5)], OneByOne()) == [5, "caught", 6]
