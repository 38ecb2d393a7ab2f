"""Memory and process caps the kernel enforces on a worker's students: cgroup v1 or v2.

Each worker gets a cgroup of its own, named after the grader's pid and start
time, so that a later run can tell a group left by a grader that died
(``kill -9``) from one in use, and reap it.
"""
from __future__ import annotations

import os
import re
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
PROCESSES = 256
"""Processes (and threads) one worker's student may have at once: a fork bomb stops here."""
_NAME = re.compile(r"^autograder-(\d+)-(\d+)-\d+$")


def _start_time(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2:].split()[19]


def _own_paths() -> dict[str, str]:
    """Controller (or '' for v2) -> this process's cgroup path."""
    paths = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            paths[controller] = path
    return paths


_COUNTED = {"memory.events": ("max", "oom_kill"), "memory.oom_control": ("oom_kill",)}
"""The lines of each event file that count a memory failure (v2, v1)."""


@dataclass
class WorkerCgroup:
    version: int
    folders: list[Path]
    _events: list[tuple[str, int]] | None = field(default=None, repr=False)
    """The memory event files, opened once: they are read at every exercise, and a read at offset 0 is one system call."""

    @property
    def procs_files(self) -> list[str]:
        return [str(folder / "cgroup.procs") for folder in self.folders]

    def members(self) -> set[int]:
        """Every process in the cgroup. Opened anew each time: cgroup v1 keeps the list of an
        open procs file for reuse by its later reads, so a file kept open would show old members."""
        found: set[int] = set()
        for folder in self.folders:
            try:
                found |= {int(p) for p in (folder / "cgroup.procs").read_text().split()}
            except OSError:
                pass
        return found

    def memory_events(self) -> int:
        """How often the cap was hit or the OOM killer acted: a session that died
        or stalled after this grew is a memory failure."""
        if self._events is None:
            names = ("memory.events",) if self.version == 2 else ("memory.oom_control", "memory.failcnt")
            self._events = [(name, os.open(folder / name, os.O_RDONLY | os.O_CLOEXEC)) for folder in self.folders for name in names if (folder / name).exists()]
        events = 0
        for name, fd in self._events:
            text = os.pread(fd, 4096, 0).decode()
            if name == "memory.failcnt":
                events += int(text)
                continue
            for line in text.splitlines():
                key, value = line.split()
                events += int(value) if key in _COUNTED[name] else 0
        return events

    def kill(self, spare: set[int] = frozenset()) -> set[int]:
        """SIGKILL every member but ``spare``; the members left after a few rounds."""
        for _ in range(50):
            others = self.members() - set(spare)
            if not others:
                return set()
            for pid in others:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.002)
        return self.members() - set(spare)

    def remove(self) -> None:
        self.kill()
        for _, fd in self._events or []:
            os.close(fd)
        self._events = None
        for folder in self.folders:
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)


@dataclass(frozen=True)
class Cgroups:
    """Where this grader may make worker cgroups, on this machine's hierarchy."""

    version: int
    bases: tuple[Path, ...]
    """v1: the memory folder, then the pids folder if there is one; v2: one folder."""

    @property
    def has_pids(self) -> bool:
        return self.version == 2 or len(self.bases) > 1

    def describe(self) -> str:
        return f"cgroup v{self.version} memory{'+pids' if self.has_pids else ''}"

    def create(self, number: int, memory_mb: int) -> WorkerCgroup:
        name = f"autograder-{os.getpid()}-{_start_time(os.getpid())}-{number}"
        folders = [base / name for base in self.bases]
        for folder in folders:
            folder.mkdir(exist_ok=True)
        limit = str(memory_mb << 20)
        if self.version == 2:
            settings = {"memory.max": limit, "memory.swap.max": "0", "pids.max": str(PROCESSES)}
            files = [(folders[0] / key, value) for key, value in settings.items()]
        else:
            files = [(folders[0] / "memory.limit_in_bytes", limit), (folders[0] / "memory.memsw.limit_in_bytes", limit)]
            files += [(folder / "pids.max", str(PROCESSES)) for folder in folders[1:]]
        for path, value in files:
            if path.exists():
                path.write_text(value)
        return WorkerCgroup(self.version, folders)

    def reap_stale(self) -> int:
        """Remove the worker cgroups of graders that are gone; how many."""
        reaped = 0
        for base in self.bases:
            for folder in base.glob("autograder-*"):
                match = _NAME.match(folder.name)
                if match and _start_time(int(match.group(1))) != match.group(2):
                    WorkerCgroup(self.version, [folder]).remove()
                    reaped += 1
        return reaped


def _delegate(base: Path) -> bool:
    """Memory and pids controllers for cgroups made below ``base``.

    cgroup v2 lets a group hand controllers to its children only while it holds
    no process itself, and the grader usually sits in the very group it was
    delegated (a systemd scope with ``Delegate=yes``, a container's root). So
    when enabling them is refused, the grader moves itself into a leaf of its
    own (named like a worker group, so that a later run reaps it once this
    grader is gone) and tries again."""
    wanted = {"memory", "pids"}
    control = base / "cgroup.subtree_control"

    def enable() -> bool:
        missing = wanted - set(control.read_text().split())
        if missing:
            control.write_text(" ".join(f"+{c}" for c in sorted(missing)))
        return True

    try:
        return enable()
    except OSError:
        pass
    try:
        leaf = base / f"autograder-{os.getpid()}-{_start_time(os.getpid())}-0"
        leaf.mkdir(exist_ok=True)
        (leaf / "cgroup.procs").write_text(str(os.getpid()))
        return enable()
    except OSError:
        return False


def detect() -> tuple[Cgroups | None, str]:
    """This machine's cgroups if this process may make children in them, else why not."""
    try:
        own = _own_paths()
    except OSError:
        return None, "no /proc/self/cgroup"
    if (ROOT / "cgroup.controllers").exists() and "" in own:
        base = ROOT / own[""].lstrip("/")
        if not os.access(base, os.W_OK):
            return None, f"cgroup v2 folder {base} is not writable (not delegated)"
        if not _delegate(base):
            return None, f"cgroup v2 memory and pids controllers cannot be enabled below {base}"
        return Cgroups(2, (base,)), ""
    folders = {c: ROOT / c / own[c].lstrip("/") for c in ("memory", "pids") if c in own}
    writable = [f for f in folders.values() if os.access(f, os.W_OK)]
    if "memory" not in folders or folders["memory"] not in writable:
        return None, "no writable cgroup v1 memory folder"
    return Cgroups(1, tuple(writable)), ""
