"""A worker's sandbox from the grader's side: its launcher and zygote, its cgroup, and the
sessions it starts one at a time; and a pool of them shared by grading threads.

The zygote is driven by typed control messages (:mod:`autograder.sandbox.control`); every
answer it gives is awaited under a timeout, and a zygote that stops answering, or a session
that leaves a process behind, is replaced.
"""
from __future__ import annotations

import itertools
import os
import queue
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Iterator

from autograder.sandbox import control
from autograder.sandbox.confinement import Confinement
from autograder.sandbox.control import World
from autograder.sandbox.deadlines import Allowance
from autograder.sandbox.session import Session
from autograder.sandbox.settings import PROCESSES, SCRATCH_INODES, SCRATCH_MB, SandboxSettings, confinement_for
from autograder.sandbox.world import RUNTIME_FILES, base_interpreter, build_world, module_file, module_folder

START_TIMEOUT = 60.0
CONTROL_TIMEOUT = 30.0


class SandboxBroken(Exception):
    """The zygote stopped answering or left processes behind: replace it."""


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
        except (OSError, control.ControlError, SandboxBroken) as error:
            self.close()
            raise RuntimeError(f"the sandbox did not start: {error}") from error

    def _start(self, world: World) -> None:
        mode = self.confinement.mode
        by_rlimit = self.cgroup is None
        counted = not by_rlimit and self.confinement.cgroups.has_pids
        scratch_mb = SCRATCH_MB if not by_rlimit else min(SCRATCH_MB, self.settings.memory_mb // 4)
        self._send(control.LaunchPlan(
            grader=os.getpid(), confined=self.confinement.confined, user_namespace=mode == "user namespace",
            uid=os.geteuid(), gid=os.getegid(), cgroup_procs=tuple(self.cgroup.procs_files) if self.cgroup else (),
            world=world, environment=self.settings.runtime.environment,
            runtime=RUNTIME_FILES + tuple(module_file(name) for name in self.settings.runtime.probes),
            shims=tuple(module_folder(name) for name in self.settings.runtime.shims),
            host_python=base_interpreter(), host_path=tuple(p for p in sys.path if p.startswith(sys.base_prefix) or "-packages" in p),
        ))
        self._send(control.ZygoteSetup(
            preload=self.settings.runtime.preload, probes=self.settings.runtime.probes, confined=self.confinement.confined,
            drop_to_nobody=mode == "root", scratch_mb=scratch_mb, scratch_inodes=SCRATCH_INODES, counted=counted,
            # Without a cgroup the session is one process whose address space, with its scratch tmpfs, is the cap.
            memory_bytes=(self.settings.memory_mb - scratch_mb) << 20 if by_rlimit else None,
            processes=PROCESSES if not counted else None,
        ))
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            reply = self._receive(control.ZygoteStarted, control.Ready, control.Failed, timeout=deadline - time.monotonic())
            if isinstance(reply, control.Failed):
                raise SandboxBroken(reply.error[:500])
            if isinstance(reply, control.ZygoteStarted):
                self.zygote_pid = reply.pid
            if isinstance(reply, control.Ready):
                return

    def _send(self, message: control.Message, fds: list[int] | None = None) -> None:
        self.control.settimeout(CONTROL_TIMEOUT)
        socket.send_fds(self.control, [control.encode(message)], fds or [])

    def _receive(self, *expected: type, timeout: float = CONTROL_TIMEOUT) -> control.Message:
        self.control.settimeout(max(timeout, 0.001))
        try:
            data = self.control.recv(65536)
        except TimeoutError as error:
            raise SandboxBroken("the zygote did not answer in time") from error
        if not data:
            raise SandboxBroken("the zygote is gone")
        try:
            return control.decode(data, *expected)
        except control.ControlError as error:
            raise SandboxBroken(str(error)) from error

    def memory_events(self) -> int:
        return self.cgroup.memory_events() if self.cgroup else 0

    def cpu_seconds(self) -> float:
        """CPU the current session has used: the worker cgroup counts it where it can (the
        zygote, idle meanwhile, adds nothing), otherwise the zygote reads its student's."""
        if self.cgroup is not None and self.cgroup.counts_cpu:
            return self.cgroup.cpu_seconds()
        self._send(control.CpuQuery())
        return self._receive(control.CpuUsed).cpu

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
    ) -> Iterator[Session]:
        """A student process that has run ``cells``; ``allowance`` is what all sessions of its
        submission may still use (by default as much as a submission of one exercise)."""
        allowance = allowance or self.settings.allowance(1)
        allowance.start()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        counted = self.cgroup is not None and self.cgroup.counts_cpu
        cpu_start = self.cgroup.cpu_seconds() if counted else 0.0  # otherwise the student's own, from its start
        try:
            self._send(control.Start(), [theirs.fileno()])
        finally:
            theirs.close()
        try:
            started = self._receive(control.Started, control.Failed)
        except BaseException:
            ours.close()
            raise
        if not isinstance(started, control.Started) or not started.ok:
            ours.close()
            raise SandboxBroken(f"a session did not start: {getattr(started, 'error', '')[:200]}")
        session = Session(ours, self.settings, self, allowance, cpu_start)
        try:
            session.begin_phase(self.settings.cells_seconds(1) if cells_seconds is None else cells_seconds)
            session.run_cells(cells, functions)
            session.begin_exercise()
            yield session
        finally:
            ours.close()
            self._send(control.End())
            ended = self._receive(control.Ended)
            used = (self.cgroup.cpu_seconds() if counted else ended.cpu) - cpu_start
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


class SandboxPool:
    """A fixed set of sandboxes shared by grading threads, each used by one at a time."""

    def __init__(self, settings: SandboxSettings, size: int, confinement: Confinement | None = None, world: World | None = None) -> None:
        self.settings = settings
        self.confinement = confinement or confinement_for(settings)
        if self.confinement.cgroups is not None:
            self.confinement.cgroups.reap_stale()
        self.world = world or build_world(settings.runtime.packages, settings.hide, bool(settings.runtime.shims))
        self._idle: queue.Queue[Sandbox] = queue.Queue()
        with ThreadPoolExecutor(max(size, 1)) as starting:  # Keras zygotes take seconds each to start
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
