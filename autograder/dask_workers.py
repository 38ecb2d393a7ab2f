"""Grading on an existing Dask cluster, for a class too big for one machine.

A worker plugin builds each Dask worker's Grader once, when the plugin is registered, with one
sandbox per worker thread; each task grades one submission with it. The rules are the local
ones (:mod:`autograder.workers`): a task whose worker died is retried RETRIES times, then its
submission gets an 'error' for every exercise, which the next run grades again.
"""
from __future__ import annotations

from typing import Callable

from distributed import Client, WorkerPlugin, as_completed, get_worker

from autograder.assignment import Assignment
from autograder.engine import Grader, not_graded
from autograder.results import SubmissionGrade
from autograder.submissions import Submission
from autograder.workers import RETRIES, WorkerSetup, build_grader

PLUGIN = "autograder-grader"


class GraderPlugin(WorkerPlugin):
    """Builds a worker's Grader when the worker takes the plugin, and closes its sandboxes when the worker stops."""

    name = PLUGIN

    def __init__(self, setup: WorkerSetup) -> None:
        self.worker_setup = setup
        self.grader: Grader | None = None

    def setup(self, worker) -> None:  # noqa: ANN001 (distributed's Worker)
        self.grader = build_grader(self.worker_setup, max(worker.state.nthreads, 1))

    def teardown(self, worker) -> None:  # noqa: ANN001
        if self.grader is not None:
            self.grader.sandboxes.close()


def grade_one(submission: Submission) -> SubmissionGrade:
    """Runs on a Dask worker, with the Grader its plugin built."""
    plugin: GraderPlugin = get_worker().plugins[PLUGIN]
    return plugin.grader.grade(submission)[0]


def grade_on_cluster(
    address: str, setup: WorkerSetup, assignment: Assignment, submissions: list[Submission], record: Callable[[SubmissionGrade], None],
) -> None:
    with Client(address, timeout="30s") as client:
        client.register_plugin(GraderPlugin(setup), name=PLUGIN)
        futures = client.map(
            grade_one, submissions, key=[f"grade-{assignment.name}-{s.student_id}-{s.digest}" for s in submissions], retries=RETRIES,
        )
        by_key = {future.key: submission for future, submission in zip(futures, submissions)}
        for future in as_completed(futures):
            try:
                record(future.result())
            except Exception:
                record(not_graded(assignment, by_key[future.key])[0])
