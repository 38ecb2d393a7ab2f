"""How long a student's process may take: CPU time first, wall time as the backstop, one allowance per submission.

A deadline that counts wall time lets one student cost another: a process that keeps the
cores busy makes an honest student beside it slow, and a wall-clock deadline then stops the
honest one. So each phase of a session (running the cells, judging one exercise) may use its
limit in CPU time, and WALL_FACTOR times that in wall time, which only a process that waits
(or one starved far beyond what the cgroup's CPU share or the seccomp filter allow) reaches.
The CPU is read only when the wall passes the phase's CPU limit, so a phase that ends in time
costs no reading.

All sessions of one submission draw on one :class:`Allowance`: the CPU one full pass at the
limits may take (the cells, then every exercise), and twice that in wall time. A notebook that
kills or hangs its process again and again, session after session, therefore holds a worker
no longer than that, whatever the number of sessions.

Nothing the student's process sends moves a deadline: the grader's own clock and the CPU the
kernel counted decide.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

WALL_FACTOR = 3.0
"""Wall seconds a phase may take per CPU second of its limit."""
SUBMISSION_WALL_FACTOR = 2.0
"""Wall seconds a submission may take per CPU second of its allowance."""


@dataclass
class Allowance:
    """What every session of one submission may use together."""

    cpu: float
    wall: float
    cpu_used: float = 0.0
    started: float | None = field(default=None)
    """When its first session started (``time.monotonic``)."""

    @classmethod
    def for_limits(cls, cpu: float) -> "Allowance":
        return cls(cpu, SUBMISSION_WALL_FACTOR * cpu)

    def start(self) -> None:
        if self.started is None:
            self.started = time.monotonic()

    @property
    def wall_end(self) -> float:
        return (self.started if self.started is not None else time.monotonic()) + self.wall

    def cpu_left(self) -> float:
        return self.cpu - self.cpu_used

    @property
    def spent(self) -> bool:
        return self.cpu_left() <= 0 or time.monotonic() >= self.wall_end


class Deadline:
    """When one phase (or one cell within it) must end.

    It passes once the session has used ``cpu_limit`` seconds of CPU since ``cpu_start``, or at
    ``wall_end``, whichever comes first; ``read_cpu`` gives the session's CPU so far."""

    def __init__(self, cpu_limit: float, cpu_start: float, read_cpu: Callable[[], float], wall_end: float) -> None:
        self.cpu_limit = cpu_limit
        self.cpu_start = cpu_start
        self.read_cpu = read_cpu
        self.wall_end = wall_end
        self._mark = min(time.monotonic() + max(cpu_limit, 0.0), wall_end)

    def remaining(self) -> float:
        """Seconds of wall time until it may have passed; TimeoutError once it has."""
        now = time.monotonic()
        if now < self._mark:
            return self._mark - now
        left = self.cpu_limit - (self.read_cpu() - self.cpu_start)
        if left <= 0 or now >= self.wall_end:
            raise TimeoutError("the session's deadline passed")
        self._mark = min(now + left, self.wall_end)  # the rest of its CPU takes at least that long
        return self._mark - now

    def within(self, cpu_limit: float, wall_seconds: float) -> "Deadline":
        """A deadline inside this one from now (a cell within the cells phase): its CPU is counted
        from this phase's start, so it can only come sooner than the cell alone would allow."""
        return _Inner(self, cpu_limit, wall_seconds)


class _Inner(Deadline):
    def __init__(self, outer: Deadline, cpu_limit: float, wall_seconds: float) -> None:
        super().__init__(cpu_limit, outer.cpu_start, outer.read_cpu, min(time.monotonic() + wall_seconds, outer.wall_end))
        self.outer = outer

    def remaining(self) -> float:
        return min(super().remaining(), self.outer.remaining())
