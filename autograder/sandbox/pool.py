"""The grader's side of the trust boundary: zygotes, sessions, deadlines.

A :class:`Sandbox` owns one zygote (see :mod:`autograder.sandbox.zygote`) and
its cgroups. A :class:`Session` is one student process forked from it for one
exercise: it runs the notebook's cells, then answers the checks' calls until
the session ends, when the zygote kills everything the student started.
Only plain data travels (:mod:`autograder.sandbox.wire`).
"""
from __future__ import annotations

import itertools
import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import autograder
from autograder.checks.api import RaisedError, Returned, SandboxFailure
from autograder.errors import UserError
from autograder.sandbox.wire import WireError, read_frame, write_frame

ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
"""Set before the zygote imports numpy: each worker's student gets one core, as
the grading plan assumes, and no BLAS thread pool is torn down at every fork
and started again in every child."""
CELL_GRACE = 5.0
START_TIMEOUT = 60.0


class SandboxUnavailable(UserError):
    """Confinement cannot be set up here and the caller did not accept the risk."""


class CellsDied(Exception):
    """The student process died or hung while running one cell."""

    def __init__(self, cell: int | None, reason: str) -> None:
        super().__init__(reason)
        self.cell, self.reason = cell, reason


@dataclass(frozen=True)
class SandboxSettings:
    timeout: float = 20.0
    memory_mb: int = 2048
    confined: bool = True
    hide: tuple[str, ...] = ()
    """Folders students must not see besides the grader's own (the class's notebooks, the grades)."""


def confinement_problem() -> str | None:
    """Why the sandbox cannot be set up on this machine, or None when it can."""
    if sys.platform != "linux":
        return "the sandbox needs Linux"
    if os.geteuid() != 0:
        return "the grader is not running as root, which the sandbox needs to drop to an unprivileged user"
    if not shutil.which("unshare"):
        return "the unshare command (util-linux) is missing"
    if _own_cgroup("memory") is None:
        return "no writable memory cgroup was found"
    probe = subprocess.run(["unshare", "--net", "--mount", "--pid", "--fork", "--mount-proc", "true"], capture_output=True)
    if probe.returncode != 0:
        return "Linux namespaces are not available here"
    return None


def _own_cgroup(controller: str) -> Path | None:
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(","):
            folder = Path("/sys/fs/cgroup") / controller / path.lstrip("/")
            return folder if os.access(folder, os.W_OK) else None
    return None


def _hidden_and_kept(extra: tuple[str, ...]) -> tuple[list[str], list[str]]:
    package = Path(autograder.__file__).resolve().parent
    course_like = package.parent
    hide = {str(package), str(course_like), "/root", "/home", "/tmp", "/var/tmp", "/dev/shm", "/work", "/srv", "/mnt", "/opt"}
    if course_like.parent != Path("/"):
        hide.add(str(course_like.parent))
    hide |= {str(Path(p).resolve()) for p in extra}
    keep = {sys.prefix, sys.base_prefix, sys.exec_prefix, str(Path(sys.executable).resolve().parent.parent)}
    keep |= {p for p in sys.path if p and "site-packages" in p}
    keep = {str(Path(k).resolve()) for k in keep}
    return sorted(hide), sorted(k for k in keep if not k.startswith(str(package)))


class Sandbox:
    """One zygote and its cgroups; one session at a time."""

    _numbers = itertools.count(1)
    """Names each sandbox's cgroups; next() on it is atomic, and pools start their sandboxes in parallel."""

    def __init__(self, settings: SandboxSettings) -> None:
        number = next(Sandbox._numbers)
        self.settings = settings
        self.cgroups: list[Path] = []
        if settings.confined:
            self._make_cgroups(f"autograder-{os.getpid()}-{number}")
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        hide, keep = _hidden_and_kept(settings.hide)
        config = {
            "control_fd": theirs.fileno(),
            "confined": settings.confined,
            "cgroups": [str(c) for c in self.cgroups],
            "hide": hide,
            "keep": keep,
            "scratch_root": "/tmp/autograder-scratch" if settings.confined else _unconfined_scratch(),
        }
        command = [sys.executable, "-m", "autograder.sandbox.zygote", json.dumps(config)]
        if settings.confined:
            command = ["unshare", "--net", "--mount", "--pid", "--fork", "--mount-proc", "--kill-child", *command]
        self.process = subprocess.Popen(
            command, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, cwd="/", env=dict(os.environ, **ONE_THREAD),
        )
        theirs.close()
        self.control.settimeout(START_TIMEOUT)
        try:
            self._receive()
        except (OSError, ValueError) as error:
            self.process.wait(timeout=5)
            detail = self.process.stderr.read().decode(errors="replace")[-2000:]
            self.close()
            raise RuntimeError(f"the sandbox did not start: {error} {detail}") from error
        self.control.settimeout(None)

    def _make_cgroups(self, name: str) -> None:
        for controller, limits in (
            ("memory", {"memory.limit_in_bytes": str(self.settings.memory_mb << 20)}),
            ("pids", {"pids.max": "256"}),
        ):
            base = _own_cgroup(controller)
            if base is None:
                continue
            folder = base / name
            folder.mkdir(exist_ok=True)
            for file, value in limits.items():
                (folder / file).write_text(value)
            swap = folder / "memory.memsw.limit_in_bytes"
            if swap.exists():
                swap.write_text(str(self.settings.memory_mb << 20))
            self.cgroups.append(folder)

    def _send(self, message: dict, fds: list[int] | None = None) -> None:
        socket.send_fds(self.control, [json.dumps(message).encode()], fds or [])

    def _receive(self) -> dict:
        data = self.control.recv(65536)
        if not data:
            raise ConnectionError("the zygote is gone")
        return json.loads(data)

    def memory_events(self) -> int:
        """How often the memory cgroup hit its cap (failcnt) or killed (oom_kill):
        a session that died or stalled after this grew is a memory failure."""
        events = 0
        for cgroup in self.cgroups:
            control = cgroup / "memory.oom_control"
            if control.exists():
                events += sum(int(line.split()[1]) for line in control.read_text().splitlines() if line.startswith("oom_kill "))
                events += int((cgroup / "memory.failcnt").read_text())
        return events

    @contextmanager
    def session(self, cells: list[tuple[int, str]], functions: list[str]) -> Iterator["Session"]:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self._send({"op": "start"}, [theirs.fileno()])
        theirs.close()
        self._receive()
        session = Session(self, ours, self.memory_events())
        try:
            session.run_cells(cells, functions)
            yield session
        finally:
            ours.close()
            self._send({"op": "end"})
            self._receive()

    def close(self) -> None:
        self.control.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for cgroup in self.cgroups:
            for _ in range(50):
                try:
                    cgroup.rmdir()
                    break
                except OSError:
                    time.sleep(0.02)


