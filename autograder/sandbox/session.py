"""One student process, from the grader's side: it runs the notebook's cells, then answers the
checks' requests exercise after exercise.

Everything it sends is hostile. Each phase (the cells, then each exercise) has one deadline in
CPU time with a wall-time backstop (:mod:`autograder.sandbox.deadlines`), fixed by the grader
when the phase starts: no frame extends it, and every read and write waits at most until then,
however slowly bytes arrive. Each reply is read under :data:`~autograder.sandbox.wire.REPLY_LIMITS`,
a round's replies together under :data:`~autograder.sandbox.wire.BATCH_LIMITS`, and each is
checked for the exact shape the protocol allows (:mod:`autograder.sandbox.replies`).
"""
from __future__ import annotations

import socket
import time
from typing import Any, Callable, Protocol, Sequence

from autograder.protocol import CallRequest, CallsRequest, InspectRequest, InteractRequest, Request, SandboxFailure
from autograder.sandbox import replies
from autograder.sandbox.channel import Channel
from autograder.sandbox.deadlines import WALL_FACTOR, Allowance, Deadline
from autograder.sandbox.replies import BROKEN
from autograder.sandbox.settings import SandboxSettings
from autograder.sandbox.wire import BATCH_LIMITS, REPLY_LIMITS, Budget, WireError, read_frame, write_frame
from autograder.status import Status
from autograder.values import Call, Opaque, Returned

PRINTED_CAP = 8000
MAX_CELL_ERRORS = 20


class CellsDied(Exception):
    """The student process died or hung while running the cells."""

    def __init__(self, cell: int | None, reason: Status) -> None:
        super().__init__(reason)
        self.cell, self.reason = cell, reason


class Meters(Protocol):
    """What the kernel counted for the session: the grader's only view of its CPU and memory."""

    def cpu_seconds(self) -> float: ...

    def memory_events(self) -> int: ...


