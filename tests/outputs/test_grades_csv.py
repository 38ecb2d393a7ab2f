import csv
import io
import random

from rich.console import Console

from autograder.outputs import print_summary, write_outputs
from autograder.outputs.grades_csv import COLUMNS, grades_csv, write_grades_csv
from autograder.results import SubmissionGrade

from outputs_fixtures import MASK_SENTENCE


def test_one_row_per_student_per_exercise_in_fixed_order(assignment, records):
    rows = list(csv.DictReader(io.StringIO(grades_csv(assignment, records))))
    assert tuple(rows[0]) == COLUMNS
    assert [(r["student_id"], r["exercise"]) for r in rows] == [
        (s, e) for s in sorted(r.student_id for r in records) for e in ("a", "b")
    ]
    bob_a = next(r for r in rows if r["student_id"] == "bob" and r["exercise"] == "a")
    assert (bob_a["score"], bob_a["max_score"], bob_a["status"], bob_a["feedback"]) == ("1", "2", "graded", MASK_SENTENCE)
    dave_b = next(r for r in rows if r["student_id"] == "dave" and r["exercise"] == "b")
    assert dave_b["status"] == "timeout" and dave_b["score"] == "0"


def test_byte_identical_whatever_the_order_records_arrive(assignment, records, tmp_path):
    first = write_grades_csv(assignment, records, tmp_path / "one").read_bytes()
    shuffled = list(records)
    random.Random(3).shuffle(shuffled)
    assert write_grades_csv(assignment, shuffled, tmp_path / "two").read_bytes() == first
    assert b"\r" not in first


def test_several_sentences_are_joined_and_a_missing_exercise_still_gets_a_row(assignment):
    from autograder.results import ExerciseGrade

    record = SubmissionGrade("ann", "demo_assignment", "d", "x.ipynb", None, None,
                             (ExerciseGrade("a", 0, 2, "graded", ("First.", "Second\nline.")),))
    rows = list(csv.DictReader(io.StringIO(grades_csv(assignment, [record]))))
    assert rows[0]["feedback"] == "First. | Second line."
    assert (rows[1]["exercise"], rows[1]["score"], rows[1]["status"]) == ("b", "0", "not graded")


def test_write_outputs_writes_everything_outside_a_course(assignment, records, tmp_path):
    written = write_outputs(assignment, records, tmp_path, None)
    names = {p.relative_to(tmp_path).as_posix() for p in written}
    assert {"grades.csv", "report.html"} <= names
    assert {f"feedback/{r.student_id}.html" for r in records} <= names
    assert all(p.exists() for p in written)


def test_summary_plain_when_not_a_terminal(assignment, records):
    stream = io.StringIO()
    print_summary(assignment, records, Console(file=stream, force_terminal=False, width=100))
    text = stream.getvalue()
    assert "\x1b[" not in text
    lines = text.splitlines()
    a = next(line for line in lines if line.startswith("a "))
    # a: zoe 2, bob 1, carol 0, dave 2, eve 1 -> mean 1.20; one 0, two 1, two 2
    assert a.split() == ["a", "1.20", "1", "2", "2"]
    assert "5 submissions" in text and "3 not graded normally" in text  # bob (missing), carol, dave


def test_summary_table_on_a_terminal(assignment, records):
    stream = io.StringIO()
    print_summary(assignment, records, Console(file=stream, force_terminal=True, width=100))
    assert "got 2" in stream.getvalue() and "1.20" in stream.getvalue()
