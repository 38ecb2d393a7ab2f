"""The confined parent of every student process of one grading worker.

Started by :mod:`autograder.sandbox.pool` as root under ``unshare --net
--mount --pid --fork --mount-proc``: it is pid 1 of an empty network and pid
namespace, so when it goes, everything a student started goes with it. At
start it imports what students need (numpy) and hides the grader's files from
its mount namespace; then, for each session, it forks a child that joins the
worker's memory and pids cgroups, drops to an unprivileged user in a scratch
directory of its own, and talks to the grader over a socket passed in by the
grader. The zygote only forks, kills and reaps; it never reads student data.
"""
from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import signal
import socket
import sys
import time
from pathlib import Path

import numpy  # noqa: F401  (imported once here so each child starts warm)
import numpy.fft  # noqa: F401  (numpy loads these lazily: 15 ms in every child that
import numpy.linalg  # noqa: F401  draws a random number, were they not loaded here)
import numpy.random  # noqa: F401

from autograder.sandbox import child

NOBODY = 65534
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC = 1, 2, 4, 32, 4096, 16384
PR_SET_NO_NEW_PRIVS = 38
_libc = ctypes.CDLL(None, use_errno=True)


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    result = _libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None, flags, data.encode() if data else None)
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"mount {source} on {target}: {os.strerror(errno)}")


def hide_paths(hide: list[str], keep: list[str]) -> None:
    """Lay an empty read-only tmpfs over each hidden folder, then bind the
    folders Python itself needs (inside a hidden one) back, read-only."""
    keep_fds = {k: os.open(k, os.O_PATH | os.O_DIRECTORY) for k in keep if os.path.isdir(k)}
    for folder in sorted(set(hide), key=lambda p: p.count("/")):
        if not os.path.isdir(folder):
            continue
        writable = folder == "/tmp"
        _mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, "mode=755,size=" + ("512m" if writable else "1m"))
        for kept, fd in keep_fds.items():
            if kept.startswith(folder.rstrip("/") + "/"):
                os.makedirs(kept, exist_ok=True)
                _mount(f"/proc/self/fd/{fd}", kept, None, MS_BIND | MS_REC)
                _mount("none", kept, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID)
        if not writable:
            _mount("none", folder, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, "mode=755")
    for fd in keep_fds.values():
        os.close(fd)


class Zygote:
    def __init__(self, config: dict, control: socket.socket) -> None:
        self.config = config
        self.control = control
        self.confined = config["confined"]
        self.cgroups = [Path(p) for p in config["cgroups"]]
        self.sessions = 0
        self.child_pid = 0

    def start_child(self, channel: socket.socket) -> int:
        self.sessions += 1
        scratch = Path(self.config["scratch_root"]) / f"session-{self.sessions}"
        scratch.mkdir(parents=True)
        if self.confined:
            os.chown(scratch, NOBODY, NOBODY)
        os.chmod(scratch, 0o700)
        pid = os.fork()
        if pid == 0:
            try:
                self.control.close()
                self._become_student(scratch)
                child.serve(channel)
            finally:
                os._exit(0)
        self.child_pid = pid
        self.scratch = scratch
        return pid

    def _become_student(self, scratch: Path) -> None:
        os.setsid()
        Path("/proc/self/oom_score_adj").write_text("1000")
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 20, 64 << 20))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
        os.chdir(scratch)
        os.environ.clear()
        os.environ.update(
            PATH="/usr/local/bin:/usr/bin:/bin", HOME=str(scratch), TMPDIR=str(scratch), MPLBACKEND="Agg",
            LANG="C.UTF-8", TF_CPP_MIN_LOG_LEVEL="3",
        )
        if self.confined:
            _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
            os.setgroups([])
            os.setresgid(NOBODY, NOBODY, NOBODY)
            os.setresuid(NOBODY, NOBODY, NOBODY)

    def end_child(self) -> dict:
        """Kill the student's process and everything it started; report how it ended."""
        status = self._kill_everything()
        shutil.rmtree(self.scratch, ignore_errors=True)
        return {"status": status}

    def _kill_everything(self) -> str | None:
        """SIGKILL every process of the session until none is left. In the
        sandbox they are the cgroup's members (a student's setsid or double
        fork does not leave it); unconfined, the child's process group. The
        child goes first and is waited for, so it cannot fork any more; the
        cgroup is read only after that, and polled only while others remain."""
        status = None
        own = os.getpid()
        for _ in range(1000):
            if self.child_pid:
                for kill in (os.killpg, os.kill):
                    try:
                        kill(self.child_pid, signal.SIGKILL)
                    except OSError:
                        pass
                _, code = os.waitpid(self.child_pid, 0)
                status = f"signal {os.WTERMSIG(code)}" if os.WIFSIGNALED(code) else f"exit {os.WEXITSTATUS(code)}"
                self.child_pid = 0
            status = self._reap() or status
            others = self._cgroup_members() - {own}
            if not others:
                break
            for pid in others:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.001)
        return status

    def _reap(self) -> str | None:
        """Collect every exited child (pid 1 adopts a student's orphans too)."""
        status = None
        while True:
            try:
                pid, code = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return status
            if pid == 0:
                return status
            if pid == self.child_pid:
                self.child_pid = 0
                status = f"signal {os.WTERMSIG(code)}" if os.WIFSIGNALED(code) else f"exit {os.WEXITSTATUS(code)}"

    def _cgroup_members(self) -> set[int]:
        members: set[int] = set()
        for cgroup in self.cgroups:
            try:
                members |= {int(p) for p in (cgroup / "cgroup.procs").read_text().split()}
            except OSError:
                pass
        return members


def main() -> None:
    config = json.loads(sys.argv[1])
    control = socket.socket(fileno=int(config["control_fd"]))
    if config["confined"]:
        hide_paths(config["hide"], config["keep"])
    for cgroup in config["cgroups"]:
        Path(cgroup, "cgroup.procs").write_text(str(os.getpid()))
    zygote = Zygote(config, control)
    control.sendall(json.dumps({"ready": os.getpid()}).encode())
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 4096, 1)
        except OSError:
            return
        if not message:
            return
        request = json.loads(message)
        if request["op"] == "start":
            channel = socket.socket(fileno=fds[0])
            pid = zygote.start_child(channel)
            channel.close()
            control.sendall(json.dumps({"pid": pid}).encode())
        elif request["op"] == "end":
            control.sendall(json.dumps(zygote.end_child()).encode())
        for fd in fds[1:]:
            os.close(fd)


if __name__ == "__main__":
    main()
