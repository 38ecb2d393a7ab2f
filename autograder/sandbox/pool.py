"""The grader's side of the trust boundary: zygotes, sessions, deadlines.

A :class:`Sandbox` owns one worker's zygote (see
:mod:`autograder.sandbox.launcher` and :mod:`autograder.sandbox.zygote`) and
its cgroup. A :class:`Session` is one student process for one exercise: it
runs the notebook's cells, then answers the checks' calls until the session
ends, when the student's pid namespace is killed whole.

Everything a session sends is hostile. Each phase of a session (running
the cells, then judging each exercise) has one deadline in CPU time with a wall-time
backstop (:mod:`autograder.sandbox.deadlines`), fixed by the grader when the phase
starts: no frame extends it, and every read and write waits at most until then,
however slowly bytes arrive. Each reply is
read under :data:`~autograder.sandbox.wire.REPLY_LIMITS` and checked for the
exact shape the protocol allows; text in it is cleaned before the grader
keeps it.
"""
from __future__ import annotations

import itertools
import json
import os
import queue
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

from autograder.errors import UserError
from autograder.protocol import CallRequest, CallsRequest, InspectRequest, InteractRequest, Request, SandboxFailure
from autograder.sandbox import confinement as confinements
from autograder.sandbox.confinement import Confinement
from autograder.sandbox.deadlines import WALL_FACTOR, Allowance, Deadline
from autograder.sandbox.wire import BATCH_LIMITS, REPLY_LIMITS, Budget, WireError, read_frame, write_frame
from autograder.sandbox.world import World, base_interpreter, build_world
from autograder.status import Status
from autograder.text import clean_text
from autograder.values import Call, Interaction, Opaque, RaisedError, Returned

CELL_GRACE = 5.0
START_TIMEOUT = 60.0
CONTROL_TIMEOUT = 30.0
SCRATCH_MB = 64
SCRATCH_INODES = 16384
PRINTED_CAP = 8000
MAX_CELL_ERRORS = 20
BROKEN = (OSError, EOFError, WireError, ValueError, KeyError, TypeError, IndexError, AttributeError)
"""What a reply that is not in the protocol raises while it is read and checked."""


class SandboxUnavailable(UserError):
    """Confinement cannot be set up here and the caller did not accept the risk."""


class SandboxBroken(Exception):
    """The zygote stopped answering or left processes behind: replace it."""


class CellsDied(Exception):
    """The student process died or hung while running the cells."""

    def __init__(self, cell: int | None, reason: Status) -> None:
        super().__init__(reason)
        self.cell, self.reason = cell, reason


@dataclass(frozen=True)
class SandboxSettings:
    timeout: float = 20.0
    """Seconds per cell, and for each exercise's checks."""
    memory_mb: int = 2048
    allow_unconfined: bool = False
    packages: tuple[str, ...] = ("numpy", "scipy", "matplotlib", "pandas")
    """Distributions students may import (with what they require)."""
    preload: tuple[str, ...] = ("numpy", "numpy.random", "numpy.linalg", "numpy.fft")
    """Modules the zygote imports once, so that no student process pays for them."""
    environment: tuple[tuple[str, str], ...] = ()
    """Variables the assignment adds to the zygote's environment (names the launcher fixes are not replaced)."""
    hide: tuple[str, ...] = ()
    """Course folders that must not show through even if they lie inside a tree students see."""

    def cells_seconds(self, exercises: int) -> float:
        """The cells phase's CPU: as much as one session per exercise would have had for its cells."""
        return (exercises + 1) * self.timeout + CELL_GRACE

    @property
    def exercise_seconds(self) -> float:
        """One exercise's checks, in CPU seconds (and a cell's, should it ignore its own alarm)."""
        return self.timeout + CELL_GRACE

    def allowance(self, exercises: int) -> Allowance:
        """What every session of one submission of ``exercises`` may use together: one full pass at the limits."""
        return Allowance.for_limits(self.cells_seconds(exercises) + exercises * self.exercise_seconds)


