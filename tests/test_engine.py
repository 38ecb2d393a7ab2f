"""The engine's rules for one submission, with a fake sandbox in this process: a crash or a hang
costs the exercise it happened in, a cell that kills the process is left out of the next one,
the submission's allowance ends the sessions, and every exercise gets a grade whatever happens."""
from __future__ import annotations

import types
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

import pytest

from autograder.assignment import Assignment, Exercise
from autograder.checks.api import called, check
from autograder.checks.trusted import TrustedAnswerer
from autograder.engine import Grader
from autograder.protocol import CallRequest, Request, SandboxFailure
from autograder.sandbox.deadlines import Allowance
from autograder.sandbox.session import CellsDied
from autograder.sandbox.settings import SandboxSettings
from autograder.status import Status
from autograder.submissions import CODE, SOLUTION, Cell, Submission


def _module(name: str, function: str, expected: int) -> types.SimpleNamespace:
    @check(tier=1, says=f"{function}() returns {expected}", lecture="Lecture, Slide")
    def test_contract(student):
        assert called(student, function) == expected

    return types.SimpleNamespace(__name__=name, test_contract=test_contract)


EXERCISES = (Exercise("a", "A", ("f",), "L"), Exercise("b", "B", ("g",), "L"), Exercise("c", "C", ("h",), "L"))
ASSIGNMENT = Assignment("demo", EXERCISES, modules={"a": _module("a", "f", 1), "b": _module("b", "g", 2), "c": _module("c", "h", 3)})
CORRECT = ("def f():\n    return 1", "def g():\n    return 2", "def h():\n    return 3")


def submission(*sources: str) -> Submission:
    cells = [Cell(0, "import math", CODE, None)]
    for index, (exercise, source) in enumerate(zip(("a", "b", "c"), sources), 1):
        cells.append(Cell(index, source, SOLUTION, exercise))
    return Submission("s", None, "digest", tuple(cells))


class FakeSession:
    """Runs the cells in this process (the tests' own code) and answers calls from them; a cell or
    a function named in ``kills`` / ``hangs`` ends the session as a dead process would."""

    def __init__(self, sandbox: "FakeSandbox", cells: list[tuple[int, str]], functions: list[str]) -> None:
        self.sandbox = sandbox
        namespace: dict[str, Any] = {}
        for index, source in cells:
            if "KILLS" in source:
                raise CellsDied(index, Status.CRASHED)
            if "HANGS FOREVER" in source:
                raise CellsDied(None, Status.TIMEOUT)
            exec(source, namespace)
        self.module = types.SimpleNamespace(**namespace)
        self.defined = {f for f in functions if callable(namespace.get(f))}
        self.printed: dict[int, str] = {}
        self.cell_errors: dict[int, str] = {}
        self.dead: Status | None = None

    def begin_exercise(self) -> None:
        pass

    def answer(self, requests: Sequence[Request]) -> list[Any]:
        for request in requests:
            if isinstance(request, CallRequest) and request.call.function in self.sandbox.dies_in:
                self.dead = self.sandbox.dies_in[request.call.function]
                raise SandboxFailure(self.dead)
        return TrustedAnswerer(self.module).answer(requests)


class FakeSandbox:
    def __init__(self, dies_in: dict[str, Status], cpu_per_session: float = 0.0) -> None:
        self.settings = SandboxSettings(timeout=1)
        self.dies_in = dies_in
        self.cpu_per_session = cpu_per_session
        self.sessions: list[list[int]] = []

    @contextmanager
    def session(self, cells: list[tuple[int, str]], functions: list[str], cells_seconds: float, allowance: Allowance) -> Iterator[FakeSession]:
        self.sessions.append([index for index, _ in cells])
        try:
            yield FakeSession(self, cells, functions)
        finally:
            allowance.cpu_used += self.cpu_per_session


class FakePool:
    def __init__(self, sandbox: FakeSandbox) -> None:
        self.sandbox = sandbox
        self.settings = sandbox.settings

    @contextmanager
    def checkout(self) -> Iterator[FakeSandbox]:
        yield self.sandbox


def grade(*sources: str, dies_in: dict[str, Status] | None = None, cpu_per_session: float = 0.0) -> tuple[dict[str, Any], FakeSandbox]:
    sandbox = FakeSandbox(dies_in or {}, cpu_per_session)
    record, _ = Grader(ASSIGNMENT, references=None, sandboxes=FakePool(sandbox)).grade(submission(*sources))
    return {e.exercise: (e.score, e.status) for e in record.exercises}, sandbox


def test_correct_work_is_graded_in_one_session():
    grades, sandbox = grade(*CORRECT)
    assert grades == {"a": (2, Status.GRADED), "b": (2, Status.GRADED), "c": (2, Status.GRADED)}
    assert len(sandbox.sessions) == 1


@pytest.mark.parametrize("reason", [Status.CRASHED, Status.TIMEOUT, Status.MEMORY])
def test_a_process_that_dies_in_exercise_two_costs_exercise_two_and_a_fresh_one_takes_the_rest(reason):
    grades, sandbox = grade(*CORRECT, dies_in={"g": reason})
    assert grades == {"a": (2, Status.GRADED), "b": (0, reason), "c": (2, Status.GRADED)}
    assert sandbox.sessions == [[0, 1, 2, 3], [0, 1, 2, 3]]


def test_a_cell_that_kills_the_process_is_left_out_of_the_next_one():
    grades, sandbox = grade(CORRECT[0], "KILLS = 1\ndef g():\n    return 2", CORRECT[2])
    assert grades == {"a": (2, Status.GRADED), "b": (0, Status.MISSING), "c": (2, Status.GRADED)}
    assert sandbox.sessions == [[0, 1, 2, 3], [0, 1, 3]]


def test_cells_that_hang_before_any_cell_is_known_cost_every_exercise_left():
    grades, _ = grade(CORRECT[0], "HANGS FOREVER", CORRECT[2])
    assert set(grades.values()) == {(0, Status.TIMEOUT)}


def test_the_submission_allowance_ends_its_sessions_and_what_is_left_timed_out():
    allowance = SandboxSettings(timeout=1).allowance(len(EXERCISES))
    grades, sandbox = grade(*CORRECT, dies_in={"f": Status.TIMEOUT, "g": Status.TIMEOUT}, cpu_per_session=allowance.cpu)
    assert len(sandbox.sessions) == 1
    assert grades == {"a": (0, Status.TIMEOUT), "b": (0, Status.TIMEOUT), "c": (0, Status.TIMEOUT)}


def test_a_fault_of_the_sandbox_itself_is_the_graders_error_of_that_exercise_only(monkeypatch):
    def broken(self, requests):
        if any(isinstance(r, CallRequest) and r.call.function == "g" for r in requests):
            raise OSError("the zygote's socket broke")
        return TrustedAnswerer(self.module).answer(requests)

    monkeypatch.setattr(FakeSession, "answer", broken)
    grades, _ = grade(*CORRECT)
    assert grades["a"] == (2, Status.GRADED) and grades["b"] == (0, Status.ERROR) and grades["c"] == (2, Status.GRADED)


def test_a_wrong_answer_is_a_graded_zero_with_its_sentence():
    record, _ = Grader(ASSIGNMENT, None, FakePool(FakeSandbox({}))).grade(submission(CORRECT[0], "def g():\n    return 5", CORRECT[2]))
    b = next(e for e in record.exercises if e.exercise == "b")
    assert (b.score, b.status) == (0, Status.GRADED) and b.feedback == ("g() returns 2 (see Lecture, Slide).",)
