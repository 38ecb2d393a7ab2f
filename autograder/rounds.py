"""An exercise's checks run side by side, so that their calls cost a few round trips, not one each.

Every check of an exercise runs in a greenlet of its own (one thread, no
preemption). A check runs until it asks its student something; its question
is held back. When every check is waiting or done, the questions go to the
student's process in one batch, in check order, and each check resumes with
its answer; this repeats until every check is done. A check asks what it
would have asked on its own, in its own order, so what it concludes is
unchanged; only the interleaving of different checks' calls in the student's
process differs, and it is fixed by the checks' order, so grading stays
deterministic. The checks of the course's exercises ask once or twice each:
an exercise costs one or two round trips instead of one per check.

A student that cannot answer a round at once (the in-process students of unit
tests and of the solution's own checks) gets each question on its own, in
the same order. A SandboxFailure while a round is answered ends every check
of the exercise, as it would have ended the check that met it.
"""
from __future__ import annotations

from typing import Any, Callable

from greenlet import greenlet

from autograder.checks.api import Call, Interaction, Request, Returned, SandboxFailure


class _Waiting:
    """What a check's greenlet hands back when it asks something."""

    __slots__ = ("request",)

    def __init__(self, request: Request) -> None:
        self.request = request


class _Failed:
    """An answer that is an exception, raised in the check that asked (a bug in an in-process student)."""

    __slots__ = ("error",)

    def __init__(self, error: Exception) -> None:
        self.error = error


class _AskingStudent:
    """The student a check sees while it runs side by side: each question waits for its round."""

    @staticmethod
    def _ask(method: str, *args: Any, **kwargs: Any) -> Any:
        answer = greenlet.getcurrent().parent.switch(_Waiting(Request(method, args, kwargs)))
        if isinstance(answer, _Failed):
            raise answer.error
        return answer

    def call(self, function: str, *args: Any, **kwargs: Any) -> Returned:
        return self._ask("call", function, *args, **kwargs)

    def calls(self, calls: list[Call]) -> list[Returned]:
        return self._ask("calls", list(calls))

    def inspect(self, probe: str | None, function: str, args: tuple = (), kwargs: dict | None = None, probe_args: tuple = ()) -> Returned:
        return self._ask("inspect", probe, function, tuple(args), dict(kwargs or {}), tuple(probe_args))

    def interact(self, sources: list[str]) -> list[Interaction]:
        return self._ask("interact", list(sources))


def run_side_by_side(checks: list[Callable[[Any], Any]], student: Any) -> list[Any]:
    """What each ``check(asking_student)`` returned, in order; each asks its
    questions of ``student`` through the rounds described above."""
    asking = _AskingStudent()
    runs = [greenlet(lambda check=check: check(asking)) for check in checks]
    results: list[Any] = [None] * len(runs)
    waiting: dict[int, Request] = {}

    def step(index: int, *answer: Any) -> None:
        """Run a check until it asks something or ends (a first step passes no answer: it starts it)."""
        reached = runs[index].switch(*answer)
        if isinstance(reached, _Waiting):
            waiting[index] = reached.request
        else:
            results[index] = reached

    try:
        for index in range(len(runs)):
            step(index)
        while waiting:
            order = sorted(waiting)
            answers = _answer(student, [waiting.pop(i) for i in order])
            for index, answer in zip(order, answers):
                step(index, answer)
    finally:
        for run in runs:
            if run and not run.dead:
                run.throw()
    return results


def _answer(student: Any, requests: list[Request]) -> list[Any]:
    if hasattr(student, "answer"):
        return student.answer(requests)
    answers: list[Any] = []
    for request in requests:
        try:
            answers.append(request.ask(student))
        except SandboxFailure:
            raise
        except Exception as error:  # raised in the check that asked, as it would have been
            answers.append(_Failed(error))
    return answers