def confinement_for(settings: SandboxSettings) -> Confinement:
    """What this machine allows, or a refusal where students would run unconfined and that was not accepted."""
    found = confinements.detect()
    if not found.confined and not settings.allow_unconfined:
        raise SandboxUnavailable(
            f"The sandbox cannot be set up because {found.problem}; refusing to run student code unconfined "
            "(pass --allow-unconfined to accept that risk)."
        )
    return found


class Sandbox:
    """One zygote and its cgroup; one session at a time."""

    _numbers = itertools.count(1)
    """Names each sandbox's cgroup; next() on it is atomic, and pools start their sandboxes in parallel."""

    def __init__(self, settings: SandboxSettings, confinement: Confinement, world: World) -> None:
        self.settings = settings
        self.confinement = confinement
        self.cgroup = confinement.cgroups.create(next(Sandbox._numbers), settings.memory_mb) if confinement.cgroups else None
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        if os.environ.get("PYTHONPATH"):
            env["PYTHONPATH"] = os.environ["PYTHONPATH"]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "autograder.sandbox.launcher"], stdin=theirs.fileno(), stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, cwd="/", env=env, start_new_session=True,
        )
        theirs.close()
        self.zygote_pid = 0
        try:
            self._start(world)
        except (OSError, ValueError, SandboxBroken) as error:
            self.close()
            raise RuntimeError(f"the sandbox did not start: {error}") from error

    def _start(self, world: World) -> None:
        mode = self.confinement.mode
        limits_by_rlimit = self.cgroup is None
        counted = not limits_by_rlimit and self.confinement.cgroups.has_pids
        scratch_mb = SCRATCH_MB if not limits_by_rlimit else min(SCRATCH_MB, self.settings.memory_mb // 4)
        self._send({
            "grader": os.getpid(), "confined": self.confinement.confined, "user_namespace": mode == "user namespace",
            "uid": os.geteuid(), "gid": os.getegid(), "cgroup_procs": self.cgroup.procs_files if self.cgroup else [],
            "world": world.as_dict(), "environment": [list(item) for item in self.settings.environment],
            "host_python": base_interpreter(), "host_path": [p for p in sys.path if p.startswith(sys.base_prefix) or "-packages" in p],
        })
        self._send({
            "preload": list(self.settings.preload), "confined": self.confinement.confined,
            "drop_to_nobody": mode == "root", "scratch_mb": scratch_mb, "scratch_inodes": SCRATCH_INODES, "counted": counted,
            # Without a cgroup the session is one process whose address space, with its scratch tmpfs, is the cap.
            "memory_bytes": (self.settings.memory_mb - scratch_mb) << 20 if limits_by_rlimit else None,
            "processes": 64 if not counted else None,
        })
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            reply = self._receive(deadline - time.monotonic())
            if "error" in reply:
                raise SandboxBroken(str(reply["error"])[:500])
            if "zygote" in reply:
                self.zygote_pid = int(reply["zygote"])
            if reply.get("ready"):
                return

    def _send(self, message: dict, fds: list[int] | None = None) -> None:
        self.control.settimeout(CONTROL_TIMEOUT)
        socket.send_fds(self.control, [json.dumps(message).encode()], fds or [])

    def _receive(self, timeout: float = CONTROL_TIMEOUT) -> dict:
        self.control.settimeout(max(timeout, 0.001))
        try:
            data = self.control.recv(65536)
        except TimeoutError as error:
            raise SandboxBroken("the zygote did not answer in time") from error
        if not data:
            raise SandboxBroken("the zygote is gone")
        return json.loads(data)

    def memory_events(self) -> int:
        return self.cgroup.memory_events() if self.cgroup else 0

    def cpu_seconds(self) -> float:
        """CPU the current session has used: the worker cgroup counts it where it can (the
        zygote, idle meanwhile, adds nothing), otherwise the zygote reads its student's."""
        if self.cgroup is not None and self.cgroup.counts_cpu:
            return self.cgroup.cpu_seconds()
        self._send({"op": "cpu"})
        return float(self._receive()["cpu"])

    def _sweep(self) -> None:
        """The session's processes are gone with its pid namespace; the cgroup
        proves it, and whatever it still holds is killed."""
        if self.cgroup is None:
            return
        if self.cgroup.kill(spare={self.process.pid, self.zygote_pid}):
            raise SandboxBroken("processes of a session survived it")

    @contextmanager
    def session(
        self, cells: list[tuple[int, str]], functions: list[str], cells_seconds: float | None = None,
        allowance: Allowance | None = None,
    ) -> Iterator["Session"]:
        """A student process that has run ``cells``; ``allowance`` is what all sessions of its
        submission may still use (by default as much as a submission of one exercise)."""
        allowance = allowance or self.settings.allowance(1)
        allowance.start()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        counted = self.cgroup is not None and self.cgroup.counts_cpu
        cpu_start = self.cgroup.cpu_seconds() if counted else 0.0  # otherwise the student's own, from its start
        try:
            self._send({"op": "start"}, [theirs.fileno()])
        finally:
            theirs.close()
        try:
            started = self._receive()
        except BaseException:
            ours.close()
            raise
        if not started.get("started"):
            ours.close()
            raise SandboxBroken(f"a session did not start: {str(started.get('error'))[:200]}")
        session = Session(self, ours, allowance, cpu_start, self.memory_events())
        try:
            session.begin_phase(self.settings.cells_seconds(1) if cells_seconds is None else cells_seconds)
            session.run_cells(cells, functions)
            session.begin_exercise()
            yield session
        finally:
            ours.close()
            self._send({"op": "end"})
            ended = self._receive()
            used = (self.cgroup.cpu_seconds() if counted else float(ended.get("cpu", 0.0))) - cpu_start
            allowance.cpu_used += max(used, 0.0)
            self._sweep()

    def close(self) -> None:
        self.control.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()
        if self.cgroup is not None:
            self.cgroup.remove()


READ_AHEAD = 1 << 16


class _Channel:
    """The grader's end of a session's socket, under the phase's deadline.

    Small reads are served from one receive of up to READ_AHEAD bytes, so a
    frame's header, document and arrays usually cost one system call."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.deadline: Deadline | None = None
        self._buffer = bytearray(READ_AHEAD)
        self._ahead = memoryview(self._buffer)[:0]

    def _wait(self) -> None:
        self.sock.settimeout(self.deadline.remaining())

    def readinto(self, view: memoryview) -> int:
        if not self._ahead:
            self._wait()
            if len(view) >= READ_AHEAD:
                return self.sock.recv_into(view)
            self._ahead = memoryview(self._buffer)[: self.sock.recv_into(self._buffer)]
        count = min(len(view), len(self._ahead))
        view[:count] = self._ahead[:count]
        self._ahead = self._ahead[count:]
        return count

    def write(self, data: bytes | memoryview) -> int:
        self._wait()
        self.sock.sendall(data)
        return len(data)

    def flush(self) -> None:
        pass


def _by_cell(pairs: Any, sent: set[int], limit: int) -> dict[int, str]:
    """[[cell, text], ...] from the child, for cells that were sent, text cleaned."""
    if type(pairs) is not list or len(pairs) > len(sent):
        raise WireError("malformed per-cell text")
    found: dict[int, str] = {}
    for pair in pairs:
        if type(pair) is not list or len(pair) != 2 or type(pair[0]) is not int or pair[0] not in sent:
            raise WireError("malformed per-cell text")
        found[pair[0]] = _text(pair[1], limit)
    return found


def _text(value: Any, limit: int) -> str:
    if type(value) is not str:
        raise WireError("expected text")
    return clean_text(value, limit)


class Session:
    """One student process: it runs the notebook's cells, then answers the checks' requests
    (an :class:`~autograder.protocol.Answerer`) exercise after exercise."""

    def __init__(self, sandbox: Sandbox, channel: socket.socket, allowance: Allowance, cpu_start: float, memory_before: int) -> None:
        self.sandbox = sandbox
        self.stream = _Channel(channel)
        self.allowance = allowance
        self.cpu_start = cpu_start
        self.memory_before = memory_before
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
        now_cpu = self.cpu_start if self.stream.deadline is None else self.sandbox.cpu_seconds()
        left = self.allowance.cpu_left() - (now_cpu - self.cpu_start)
        wall_end = min(time.monotonic() + WALL_FACTOR * cpu_limit, self.allowance.wall_end)
        self.stream.deadline = Deadline(min(cpu_limit, left), now_cpu, self.sandbox.cpu_seconds, wall_end)

    def begin_exercise(self) -> None:
        """A new phase: the exercise's own deadline and memory baseline."""
        if self._untouched:
            return
        self.begin_phase(self.sandbox.settings.exercise_seconds)
        self.memory_before = self.sandbox.memory_events()
        self._untouched = True

    def _reason(self, error: BaseException) -> Status:
        time.sleep(0.01)
        if self.sandbox.memory_events() > self.memory_before:
            return Status.MEMORY
        return Status.TIMEOUT if isinstance(error, TimeoutError) else Status.CRASHED

    def _read(self) -> Any:
        return read_frame(self.stream, REPLY_LIMITS)

    def run_cells(self, cells: list[tuple[int, str]], functions: list[str]) -> None:
        sent = {index for index, _ in cells}
        current: int | None = None
        phase = self.stream.deadline
        settings = self.sandbox.settings
        try:
            request = {"op": "cells", "cells": cells, "functions": functions, "cell_timeout": settings.timeout,
                       "cell_wall": WALL_FACTOR * settings.timeout}
            write_frame(self.stream, request)
            while True:
                reply = self._read()
                if type(reply) is not dict:
                    raise WireError("a reply is not a mapping")
                if "cell" in reply:
                    # A cell that ignores its alarms is cut off soon after it starts. Only a later
                    # cell than the last one counts, and its deadline lies within the phase's: a
                    # frame may shorten the wait, never lengthen it.
                    if type(reply["cell"]) is int and reply["cell"] in sent and (current is None or reply["cell"] > current):
                        current = reply["cell"]
                        self.stream.deadline = phase.within(settings.exercise_seconds, WALL_FACTOR * settings.exercise_seconds)
                    continue
                defined, errors = reply["defined"], reply["errors"]
                if type(defined) is not list or type(errors) is not list:
                    raise WireError("malformed cells reply")
                self.defined = {f for f in defined if type(f) is str and f in functions}
                self.cell_errors = _by_cell(errors[:MAX_CELL_ERRORS], sent, 400)
                self.printed = _by_cell(reply["printed"], sent, PRINTED_CAP)
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
        replies = self._exchange(items) if items else []
        try:
            return [done(replies) for done in finish]
        except BROKEN as failure:
            self.dead = self._reason(failure)
            raise SandboxFailure(self.dead) from failure

    def _plan(self, request: Request, items: list[dict[str, Any]]) -> Callable[[list[dict[str, Any]]], Any]:
        """Add what ``request`` needs sent to ``items``; how to build its answer from the replies."""
        first = len(items)
        match request:
            case CallRequest(call):
                items.append(_call_item(call))
                return lambda replies: self._returned(replies[first], call.see_arguments)
            case CallsRequest(calls):
                items.extend(_call_item(call) for call in calls)
                return lambda replies: [self._returned(replies[first + i], c.see_arguments) for i, c in enumerate(calls)]
            case InspectRequest(call, probe, probe_args):
                items.append(_call_item(call) | {"probe": probe, "probe_args": tuple(probe_args)})
                return lambda replies: self._returned(replies[first])
            case InteractRequest(sources):
                items.append({"op": "interact", "sources": list(sources)})
                return lambda replies: _interactions(replies[first], len(sources))
        raise TypeError(f"not a request: {request!r}")

    def _returned(self, reply: dict[str, Any], see_arguments: bool = False) -> Returned:
        """One call's reply, checked for the protocol's shape; a MemoryError in it ends the session."""
        args_after, kwargs_after = reply.get("args"), reply.get("kwargs")
        if see_arguments:
            if type(args_after) is not tuple or type(kwargs_after) is not dict:
                raise WireError("malformed arguments")
        elif args_after is not None or kwargs_after is not None:
            raise WireError("arguments sent back unasked")
        error = _raised(reply["error"]) if "error" in reply else None
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
            replies = [read_frame(self.stream, REPLY_LIMITS, budget) for _ in items]
            if any(type(reply) is not dict for reply in replies):
                raise WireError("a reply is not a mapping")
        except BROKEN as failure:
            self.dead = self._reason(failure)
            raise SandboxFailure(self.dead) from failure
        return replies


def _call_item(call: Call) -> dict[str, Any]:
    item = {"op": "call", "function": call.function, "args": tuple(call.args), "kwargs": dict(call.kwargs)}
    return item | {"see_arguments": True} if call.see_arguments else item


def _interactions(reply: dict[str, Any], count: int) -> list[Interaction]:
    results = reply["results"]
    if type(results) is not list or len(results) != count:
        raise WireError("malformed interaction results")
    return [_interaction(item) for item in results]


def _interaction(item: Any) -> Interaction:
    if type(item) is not list or len(item) != 2 or type(item[0]) is not str:
        raise WireError("malformed interaction")
    return Interaction(item[0][: 64 * 1024], None if item[1] is None else _raised(item[1]))


def _raised(body: Any) -> RaisedError:
    if type(body) is not list or len(body) != 3 or type(body[1]) is not list:
        raise WireError("malformed error")
    name, lineage, message = body
    return RaisedError(_text(name, 100), tuple(_text(n, 100) for n in lineage[:50]), _text(message, 500))


class SandboxPool:
    """A fixed set of sandboxes shared by grading threads, each used by one at a time."""

    def __init__(self, settings: SandboxSettings, size: int, confinement: Confinement | None = None, world: World | None = None) -> None:
        self.settings = settings
        self.confinement = confinement or confinement_for(settings)
        if self.confinement.cgroups is not None:
            self.confinement.cgroups.reap_stale()
        self.world = world or build_world(settings.packages, settings.hide)
        self._idle: queue.Queue[Sandbox] = queue.Queue()
        with ThreadPoolExecutor(max(size, 1)) as starting:
            futures = [starting.submit(self._new) for _ in range(size)]
        failures = [f.exception() for f in futures if f.exception() is not None]
        self._all = [f.result() for f in futures if f.exception() is None]
        if failures:
            self.close()
            raise failures[0]
        for sandbox in self._all:
            self._idle.put(sandbox)

    def _new(self) -> Sandbox:
        return Sandbox(self.settings, self.confinement, self.world)

    @contextmanager
    def checkout(self) -> Iterator[Sandbox]:
        sandbox = self._idle.get()
        try:
            yield sandbox
        except (SandboxBroken, OSError, ValueError):
            sandbox = self._replace(sandbox)
            raise
        finally:
            self._idle.put(sandbox)

    def _replace(self, broken: Sandbox) -> Sandbox:
        broken.close()
        fresh = self._new()
        self._all[self._all.index(broken)] = fresh
        return fresh

    def close(self) -> None:
        for sandbox in self._all:
            sandbox.close()

