"""Memory, process and CPU caps the kernel enforces on a worker's students: cgroup v1 or v2.

Each worker gets a cgroup of its own, named after the grader's pid and start
time, so that a later run can tell a group left by a grader that died
(``kill -9``) from one in use, and reap it. Memory and pids are required; where
the cpu and cpuset controllers can be had too, a worker's students weigh as
one group against the others, however many processes they start, on the cores
the worker runs on, which they cannot leave; and the CPU they used is read for
deadlines that count CPU time. (No quota: a throttled group would starve its own
dying processes, and the zygote beside them, when a session is killed.)
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
REQUIRED = ("memory", "pids")
OPTIONAL = ("cpu", "cpuset", "cpuacct")
"""Taken where this grader may use them (``cpuacct`` exists on v1 only: v2's ``cpu.stat`` always counts usage)."""
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
    folders: dict[str, Path]
    """Controller -> this worker's folder (v2: every controller in one folder)."""
    _events: list[tuple[str, int]] | None = field(default=None, repr=False)
    """The memory event files, opened once: they are read at every exercise, and a read at offset 0 is one system call."""
    _usage: int | None = field(default=None, repr=False)

    @property
    def procs_files(self) -> list[str]:
        return [str(folder / "cgroup.procs") for folder in dict.fromkeys(self.folders.values())]

    def members(self) -> set[int]:
        """Every process in the cgroup. Opened anew each time: cgroup v1 keeps the list of an
        open procs file for reuse by its later reads, so a file kept open would show old members."""
        found: set[int] = set()
        for procs in self.procs_files:
            try:
                found |= {int(p) for p in Path(procs).read_text().split()}
            except OSError:
                pass
        return found

    def memory_events(self) -> int:
        """How often the cap was hit or the OOM killer acted: a session that died
        or stalled after this grew is a memory failure."""
        if self._events is None:
            folder = self.folders["memory"]
            names = ("memory.events",) if self.version == 2 else ("memory.oom_control", "memory.failcnt")
            self._events = [(name, os.open(folder / name, os.O_RDONLY | os.O_CLOEXEC)) for name in names if (folder / name).exists()]
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

    @property
    def counts_cpu(self) -> bool:
        return self.version == 2 or "cpuacct" in self.folders

    def cpu_seconds(self) -> float:
        """CPU time every process of the group has used (v1 ``cpuacct.usage``, v2 ``cpu.stat``)."""
        if self._usage is None:
            name = "cpu.stat" if self.version == 2 else "cpuacct.usage"
            self._usage = os.open(self.folders["memory" if self.version == 2 else "cpuacct"] / name, os.O_RDONLY | os.O_CLOEXEC)
        text = os.pread(self._usage, 4096, 0).decode()
        if self.version == 1:
            return int(text) / 1e9
        usage = next(line for line in text.splitlines() if line.startswith("usage_usec "))
        return int(usage.split()[1]) / 1e6

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
        if self._usage is not None:
            os.close(self._usage)
        self._events, self._usage = None, None
        for folder in dict.fromkeys(self.folders.values()):
            _remove(folder)


def _remove(folder: Path) -> None:
    for _ in range(50):
        try:
            folder.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.02)