def _unconfined_scratch() -> str:
    import tempfile

    return tempfile.mkdtemp(prefix="autograder-scratch-")


class Session:
    """One student process for one exercise: the checks' :class:`Student`."""

    def __init__(self, sandbox: Sandbox, channel: socket.socket, memory_before: int) -> None:
        self.sandbox = sandbox
        self.channel = channel
        self.stream = channel.makefile("rwb", buffering=0)
        self.memory_before = memory_before
        self.defined: set[str] = set()
        self.cell_errors: list[str] = []
        self.deadline = 0.0
        self._printed = ""
        self.dead: str | None = None

    def _reason(self, error: BaseException) -> str:
        time.sleep(0.01)
        if self.sandbox.memory_events() > self.memory_before:
            return "memory"
        return "timeout" if isinstance(error, TimeoutError) else "crashed"

    def _read(self) -> Any:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError()
        self.channel.settimeout(remaining)
        return read_frame(self.stream)

    def run_cells(self, cells: list[tuple[int, str]], functions: list[str]) -> None:
        timeout = self.sandbox.settings.timeout
        self.deadline = time.monotonic() + timeout + CELL_GRACE
        current: int | None = None
        try:
            write_frame(self.stream, {"op": "cells", "cells": cells, "functions": functions, "cell_timeout": timeout})
            while True:
                reply = self._read()
                if "cell" in reply:
                    current = int(reply["cell"])
                    self.deadline = time.monotonic() + timeout + CELL_GRACE
                    continue
                self.defined = {f for f in reply["defined"] if f in functions}
                self.cell_errors = [str(e)[:400] for e in reply["errors"]]
                return
        except (OSError, EOFError, WireError, ValueError, KeyError, TypeError) as error:
            raise CellsDied(current, self._reason(error)) from error

    def start_checks(self) -> None:
        self.deadline = time.monotonic() + self.sandbox.settings.timeout

    def call(self, function: str, *args: Any, **kwargs: Any) -> Returned:
        if self.dead:
            raise SandboxFailure(self.dead)
        try:
            write_frame(self.stream, {"op": "call", "function": function, "args": args, "kwargs": kwargs})
            reply = self._read()
            error = None
            if "error" in reply:
                name, lineage, message = reply["error"]
                error = RaisedError(str(name)[:100], tuple(str(n)[:100] for n in lineage[:50]), str(message)[:500])
            args_after, kwargs_after = reply["args"], reply["kwargs"]
            if not isinstance(args_after, tuple) or not isinstance(kwargs_after, dict):
                raise WireError("malformed arguments")
            return Returned(reply["value"], args_after, kwargs_after, error)
        except (OSError, EOFError, WireError, ValueError, KeyError, TypeError) as failure:
            self.dead = self._reason(failure)
            raise SandboxFailure(self.dead) from failure

    def printed(self) -> str:
        if self.dead:
            return self._printed
        try:
            self.deadline = time.monotonic() + 2.0
            write_frame(self.stream, {"op": "printed"})
            reply = self._read()
            self._printed = str(reply["printed"])[:100_000]
        except (OSError, EOFError, WireError, ValueError, KeyError, TypeError):
            pass
        return self._printed


class SandboxPool:
    """A fixed set of sandboxes shared by grading threads, each used by one at a time."""

    def __init__(self, settings: SandboxSettings, size: int) -> None:
        self.settings = settings
        self._idle: queue.Queue[Sandbox] = queue.Queue()
        with ThreadPoolExecutor(max(size, 1)) as starting:  # each zygote takes ~0.15 s to import numpy
            futures = [starting.submit(Sandbox, settings) for _ in range(size)]
        failures = [f.exception() for f in futures if f.exception() is not None]
        self._all = [f.result() for f in futures if f.exception() is None]
        if failures:
            self.close()
            raise failures[0]
        for sandbox in self._all:
            self._idle.put(sandbox)

    @contextmanager
    def checkout(self) -> Iterator[Sandbox]:
        sandbox = self._idle.get()
        try:
            yield sandbox
        except (OSError, ConnectionError):
            sandbox = self._replace(sandbox)
            raise
        finally:
            self._idle.put(sandbox)

    def _replace(self, broken: Sandbox) -> Sandbox:
        broken.close()
        fresh = Sandbox(self.settings)
        self._all[self._all.index(broken)] = fresh
        return fresh

    def close(self) -> None:
        for sandbox in self._all:
            sandbox.close()
