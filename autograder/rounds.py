"""An exercise's checks run side by side, so that their questions cost a few round trips, not one each.

Every check of an exercise runs in a greenlet of its own (one thread, no
preemption) with a :class:`~autograder.protocol.Student` whose answerer holds
each question back. When every check is waiting or done, the questions go to
the real answerer as one round, in check order, and each check resumes with
its answer; this repeats until every check is done. A check asks what it
would have asked on its own, in its own order, so what it concludes is
unchanged; only the interleaving of different checks' calls in the student's
process differs, and it is fixed by the checks' order, so grading stays
deterministic. The checks of the course's exercises ask once or twice each:
an exercise costs one or two round trips instead of one per check.

An exception while a round is answered (a SandboxFailure, or a fault of the
answerer's own) ends every check of the exercise, as it would have ended the
check that met it.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from greenlet import greenlet

from autograder.protocol import Answerer, Request, Student


class _Waiting:
    """What a check's greenlet hands back when it asks something."""

    __slots__ = ("requests",)

    def __init__(self, requests: list[Request]) -> None:
        self.requests = requests


class _HeldBack:
    """The answerer of a check running side by side: each question waits for its round."""

    def answer(self, requests: Sequence[Request]) -> list[Any]:
        return greenlet.getcurrent().parent.switch(_Waiting(list(requests)))


def run_side_by_side(checks: list[Callable[[Student], Any]], answerer: Answerer) -> list[Any]:
    """What each ``check(student)`` returned, in order; each asks its questions of ``answerer``
    through the rounds described above."""
    student = Student(_HeldBack())
    runs = [greenlet(lambda check=check: check(student)) for check in checks]
    results: list[Any] = [None] * len(runs)
    waiting: dict[int, list[Request]] = {}

    def step(index: int, *answer: Any) -> None:
        """Run a check until it asks something or ends (a first step passes no answer: it starts it)."""
        reached = runs[index].switch(*answer)
        if isinstance(reached, _Waiting):
            waiting[index] = reached.requests
        else:
            results[index] = reached

    try:
        for index in range(len(runs)):
            step(index)
        while waiting:
            order = sorted(waiting)
            asked = [waiting.pop(i) for i in order]
            answers = answerer.answer([request for requests in asked for request in requests])
            start = 0
            for index, requests in zip(order, asked):
                step(index, answers[start:start + len(requests)])
                start += len(requests)
    finally:
        for run in runs:
            if run and not run.dead:
                run.throw()
    return results
