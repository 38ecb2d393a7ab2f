"""An interrupted run resumes without regrading what is done and without changing any result:
the store keeps every finished record (a line a kill cut short is dropped), and a run grades
exactly what has no settled record (new, changed, or spoiled by the grader's own fault)."""
from __future__ import annotations

from dataclasses import replace

from autograder.grading import to_grade
from autograder.results import ExerciseGrade, ResultStore, SubmissionGrade
from autograder.status import Status
from autograder.submissions import Submission

GRADE = SubmissionGrade("bob", "hw", "d1", "hw.ipynb", None, None, (ExerciseGrade("a", 2, 2, Status.GRADED),), 0.5)


def test_a_line_cut_short_by_a_kill_is_dropped_and_every_finished_record_kept(tmp_path):
    store = ResultStore(tmp_path)
    store.append(GRADE)
    store.append(replace(GRADE, student_id="ann"))
    with store.path.open("a") as stream:
        stream.write(replace(GRADE, student_id="cat").to_json()[:40])
    assert set(store.load()) == {"bob", "ann"}
    store.append(replace(GRADE, student_id="cat"))
    assert set(store.load()) == {"bob", "ann", "cat"}


def test_only_what_is_new_changed_or_spoiled_by_the_grader_is_graded_again():
    done = {
        "bob": GRADE,
        "ann": replace(GRADE, student_id="ann", digest="old"),
        "cat": replace(GRADE, student_id="cat", exercises=(ExerciseGrade("a", 0, 2, Status.ERROR),)),
        "dan": replace(GRADE, student_id="dan", exercises=(ExerciseGrade("a", 0, 2, Status.TIMEOUT),)),
    }
    submissions = [Submission(name, None, "d1") for name in ("bob", "ann", "cat", "dan", "eve")]
    assert [s.student_id for s in to_grade(done, submissions)] == ["ann", "cat", "eve"]
