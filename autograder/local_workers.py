"""Grading on this machine: one grading process per core, each with a Grader of its own.

Grader threads of one process share one interpreter lock: a thread woken by
its student's reply waits for the lock behind the others, and its student
waits with it. Separate processes do not (``bench/levers.py`` measures both).

Each worker process starts from multiprocessing's fork server (a fresh
interpreter that has imported the engine and nothing else: no Keras, no thread of the
command's is copied into a worker), builds its Grader as every grading process does
(:mod:`autograder.workers`) and grades the submissions it is sent, one at a time.
Student code never runs in any of them.

A worker that dies is replaced, and what it held is graded again, by the one rule of
:data:`autograder.workers.RETRIES`.
"""
from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
import sys
import traceback
from collections import Counter
from multiprocessing.connection import Connection, wait
from typing import Callable, Iterable

from autograder.assignment import load_assignment
from autograder.course import Course
from autograder.engine import ExerciseRun, not_graded
from autograder.errors import UserError
from autograder.results import SubmissionGrade
from autograder.submissions import Submission
from autograder.workers import RETRIES, WorkerSetup, build_grader

AHEAD = 2
"""Submissions a worker holds at once: the next one is there when it finishes one."""
RESTARTS = 4
"""Workers that may die in one run before the run gives up on this machine."""

Record = Callable[[SubmissionGrade, dict[str, ExerciseRun]], None]


class WorkerFailed(UserError):
    """A worker could not set itself up (its sandbox did not start): nothing can be graded here."""


def default_workers() -> int:
    """One grading process per core this process may use: more only make their graders and
    students contend for the cores."""
    return max(len(os.sched_getaffinity(0)), 1)


def start_fork_server() -> None:
    """Start the fork server now, so that it imports the engine while the caller goes on reading the class."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["autograder.local_workers"])
    from multiprocessing import forkserver

    forkserver.ensure_running()


def _serve(setup: WorkerSetup, channel: Connection, core: int | None) -> None:
    """A worker's life: build a Grader, then grade each submission sent until told to stop.

    A worker with a ``core`` keeps to it, and so do its zygote and every student
    process (they inherit it, and its cgroup's cpuset keeps them there): the grader
    and its student hand each message to the other on one core, with warm caches
    and no wake-up across cores."""
    if core is not None:
        os.sched_setaffinity(0, {core})
    try:
        grader = build_grader(setup)
    except Exception as error:  # told to the command, which stops with it
        channel.send(("failed", f"{error}"[:1000] or type(error).__name__))
        return
    try:
        gc.freeze()  # what stays for the whole run (modules, checks, references) is no longer walked by the collector
        channel.send(("ready", None))
        while (submission := channel.recv()) is not None:
            try:
                record, runs = grader.grade(submission)
                graded = (record, runs if setup.outcomes else {})
            except Exception:
                print(f"autograder: grading one submission failed:\n{traceback.format_exc(limit=3)}", file=sys.stderr, flush=True)
                graded = not_graded(grader.assignment, submission)
            channel.send(graded)
    except (EOFError, OSError, KeyboardInterrupt):
        pass
    finally:
        grader.sandboxes.close()


class _Worker:
    def __init__(self, setup: WorkerSetup, core: int | None) -> None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["autograder.local_workers"])
        self.channel, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(setup, theirs, core), daemon=True)
        self.process.start()
        theirs.close()
        self.core = core
        self.held: list[Submission] = []

    def ready(self) -> None:
        try:
            kind, detail = self.channel.recv()
        except EOFError:
            kind, detail = "failed", "the worker process ended while it started"
        if kind != "ready":
            self.stop()
            raise WorkerFailed(f"A grading process could not start: {detail}")

    def give(self, submission: Submission) -> bool:
        """Hand over a submission; False when the worker is gone (its end of the pipe then reads as closed too)."""
        self.held.append(submission)
        try:
            self.channel.send(submission)
        except OSError:
            return False
        return True

    def stop(self) -> None:
        try:
            self.channel.send(None)
        except OSError:
            pass
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.channel.close()


class Team:
    """The grading processes of one run, started as soon as the command knows there
    is work: each sets itself up (references, zygote) while the command is still
    reading the class, instead of after it."""

    def __init__(self, setup: WorkerSetup, workers: int) -> None:
        self.setup = setup
        cores = sorted(os.sched_getaffinity(0))
        workers = max(workers, 1)
        self.workers = [_Worker(setup, cores[i] if workers <= len(cores) else None) for i in range(workers)]

    def __enter__(self) -> "Team":
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()

    def grade(self, submissions: Iterable[Submission], record: Record) -> None:
        """Grade each submission, recording it (in this process) as it finishes.

        What a dead worker held is graded once more by its replacement; a submission
        that was with a worker when it died a second time is recorded as an 'error'."""
        todo = iter(submissions)
        again: list[Submission] = []
        retried: Counter[str] = Counter()
        assignment = load_assignment(self.setup.assignment, Course(self.setup.course))
        team = self.workers
        restarts = 0

        def feed(worker: _Worker) -> None:
            while len(worker.held) < AHEAD and (submission := again.pop() if again else next(todo, None)) is not None:
                if not worker.give(submission):
                    return

        def replace(worker: _Worker) -> _Worker:
            nonlocal restarts
            for submission in worker.held:
                if retried[submission.student_id] >= RETRIES:
                    record(*not_graded(assignment, submission))
                else:
                    retried[submission.student_id] += 1
                    again.append(submission)
            worker.held.clear()
            worker.stop()
            restarts += 1
            if restarts > RESTARTS:
                raise WorkerFailed("Grading processes keep dying on this machine; the grades recorded so far are kept.")
            fresh = _Worker(self.setup, worker.core)
            team[team.index(worker)] = fresh
            fresh.ready()
            return fresh

        for worker in team:
            worker.ready()
            feed(worker)
        while any(worker.held for worker in team):
            for channel in wait([w.channel for w in team if w.held]):
                worker = next(w for w in team if w.channel is channel)
                try:
                    graded = worker.channel.recv()
                except (EOFError, OSError):
                    worker = replace(worker)
                else:
                    worker.held.pop(0)
                    record(*graded)
                feed(worker)


def grade_locally(setup: WorkerSetup, submissions: Iterable[Submission], workers: int, record: Record) -> None:
    """Grade on ``workers`` processes, started only if there is a submission to grade."""
    todo = iter(submissions)
    first = next(todo, None)
    if first is None:
        return
    with Team(setup, workers) as team:
        team.grade(itertools.chain([first], todo), record)
