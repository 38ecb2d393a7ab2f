"""The result store keeps what a run finished, with submission times, and reads the files older runs left."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

from autograder.results import ExerciseGrade, PublicCheck, ResultStore, SubmissionGrade

GRADE = SubmissionGrade("bob", "hw", "d1", "hw.ipynb", None, None, (ExerciseGrade("a", 1, 2, "graded", ("why",)),), 0.5)


def test_a_record_with_its_submission_time_comes_back_as_it_was(tmp_path):
    public = (PublicCheck("q1: public test 1 passes", True), PublicCheck("q1: public test 2 passes", False))
    exercise = replace(GRADE.exercises[0], public_checks=public)
    stamped = replace(GRADE, timestamp=datetime(2026, 11, 23, 14, 58, 23, 948203), exercises=(exercise,))
    store = ResultStore(tmp_path)
    store.append(stamped)
    store.append(replace(GRADE, student_id="ann"))
    assert store.load() == {"bob": stamped, "ann": replace(GRADE, student_id="ann")}


def test_a_results_file_written_before_timestamps_and_public_checks_were_kept_still_loads(tmp_path):
    old = json.loads(GRADE.to_json())
    del old["timestamp"]
    del old["exercises"][0]["public_checks"]
    (tmp_path / "results.jsonl").write_text(json.dumps(old) + "\n")
    assert ResultStore(tmp_path).load() == {"bob": GRADE}


def test_fractional_scores_come_back_as_they_were_and_older_whole_ones_stay_whole(tmp_path):
    split = replace(GRADE, exercises=(ExerciseGrade("q1", 2.25, 3.75, "graded"), ExerciseGrade("q3", 2 / 3, 1.0, "graded")))
    store = ResultStore(tmp_path)
    store.append(split)
    assert store.load()["bob"] == split and store.load()["bob"].total == 2.25 + 2 / 3
    (tmp_path / "results.jsonl").write_text(GRADE.to_json() + "\n")
    assert type(ResultStore(tmp_path).load()["bob"].exercises[0].score) is int
