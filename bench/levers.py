"""What each speed lever of issue 14 gives on its own, measured side by side in one run.

- **rounds**: an exercise's checks side by side, their calls batched into a few
  round trips (``autograder.rounds``), against the same checks asking one
  question per round trip; one worker, the same honest submissions.
- **processes**: the class graded by one process per core
  (``autograder.local_workers``), against one process with one grading
  thread per core plus one sharing its interpreter lock (how it was graded before).

Each pair is measured alternately (A B A B ...) so that a change in the
machine's speed during the run falls on both. Prints medians and ratios.

    .venv/bin/python bench/levers.py [--submissions 400] [--repeats 3]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import autograder.engine as engine  # noqa: E402
from autograder.assignment import load_assignment  # noqa: E402
from autograder.course import Course  # noqa: E402
from autograder.grading import read_class  # noqa: E402
from autograder.local_workers import default_workers, grade_locally, start_fork_server  # noqa: E402
from autograder.workers import prepare_here  # noqa: E402
from autograder.reference import KerasReferences  # noqa: E402
from autograder.samples import build_class  # noqa: E402
from autograder.sandbox.sandboxes import SandboxPool  # noqa: E402
from autograder.sandbox.settings import SandboxSettings  # noqa: E402
from measure import REPO, median  # noqa: E402

NAME = "regularization_rnn"


class OneAtATime:
    """The session without ``answer``: every question of every check is its own round trip."""

    def __init__(self, session: Any) -> None:
        self._session = session

    def __getattr__(self, name: str) -> Any:
        if name == "answer":
            raise AttributeError(name)
        return getattr(self._session, name)


def alternate(repeats: int, first: Callable[[], float], second: Callable[[], float]) -> tuple[float, float]:
    firsts, seconds = [], []
    for _ in range(repeats):
        firsts.append(first())
        seconds.append(second())
    return median(firsts), median(seconds)


def rounds_lever(assignment, references, submissions: list, repeats: int) -> tuple[float, float]:
    """Per submission on one worker: checks side by side against one question per round trip."""
    pool = SandboxPool(SandboxSettings(timeout=20), 1)
    grader = engine.Grader(assignment, references, pool)
    batched = engine.grade_exercise

    def timed(grade_exercise: Callable) -> float:
        engine.grade_exercise = grade_exercise
        try:
            started = time.perf_counter()
            for submission in submissions:
                grader.grade(submission)
            return (time.perf_counter() - started) / len(submissions)
        finally:
            engine.grade_exercise = batched

    def one_at_a_time(exercise, checks, defined, student, reference, printed=""):
        return batched(exercise, checks, defined, OneAtATime(student), reference, printed)

    try:
        grader.grade(submissions[0])
        return alternate(repeats, lambda: timed(batched), lambda: timed(one_at_a_time))
    finally:
        pool.close()


def processes_lever(assignment, references, submissions: list, repeats: int) -> tuple[float, float]:
    """Per submission over the class: one process per core against threads sharing one interpreter."""
    settings = SandboxSettings(timeout=20)
    setup = prepare_here(assignment, settings, "cpu")
    workers = default_workers()

    def in_processes() -> float:
        started = time.perf_counter()
        grade_locally(setup, submissions, workers, lambda *_: None)
        return (time.perf_counter() - started) / len(submissions)

    def in_threads() -> float:
        threads = workers + 1
        started = time.perf_counter()
        pool = SandboxPool(settings, threads, setup.confinement, setup.world)
        try:
            grader = engine.Grader(assignment, references, pool)
            with ThreadPoolExecutor(threads) as running:
                list(running.map(grader.grade, submissions))
        finally:
            pool.close()
        return (time.perf_counter() - started) / len(submissions)

    return alternate(repeats, in_processes, in_threads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    start_fork_server()
    course, assignment = Course(REPO), load_assignment(NAME)
    references = KerasReferences(assignment, device="cpu")
    references.warm()
    with tempfile.TemporaryDirectory() as scratch:
        build_class(course, assignment, Path(scratch), copies=args.submissions // 2, honest_only=True)
        submissions = read_class(assignment, course, Path(scratch))
        rows = [
            ("rounds (1 worker, per submission)", "side by side", "one question per round trip",
             *rounds_lever(assignment, references, submissions[:: max(len(submissions) // 100, 1)], args.repeats)),
            (f"processes ({len(submissions)} submissions)", f"{default_workers()} processes", f"{default_workers() + 1} threads",
             *processes_lever(assignment, references, submissions, args.repeats)),
        ]
    print(f"{'lever':38s} {'with it':>22s} {'without it':>30s}  ratio")
    for lever, on, off, with_it, without_it in rows:
        print(f"{lever:38s} {on:>12s} {with_it * 1000:6.1f} ms {off:>24s} {without_it * 1000:6.1f} ms  {without_it / with_it:.2f}x")


if __name__ == "__main__":
    main()
