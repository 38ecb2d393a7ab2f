"""Grading processes: a worker that cannot start stops the run with one sentence; one that dies is replaced, nothing lost."""
from __future__ import annotations

import multiprocessing
import os
import signal
from pathlib import Path

import pytest

from autograder.assignment import load_assignment
from autograder.course import Course
from autograder.grading import read_class
from autograder.local_workers import WorkerFailed, grade_locally
from autograder.workers import prepare_here
from autograder.samples import build_class
from autograder.sandbox.confinement import detect
from autograder.sandbox.settings import SandboxSettings, StudentRuntime

pytestmark = pytest.mark.skipif(not detect().confined, reason=f"no sandbox here: {detect().problem}")
NAME = "regularization_rnn"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def submissions(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    assignment = load_assignment(NAME)
    build_class(Course(REPO), assignment, folder, copies=4, honest_only=True)
    return read_class(assignment, Course(REPO), folder)


def test_a_worker_that_cannot_start_is_one_sentence(submissions):
    setup = prepare_here(load_assignment(NAME), SandboxSettings(timeout=5, runtime=StudentRuntime(preload=("no_such_module",))), "cpu")
    with pytest.raises(WorkerFailed, match="A grading process could not start: .*no_such_module"):
        grade_locally(setup, submissions, 1, lambda *_: None)


def test_a_worker_that_dies_is_replaced_and_what_it_held_graded_again(submissions):
    setup = prepare_here(load_assignment(NAME), SandboxSettings(timeout=5), "cpu")
    recorded = {}

    def record(grade, runs):
        if not recorded:
            os.kill(multiprocessing.active_children()[0].pid, signal.SIGKILL)
        recorded[grade.student_id] = grade

    grade_locally(setup, submissions, 2, record)
    assert set(recorded) == {s.student_id for s in submissions}
    assert all(e.status == "graded" for g in recorded.values() for e in g.exercises)


def test_a_submission_whose_workers_keep_dying_is_an_error_and_the_rest_is_graded(submissions):
    setup = prepare_here(load_assignment(NAME), SandboxSettings(timeout=5), "cpu")
    recorded, kills = {}, []

    def record(grade, runs):
        if len(kills) < 2:
            kills.append(multiprocessing.active_children()[0].pid)
            os.kill(kills[-1], signal.SIGKILL)
        recorded[grade.student_id] = grade

    grade_locally(setup, submissions, 1, record)
    assert set(recorded) == {s.student_id for s in submissions}
    lost = [g for g in recorded.values() if any(e.status != "graded" for e in g.exercises)]
    assert len(lost) <= 2 and all(e.status == "error" for g in lost for e in g.exercises)
