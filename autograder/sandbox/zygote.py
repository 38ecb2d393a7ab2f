"""The parent of every student process of one grading worker.

Started by :mod:`autograder.sandbox.launcher` as a fresh interpreter inside
the student's world: pid 1 of the worker's namespaces, holding nothing of
the grader's but the control socket (fd 3). It imports what students need
once (the assignment's preloads), so that each student process starts warm,
and then only forks, kills and reaps; it never reads student data.

Each session is one student process for one exercise, cloned straight into
namespaces of its own: a pid namespace whose init it is (killing it ends everything it
started, and the zygote is out of its sight), a mount namespace with a
size-capped tmpfs for ``/tmp`` and a ``/proc`` of its own (both vanish with
the namespace: nothing to walk or delete), and IPC and UTS namespaces (no
SysV or POSIX IPC object outlives it). It then drops every privilege.
"""
from __future__ import annotations

import gc
import importlib
import os
import resource
import shutil
import signal
import socket
import tempfile

from autograder.sandbox import child, control, seccomp
from autograder.sandbox import syscalls as sc
from autograder.sandbox.control import ZygoteSetup

CONTROL_FD = 3
NOBODY = 65534
_SESSION_NAMESPACES = sc.CLONE_NEWNS | sc.CLONE_NEWIPC | sc.CLONE_NEWUTS | sc.CLONE_NEWPID


class Zygote:
    def __init__(self, setup: ZygoteSetup, channel: socket.socket) -> None:
        self.setup = setup
        self.control = channel
        self.student = 0
        self.scratch: str | None = None

    def start(self, channel: socket.socket) -> None:
        if self.setup.confined:
            self.student = self._start_confined(channel)
        else:
            self.scratch = tempfile.mkdtemp(prefix="autograder-scratch-")
            self.student = os.fork()
            if self.student == 0:
                self._run_student(channel, self.scratch)

    def _start_confined(self, channel: socket.socket) -> int:
        """The student starts in the session's own namespaces, pid 1 there, and
        mounts its scratch tmpfs and /proc before it gives up its privileges."""
        student = sc.fork_into(_SESSION_NAMESPACES)
        if student == 0:
            try:
                owner = NOBODY if self.setup.drop_to_nobody else 0
                size = f"size={self.setup.scratch_mb}m,nr_inodes={self.setup.scratch_inodes}"
                sc.mount("tmpfs", "/tmp", "tmpfs", sc.MS_NOSUID | sc.MS_NODEV, f"{size},mode=700,uid={owner},gid={owner}")
                sc.mount("proc", "/proc", "proc", sc.MS_NOSUID | sc.MS_NODEV | sc.MS_NOEXEC)
            except BaseException:
                os._exit(1)
            self._run_student(channel, "/tmp")
        return student

    def _run_student(self, channel: socket.socket, scratch: str) -> None:
        try:
            self.control.close()
            os.setpgid(0, 0)  # a group of its own to kill, not a session: a session is a scheduler autogroup
            adjust = os.open("/proc/self/oom_score_adj", os.O_WRONLY)  # os, not open(): a fresh child pays for every object it touches
            os.write(adjust, b"1000")
            os.close(adjust)
            channel = _only_channel(channel)
            self._limit()
            if self.setup.confined:
                if self.setup.drop_to_nobody:
                    os.setgroups([])
                    os.setresgid(NOBODY, NOBODY, NOBODY)
                    os.setresuid(NOBODY, NOBODY, NOBODY)
                sc.clear_capabilities()
            os.chdir(scratch)
            if scratch != "/tmp":  # the launcher set both to /tmp, where a confined student's scratch is
                os.environ.update(HOME=scratch, TMPDIR=scratch)
            child.serve(channel)
        finally:
            os._exit(0)

    def _limit(self) -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        limits = {resource.RLIMIT_CORE: 0, resource.RLIMIT_NOFILE: 256, resource.RLIMIT_FSIZE: self.setup.scratch_mb << 20}
        if self.setup.memory_bytes:
            limits[resource.RLIMIT_AS] = _address_space() + self.setup.memory_bytes
        if self.setup.processes:
            limits[resource.RLIMIT_NPROC] = self.setup.processes
        for which, value in limits.items():
            resource.setrlimit(which, (value, value))

    def cpu(self) -> float:
        """CPU seconds the student's process has used so far, its threads and reaped children included."""
        if not self.student:
            return 0.0
        try:
            stat = os.open(f"/proc/{self.student}/stat", os.O_RDONLY)
            try:
                text = os.read(stat, 4096).decode()
            finally:
                os.close(stat)
        except OSError:
            return 0.0
        utime, stime, cutime, cstime = (int(v) for v in text[text.rindex(")") + 2:].split()[11:15])
        return (utime + stime + cutime + cstime) / os.sysconf("SC_CLK_TCK")

    def end(self) -> tuple[str, float]:
        """Kill the student's process and, with it, everything it started; how it ended, and
        the CPU it and every process it waited for used."""
        pid, self.student = self.student, 0
        if not pid:
            return "not started", 0.0
        for kill in (os.kill, os.killpg):
            try:
                kill(pid, signal.SIGKILL)
            except OSError:
                pass
        _, code, usage = os.wait4(pid, 0)
        _reap_orphans()
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None
        how = f"signal {os.WTERMSIG(code)}" if os.WIFSIGNALED(code) else f"exit {os.WEXITSTATUS(code)}"
        return how, usage.ru_utime + usage.ru_stime


def _only_channel(channel: socket.socket) -> socket.socket:
    """The student's process keeps its channel, as fd 3, and stdio on /dev/null: nothing else."""
    old = channel.detach()
    if old != 3:
        os.dup2(old, 3)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        if fd != devnull:
            os.dup2(devnull, fd)
    os.closerange(4, 1 << 20)
    return socket.socket(fileno=3)


def _address_space() -> int:
    """What the process maps already (libraries, numpy's reservations): the
    memory cap by address space counts from there, so it caps what the student adds."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) << 10
    except OSError:
        pass
    return 1 << 30


def _reap_orphans() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main() -> None:
    channel = socket.socket(fileno=CONTROL_FD)
    setup = control.decode(channel.recv(1 << 16), ZygoteSetup)
    for module in (*setup.preload, *setup.probes):
        try:
            importlib.import_module(module)
        except Exception as error:  # the grader is told why, instead of only that the zygote is gone
            channel.sendall(control.encode(control.Failed(f"preloading {module}: {type(error).__name__}: {error}"[:500])))
            return
    child.use_probes(setup.probes)
    zygote = Zygote(setup, channel)
    if setup.confined:
        # Inherited by every student process and never undone there: paid once here, not per session.
        sc.lock_capabilities()
        seccomp.install(setup.counted)
    gc.freeze()  # the collector never walks what every student process inherits, so it does not copy those pages
    channel.sendall(control.encode(control.Ready()))
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(channel, 4096, 1)
        except OSError:
            return
        if not message:
            return
        request = control.decode(message, control.Start, control.End, control.CpuQuery)
        if isinstance(request, control.Start) and fds:
            student = socket.socket(fileno=fds[0])
            try:
                zygote.start(student)
                reply: control.Message = control.Started(bool(zygote.student))
            except OSError as error:
                reply = control.Failed(str(error))
            student.close()
        elif isinstance(request, control.End):
            reply = control.Ended(*zygote.end())
        elif isinstance(request, control.CpuQuery):
            reply = control.CpuUsed(zygote.cpu())
        else:
            reply = control.Failed("a start without the student's socket")
        for fd in fds[1:]:
            os.close(fd)
        channel.sendall(control.encode(reply))