class Session:
    """An :class:`~autograder.protocol.Answerer` over one student process."""

    def __init__(self, channel: socket.socket, settings: SandboxSettings, meters: Meters, allowance: Allowance, cpu_start: float) -> None:
        self.stream = Channel(channel)
        self.settings = settings
        self.meters = meters
        self.allowance = allowance
        self.cpu_start = cpu_start
        self.memory_before = meters.memory_events()
        self.defined: set[str] = set()
        self.cell_errors: dict[int, str] = {}
        self.printed: dict[int, str] = {}
        """What each cell printed; nothing printed during the checks' calls is kept."""
        self.dead: Status | None = None
        self._untouched = False
        """The exercise phase began and nothing was asked since: beginning it again changes nothing."""

    def begin_phase(self, cpu_limit: float) -> None:
        """A phase's deadline: ``cpu_limit`` seconds of CPU, and WALL_FACTOR times that of wall
        time, within what the submission has left."""
        now_cpu = self.cpu_start if self.stream.deadline is None else self.meters.cpu_seconds()
        left = self.allowance.cpu_left() - (now_cpu - self.cpu_start)
        wall_end = min(time.monotonic() + WALL_FACTOR * cpu_limit, self.allowance.wall_end)
        self.stream.deadline = Deadline(min(cpu_limit, left), now_cpu, self.meters.cpu_seconds, wall_end)

    def begin_exercise(self) -> None:
        """A new phase: the exercise's own deadline and memory baseline."""
        if self._untouched:
            return
        self.begin_phase(self.settings.exercise_seconds)
        self.memory_before = self.meters.memory_events()
        self._untouched = True

    def _reason(self, error: BaseException) -> Status:
        time.sleep(0.01)  # the kernel's memory events land a moment after the process dies
        if self.meters.memory_events() > self.memory_before:
            return Status.MEMORY
        return Status.TIMEOUT if isinstance(error, TimeoutError) else Status.CRASHED

    def run_cells(self, cells: list[tuple[int, str]], functions: list[str]) -> None:
        sent = {index for index, _ in cells}
        current: int | None = None
        phase = self.stream.deadline
        try:
            write_frame(self.stream, {
                "op": "cells", "cells": cells, "functions": functions, "cell_timeout": self.settings.timeout,
                "cell_wall": WALL_FACTOR * self.settings.timeout,
            })
            while True:
                reply = read_frame(self.stream, REPLY_LIMITS)
                if type(reply) is not dict:
                    raise WireError("a reply is not a mapping")
                if "cell" in reply:
                    # A cell that ignores its alarms is cut off soon after it starts. Only a later
                    # cell than the last one counts, and its deadline lies within the phase's: a
                    # frame may shorten the wait, never lengthen it.
                    if type(reply["cell"]) is int and reply["cell"] in sent and (current is None or reply["cell"] > current):
                        current = reply["cell"]
                        self.stream.deadline = phase.within(self.settings.exercise_seconds, WALL_FACTOR * self.settings.exercise_seconds)
                    continue
                defined, errors = reply["defined"], reply["errors"]
                if type(defined) is not list or type(errors) is not list:
                    raise WireError("malformed cells reply")
                self.defined = {f for f in defined if type(f) is str and f in functions}
                self.cell_errors = replies.by_cell(errors[:MAX_CELL_ERRORS], sent, 400)
                self.printed = replies.by_cell(reply["printed"], sent, PRINTED_CAP)
                return
        except BROKEN as error:
            raise CellsDied(current, self._reason(error)) from error

    def answer(self, requests: Sequence[Request]) -> list[Any]:
        """Every request of a round (:mod:`autograder.rounds`) in one message, made
        in order in the student's process, with one reply frame per item and all
        of them in one read; each request's answer, in order. Any reply out of
        the protocol ends the session."""
        if self.dead:
            raise SandboxFailure(self.dead)
        self._untouched = False
        items: list[dict[str, Any]] = []
        finish = [self._plan(request, items) for request in requests]
        answers = self._exchange(items) if items else []
        try:
            return [done(answers) for done in finish]
        except BROKEN as failure:
            self.dead = self._reason(failure)
            raise SandboxFailure(self.dead) from failure

    def _plan(self, request: Request, items: list[dict[str, Any]]) -> Callable[[list[dict[str, Any]]], Any]:
        """Add what ``request`` needs sent to ``items``; how to build its answer from the replies."""
        first = len(items)
        match request:
            case CallRequest(call):
                items.append(_call_item(call))
                return lambda got: self._returned(got[first], call.see_arguments)
            case CallsRequest(calls):
                items.extend(_call_item(call) for call in calls)
                return lambda got: [self._returned(got[first + i], c.see_arguments) for i, c in enumerate(calls)]
            case InspectRequest(call, probe, probe_args):
                items.append(_call_item(call) | {"probe": probe, "probe_args": tuple(probe_args)})
                return lambda got: self._returned(got[first])
            case InteractRequest(sources):
                items.append({"op": "interact", "sources": list(sources)})
                return lambda got: replies.interactions(got[first], len(sources))
        raise TypeError(f"not a request: {request!r}")

    def _returned(self, reply: dict[str, Any], see_arguments: bool = False) -> Returned:
        """One call's reply, checked for the protocol's shape; a MemoryError in it ends the session."""
        args_after, kwargs_after = reply.get("args"), reply.get("kwargs")
        if see_arguments:
            if type(args_after) is not tuple or type(kwargs_after) is not dict:
                raise WireError("malformed arguments")
        elif args_after is not None or kwargs_after is not None:
            raise WireError("arguments sent back unasked")
        error = replies.raised(reply["error"]) if "error" in reply else None
        value = Opaque("too large to send") if reply.get("too_large") is True else reply["value"]
        if error is not None and error.is_a("MemoryError"):
            self.dead = Status.MEMORY
            raise SandboxFailure(self.dead)
        return Returned(value, args_after, kwargs_after, error)

    def _exchange(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One batch and its replies, each a mapping, read under one budget for all of
        them (:data:`~autograder.sandbox.wire.BATCH_LIMITS`); any failure ends the session."""
        try:
            write_frame(self.stream, {"op": "batch", "items": items})
            budget = Budget(BATCH_LIMITS)
            got = [read_frame(self.stream, REPLY_LIMITS, budget) for _ in items]
            if any(type(reply) is not dict for reply in got):
                raise WireError("a reply is not a mapping")
        except BROKEN as failure:
            self.dead = self._reason(failure)
            raise SandboxFailure(self.dead) from failure
        return got


def _call_item(call: Call) -> dict[str, Any]:
    item = {"op": "call", "function": call.function, "args": tuple(call.args), "kwargs": dict(call.kwargs)}
    return item | {"see_arguments": True} if call.see_arguments else item
