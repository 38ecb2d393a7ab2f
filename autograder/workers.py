"""What every grading process does before it grades, wherever it runs, and the one rule for a
process that dies.

A grading process (a local worker, :mod:`autograder.local_workers`; a Dask worker,
:mod:`autograder.dask_workers`) builds its own :class:`~autograder.engine.Grader` from a
:class:`WorkerSetup`: plain, picklable data the command prepared once. Only the grader's own
data passes between these processes: submissions as the command read them, and grades as the
workers built them from the checked, plain values the sandbox returned.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from autograder.assignment import Assignment, load_assignment
from autograder.course import Course
from autograder.engine import Grader
from autograder.files import cache_dir
from autograder.reference import KerasReferences
from autograder.sandbox.confinement import Confinement
from autograder.sandbox.control import World
from autograder.sandbox.sandboxes import SandboxPool
from autograder.sandbox.settings import SandboxSettings, confinement_for
from autograder.sandbox.world import build_world

RETRIES = 1
"""Times a submission is graded again after the process grading it died (a grader bug, the
machine's OOM killer); after that it gets an 'error' for every exercise, which the next run
grades again. The same locally and on Dask."""


@dataclass(frozen=True)
class WorkerSetup:
    """What a grading process needs to build its Grader."""

    assignment: str
    course: Path
    settings: SandboxSettings
    device: str = "auto"
    confinement: Confinement | None = None
    """Tried by the command for the machine it runs on; None: each worker tries its own machine's."""
    world: World | None = None
    """Built once by the command for this machine; None: each worker builds its machine's."""
    cache: Path | None = None
    """The command's reference cache: a process started earlier keeps an old environment."""
    outcomes: bool = False
    """Send each exercise's check outcomes back with its grade (selfcheck shows them; grading does not need them)."""


def announce(confinement: Confinement) -> None:
    """The one line that says what protects the class on this machine."""
    print(f"sandbox: {confinement.describe()}", file=sys.stderr)


def prepare_here(assignment: Assignment, settings: SandboxSettings, device: str, outcomes: bool = False) -> WorkerSetup:
    """For processes on this machine: confinement tried and announced, the references warmed into
    the cache the workers read (computed once, not once per worker), the world built once."""
    confinement = confinement_for(settings)
    announce(confinement)
    references = KerasReferences(assignment, device=device)
    references.warm()
    print(f"references: {references.describe()}", file=sys.stderr)
    world = build_world(settings.runtime.packages, settings.hide, bool(settings.runtime.shims))
    return WorkerSetup(assignment.name, assignment.course.root, settings, device, confinement, world, cache_dir(), outcomes)


def prepare_elsewhere(assignment: Assignment, settings: SandboxSettings, device: str) -> WorkerSetup:
    """For processes on other machines (a Dask cluster): each tries its own confinement and builds
    its own world and references, since paths and kernels differ from this machine's."""
    print("sandbox: set up on each Dask worker by what its machine allows", file=sys.stderr)
    return WorkerSetup(assignment.name, assignment.course.root, settings, device)


def build_grader(setup: WorkerSetup, sandboxes: int = 1) -> Grader:
    """In a grading process: the assignment, its references (from the cache where the command
    warmed them) and ``sandboxes`` sandboxes, one per thread that grades at once."""
    assignment = load_assignment(setup.assignment, Course(setup.course))
    references = KerasReferences(assignment, device=setup.device, cache_dir=setup.cache)
    references.warm()
    return Grader(assignment, references, SandboxPool(setup.settings, sandboxes, setup.confinement, setup.world))
