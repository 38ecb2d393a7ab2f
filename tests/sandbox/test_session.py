"""The grader's side of a session against a fake child over a socketpair: replies checked for the
protocol's shape, deadlines in CPU time with a wall backstop, progress frames that never extend
one. No sandbox: the child is a thread of this test speaking the wire format."""
from __future__ import annotations

import socket
import threading
import time
from typing import Callable

import pytest

from autograder.protocol import SandboxFailure, Student
from autograder.sandbox.deadlines import Allowance
from autograder.sandbox.session import CellsDied, Session
from autograder.sandbox.settings import SandboxSettings
from autograder.sandbox.wire import read_frame, write_frame
from autograder.status import Status

SETTINGS = SandboxSettings(timeout=0.2, grace=0.3)


class Meters:
    """CPU as the kernel would count it: ``busy`` seconds of CPU per second of wall time."""

    def __init__(self, busy: float) -> None:
        self.busy, self.started = busy, time.monotonic()

    def cpu_seconds(self) -> float:
        return self.busy * (time.monotonic() - self.started)

    def memory_events(self) -> int:
        return 0


def session_with(child: Callable[[object], None], busy: float = 1.0) -> tuple[Session, threading.Thread]:
    ours, theirs = socket.socketpair()
    stream = theirs.makefile("rwb")

    def play() -> None:
        try:
            child(stream)
        except (OSError, ValueError, EOFError):
            pass

    thread = threading.Thread(target=play, daemon=True)
    thread.start()
    allowance = Allowance.for_limits(60)
    allowance.start()
    session = Session(ours, SETTINGS, Meters(busy), allowance, cpu_start=0.0)
    session.begin_phase(SETTINGS.cells_seconds(1))
    return session, thread


def honest(stream) -> None:
    """Runs no cells, defines f, answers every call of f with 42."""
    read_frame(stream)
    write_frame(stream, {"defined": ["f"], "errors": [], "printed": []})
    stream.flush()
    while True:
        request = read_frame(stream)
        for _ in request["items"]:
            write_frame(stream, {"value": 42})
        stream.flush()


def test_calls_are_answered_in_one_round_and_checked():
    session, _ = session_with(honest)
    session.run_cells([], ["f"])
    session.begin_exercise()
    assert session.defined == {"f"}
    assert [r.value for r in Student(session).calls([])] == []
    assert Student(session).call("f").value == 42


@pytest.mark.parametrize("reply", [{"value": 1, "args": ()}, {"no value": 1}, [1, 2], {"value": 1, "error": ["E", "not a list", "m"]}])
def test_a_reply_out_of_the_protocol_ends_the_session_as_crashed(reply):
    def forging(stream) -> None:
        read_frame(stream)
        write_frame(stream, {"defined": ["f"], "errors": [], "printed": []})
        stream.flush()
        read_frame(stream)
        write_frame(stream, reply)
        stream.flush()
        time.sleep(5)

    session, _ = session_with(forging)
    session.run_cells([], ["f"])
    session.begin_exercise()
    with pytest.raises(SandboxFailure) as failure:
        Student(session).call("f")
    assert failure.value.reason == Status.CRASHED
    with pytest.raises(SandboxFailure):
        Student(session).call("f")


def _silent_after_cells(stream) -> None:
    read_frame(stream)
    write_frame(stream, {"defined": ["f"], "errors": [], "printed": []})
    stream.flush()
    read_frame(stream)
    time.sleep(30)


def test_a_busy_silent_child_times_out_at_its_cpu_limit():
    session, _ = session_with(_silent_after_cells, busy=1.0)
    session.run_cells([], ["f"])
    session.begin_exercise()
    started = time.monotonic()
    with pytest.raises(SandboxFailure) as failure:
        Student(session).call("f")
    assert failure.value.reason == Status.TIMEOUT
    assert SETTINGS.exercise_seconds - 0.1 < time.monotonic() - started < SETTINGS.exercise_seconds + 1


def test_a_child_slowed_by_others_is_not_cut_off_until_the_wall_backstop():
    """A process that got a tenth of a core uses a tenth of the CPU: its deadline waits for its CPU."""
    session, _ = session_with(_silent_after_cells, busy=0.1)
    session.run_cells([], ["f"])
    session.begin_exercise()
    started = time.monotonic()
    with pytest.raises(SandboxFailure):
        Student(session).call("f")
    waited = time.monotonic() - started
    assert waited > 2 * SETTINGS.exercise_seconds  # not cut off at the CPU limit's wall time
    assert waited < 3 * SETTINGS.exercise_seconds + 1  # the wall backstop


def test_progress_frames_for_earlier_or_the_same_cells_do_not_move_the_cut_off():
    def repeating(stream) -> None:
        read_frame(stream)
        for _ in range(200):
            write_frame(stream, {"cell": 0})
            stream.flush()
            time.sleep(0.05)

    session, _ = session_with(repeating)
    started = time.monotonic()
    with pytest.raises(CellsDied) as died:
        session.run_cells([(0, "x = 1"), (1, "y = 2")], [])
    assert died.value.cell == 0 and died.value.reason == Status.TIMEOUT
    assert time.monotonic() - started < SETTINGS.exercise_seconds + 1
