"""Which confinement this machine allows the grader, tried rather than guessed.

As root: namespaces, a minimal root, students as ``nobody``, cgroup caps. As
an ordinary user (JupyterHub, a CI runner): an unprivileged user namespace
gives the same namespaces and minimal root, students keep no capability, and
memory and processes are capped by a delegated cgroup v2 where there is one,
by rlimits otherwise. Where neither works, student code would run as the
grader itself: ``grade`` refuses unless told ``--allow-unconfined``.
"""
from __future__ import annotations

import functools
import os
import subprocess
import sys
from dataclasses import dataclass

from autograder.sandbox import cgroups

NAMESPACES = "pid, mount, network, IPC, UTS"
_PROBE = """
import os, sys
from autograder.sandbox import syscalls as sc
if os.geteuid() != 0:
    uid, gid = os.geteuid(), os.getegid()
    sc.unshare(sc.CLONE_NEWUSER)
    for name, text in (("setgroups", "deny"), ("uid_map", f"0 {uid} 1"), ("gid_map", f"0 {gid} 1")):
        with open(f"/proc/self/{name}", "w") as f:
            f.write(text)
sc.unshare(sc.CLONE_NEWNS | sc.CLONE_NEWPID | sc.CLONE_NEWNET | sc.CLONE_NEWIPC | sc.CLONE_NEWUTS)
pid = os.fork()
if pid == 0:
    sc.mount(None, "/", None, sc.MS_REC | sc.MS_PRIVATE)
    sc.mount("tmpfs", "/tmp", "tmpfs", sc.MS_NOSUID | sc.MS_NODEV, "size=1m")
    sc.unshare(sc.CLONE_NEWNS | sc.CLONE_NEWPID | sc.CLONE_NEWIPC | sc.CLONE_NEWUTS)
    inner = os.fork()
    if inner == 0:
        sc.mount("proc", "/proc", "proc", sc.MS_NOSUID | sc.MS_NODEV | sc.MS_NOEXEC)
        os._exit(0)
    os._exit(os.waitstatus_to_exitcode(os.waitpid(inner, 0)[1]))
sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
"""


@dataclass(frozen=True)
class Confinement:
    mode: str
    """'root', 'user namespace' or 'unconfined'."""
    cgroups: cgroups.Cgroups | None
    problem: str | None = None
    """Why student code cannot be confined here, when it cannot."""

    @property
    def confined(self) -> bool:
        return self.mode != "unconfined"

    def describe(self) -> str:
        """The one line ``grade`` prints: what protects the class on this machine."""
        if not self.confined:
            return f"UNCONFINED: student code runs as the grader ({self.problem})"
        if self.cgroups is not None and self.cgroups.has_pids:
            caps = self.cgroups.describe()
        else:
            caps = "memory capped by address space, one process a session (no cgroup counts processes)"
        who = "uid nobody" if self.mode == "root" else "user namespace, no capabilities"
        return f"namespaces ({NAMESPACES}), minimal root, {caps}, {who}, seccomp allow-list"


@functools.lru_cache(maxsize=1)
def detect() -> Confinement:
    """Tried once per process: a probe enters the namespaces a session would."""
    if sys.platform != "linux":
        return Confinement("unconfined", None, "the sandbox needs Linux")
    probe = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=60)
    if probe.returncode != 0:
        detail = probe.stderr.strip().splitlines()[-1:] or ["no detail"]
        who = "as root" if os.geteuid() == 0 else "as an ordinary user (unprivileged user namespaces)"
        return Confinement("unconfined", None, f"Linux namespaces are not available {who}: {detail[0]}")
    found, _ = cgroups.detect()
    return Confinement("root" if os.geteuid() == 0 else "user namespace", found)
