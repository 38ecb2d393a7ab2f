"""What a sandbox is asked to enforce, and whether this machine may run students at all."""
from __future__ import annotations

from dataclasses import dataclass

from autograder.errors import UserError
from autograder.sandbox import confinement as confinements
from autograder.sandbox.confinement import Confinement
from autograder.sandbox.deadlines import Allowance

CELL_GRACE = 2.0
"""Seconds a phase may take beyond ``timeout``: a cell that ignores its alarm is cut off after it."""
SCRATCH_MB = 64
SCRATCH_INODES = 16384
PROCESSES = 64
"""Tasks a session may have where no cgroup counts them (threads: it may make no process)."""


class SandboxUnavailable(UserError):
    """Confinement cannot be set up here and the caller did not accept the risk."""


@dataclass(frozen=True)
class StudentRuntime:
    """What an assignment's students' processes are given: declared by the assignment, so that
    the sandbox serves any family of exercises without knowing one."""

    packages: tuple[str, ...] = ("numpy", "scipy", "matplotlib", "pandas")
    """Distributions students may import (with what they require); nothing else is there."""
    preload: tuple[str, ...] = ("numpy", "numpy.random", "numpy.linalg", "numpy.fft")
    """Modules each worker's zygote imports once, so that no student process pays for them
    (numpy loads random, linalg and fft lazily: every child that needs one would pay again)."""
    environment: tuple[tuple[str, str], ...] = ()
    """Variables added to the zygote's fixed environment before it preloads (``KERAS_BACKEND``):
    they choose how the preloaded modules start, and every student process inherits them."""
    probes: tuple[str, ...] = ()
    """Modules of this package whose ``PROBES`` answer the checks' inspect requests in the
    student's process (a Keras model is questioned where it lives)."""
    shims: tuple[str, ...] = ()
    """Folders of this package, named like packages, of modules that stand in for others on the
    student's path (``tensorflow.keras`` as Keras itself)."""


@dataclass(frozen=True)
class SandboxSettings:
    timeout: float = 20.0
    """Seconds per cell, and for each exercise's checks, in CPU time."""
    memory_mb: int = 2048
    allow_unconfined: bool = False
    runtime: StudentRuntime = StudentRuntime()
    hide: tuple[str, ...] = ()
    """Course folders that must not show through even if they lie inside a tree students see."""
    grace: float = CELL_GRACE

    def cells_seconds(self, exercises: int) -> float:
        """The cells phase's CPU: as much as one session per exercise would have had for its cells."""
        return (exercises + 1) * self.timeout + self.grace

    @property
    def exercise_seconds(self) -> float:
        """One exercise's checks, in CPU seconds (and a cell's, should it ignore its own alarm)."""
        return self.timeout + self.grace

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