@dataclass(frozen=True)
class Cgroups:
    """Where this grader may make worker cgroups, on this machine's hierarchy."""

    version: int
    bases: tuple[tuple[str, Path], ...]
    """Controller -> the folder worker groups are made in (v2: every controller in one folder)."""

    @property
    def controllers(self) -> tuple[str, ...]:
        return tuple(controller for controller, _ in self.bases)

    @property
    def has_pids(self) -> bool:
        return "pids" in self.controllers

    @property
    def shares_cpu(self) -> bool:
        """A worker's students weigh as one group, on cores they cannot leave."""
        return {"cpu", "cpuset"} <= set(self.controllers)

    def describe(self) -> str:
        shown = [c for c in ("memory", "pids", "cpu", "cpuset") if c in self.controllers]
        return f"cgroup v{self.version} {'+'.join(shown)}"

    def create(self, number: int, memory_mb: int) -> WorkerCgroup:
        """A worker's group: ``memory_mb`` for its students, PROCESSES of them, one group's weight
        of CPU, on the cores this process may run on (a worker pinned to a core: that core)."""
        name = f"autograder-{os.getpid()}-{_start_time(os.getpid())}-{number}"
        folders = {controller: base / name for controller, base in self.bases}
        for folder in dict.fromkeys(folders.values()):
            folder.mkdir(exist_ok=True)
        limit = str(memory_mb << 20)
        cores = _cores(dict(self.bases).get("cpuset"), self.version)
        if self.version == 2:
            settings = {"memory.max": limit, "memory.swap.max": "0", "pids.max": str(PROCESSES), "cpuset.cpus": cores}
            files = [(folders["memory"] / key, value) for key, value in settings.items()]
        else:
            files = [(folders["memory"] / "memory.limit_in_bytes", limit), (folders["memory"] / "memory.memsw.limit_in_bytes", limit)]
            if "pids" in folders:
                files.append((folders["pids"] / "pids.max", str(PROCESSES)))
            if "cpuset" in folders:
                mems = (dict(self.bases)["cpuset"] / "cpuset.effective_mems").read_text().strip()
                files += [(folders["cpuset"] / "cpuset.cpus", cores), (folders["cpuset"] / "cpuset.mems", mems)]
        for path, value in files:
            if path.exists():
                path.write_text(value)
        return WorkerCgroup(self.version, folders)

    def reap_stale(self) -> int:
        """Remove the worker cgroups of graders that are gone; how many."""
        reaped = 0
        for base in dict.fromkeys(base for _, base in self.bases):
            for folder in base.glob("autograder-*"):
                match = _NAME.match(folder.name)
                if match and _start_time(int(match.group(1))) != match.group(2):
                    WorkerCgroup(self.version, {"memory": folder}).remove()
                    reaped += 1
        return reaped


def _cores(cpuset_base: Path | None, version: int) -> str:
    """The cores this process may run on that the parent cpuset allows, as a cpuset list."""
    mine = os.sched_getaffinity(0)
    if cpuset_base is not None:
        allowed = _parse_cpus((cpuset_base / ("cpuset.cpus.effective" if version == 2 else "cpuset.effective_cpus")).read_text())
        mine = (mine & allowed) or allowed
    return ",".join(str(core) for core in sorted(mine))


def _parse_cpus(text: str) -> set[int]:
    cores: set[int] = set()
    for part in text.strip().split(","):
        if "-" in part:
            first, last = part.split("-")
            cores |= set(range(int(first), int(last) + 1))
        elif part:
            cores.add(int(part))
    return cores


def _delegate(base: Path) -> tuple[str, ...]:
    """The controllers cgroups made below ``base`` get: memory and pids, and cpu and cpuset where
    this group has them; empty when memory and pids cannot be had.

    cgroup v2 lets a group hand controllers to its children only while it holds
    no process itself, and the grader usually sits in the very group it was
    delegated (a systemd scope with ``Delegate=yes``, a container's root). So
    when enabling them is refused, the grader moves itself into a leaf of its
    own (named like a worker group, so that a later run reaps it once this
    grader is gone) and tries again."""
    control = base / "cgroup.subtree_control"
    offered = set((base / "cgroup.controllers").read_text().split())
    wanted = [c for c in (*REQUIRED, *OPTIONAL) if c in offered]

    def enable() -> tuple[str, ...]:
        missing = [c for c in wanted if c not in control.read_text().split()]
        for controller in missing:
            try:
                control.write_text(f"+{controller}")
            except OSError:
                if controller in REQUIRED:
                    raise
        enabled = set(control.read_text().split())
        return tuple(c for c in wanted if c in enabled) if set(REQUIRED) <= enabled else ()

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
        return ()


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
        controllers = _delegate(base)
        if not controllers:
            return None, f"cgroup v2 memory and pids controllers cannot be enabled below {base}"
        return Cgroups(2, tuple((c, base) for c in controllers)), ""
    folders = {c: ROOT / c / own[c].lstrip("/") for c in (*REQUIRED, *OPTIONAL) if c in own and (ROOT / c).is_dir()}
    writable = {c: f for c, f in folders.items() if os.access(f, os.W_OK)}
    if "memory" not in writable:
        return None, "no writable cgroup v1 memory folder"
    return Cgroups(1, tuple(writable.items())), ""
