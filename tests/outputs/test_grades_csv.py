import csv
import io
import random

import pytest
from rich.console import Console

from autograder.assignment import Assignment, Exercise
from autograder.outputs import OutputsIncomplete, print_summary, write_outputs
from autograder.outputs.grades_csv import COLUMNS, grades_csv, write_grades_csv
from autograder.results import ExerciseGrade, SubmissionGrade
from autograder.status import Status

from outputs_fixtures import FORMULA_IDS, MASK_SENTENCE, UNSAFE


def test_one_row_per_student_per_exercise_in_fixed_order(assignment, records):
    rows = list(csv.DictReader(io.StringIO(grades_csv(assignment, records))))
    assert tuple(rows[0]) == COLUMNS
    assert [(r["student_id"], r["exercise"]) for r in rows] == [
        (s, e) for s in sorted(r.student_id for r in records) for e in ("a", "b")
    ]
    bob_a = next(r for r in rows if r["student_id"] == "bob" and r["exercise"] == "a")
    assert (bob_a["score"], bob_a["max_score"], bob_a["status"], bob_a["feedback"]) == ("1", "2", "graded", MASK_SENTENCE)
    dave_b = next(r for r in rows if r["student_id"] == "dave" and r["exercise"] == "b")
    assert dave_b["status"] == "timed out" and dave_b["score"] == "0"  # the words every output uses
    bob_b = next(r for r in rows if r["student_id"] == "bob" and r["exercise"] == "b")
    assert bob_b["feedback"].startswith("rnn_step is not defined as a function")  # no backticks shown literally


@pytest.mark.parametrize("status", list(Status))
def test_every_status_in_the_words_every_output_uses(assignment, status):
    record = SubmissionGrade("ann", "demo_assignment", "d", "x.ipynb", None, None,
                             (ExerciseGrade("a", 0, 2, status, (status.sentence or "Why.",)), ExerciseGrade("b", 2, 2, "graded")))
    (row, _) = csv.DictReader(io.StringIO(grades_csv(assignment, [record])))
    assert row["status"] == status.text


def test_byte_identical_whatever_the_order_records_arrive(assignment, records, tmp_path):
    first = write_grades_csv(assignment, records, tmp_path / "one").read_bytes()
    shuffled = list(records)
    random.Random(3).shuffle(shuffled)
    assert write_grades_csv(assignment, shuffled, tmp_path / "two").read_bytes() == first
    assert b"\r" not in first


def test_several_sentences_are_joined_and_a_missing_exercise_still_gets_a_row(assignment):
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


def test_hostile_text_is_cleaned_and_no_cell_is_a_formula(assignment, hostile_records):
    text = grades_csv(assignment, hostile_records)
    assert not UNSAFE.search(text)
    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert len(rows) == 2 * len(hostile_records)
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert {"'" + i for i in FORMULA_IDS} <= {row[0] for row in rows}
    feedback = {row[5] for row in rows if row[1] == "a"}
    assert feedback == {"\ufffdevil =1+1 | -\ufffdevil"}  # only a cell's start can make it a formula


def test_write_outputs_writes_every_file_for_hostile_records(assignment, hostile_records, tmp_path):
    written = write_outputs(assignment, hostile_records, tmp_path, None)
    feedback = [p for p in written if p.parent == tmp_path / "feedback"]
    assert len(feedback) == len(hostile_records) == len(set(feedback))  # a\x00b and a\x01b apart
    assert (tmp_path / "grades.csv") in written and (tmp_path / "report.html") in written
    for path in written:
        assert not UNSAFE.search(path.read_bytes().decode("utf-8")), path
        assert not path.name.startswith(".")


def test_one_failing_output_does_not_stop_the_others(assignment, records, tmp_path, monkeypatch):
    from autograder.outputs import report

    def broken(*_):
        raise OSError("disk full \x1b[2J")

    monkeypatch.setattr(report, "write_report", broken)
    with pytest.raises(OutputsIncomplete, match=r"1 output\(s\) could not be written .*report\.html: OSError: disk full") as raised:
        write_outputs(assignment, records, tmp_path, None)
    assert (tmp_path / "grades.csv").exists() and len(list((tmp_path / "feedback").iterdir())) == len(records)
    assert not (tmp_path / "report.html").exists() and len(raised.value.written) == 1 + len(records)
    assert "\x1b" not in str(raised.value)


def test_summary_never_reads_names_as_markup_or_escapes(records):
    odd = Assignment("[/red]\x1b]0;t\x07", tuple(Exercise(n, n, ("f",), "") for n in ("a", "[/bold]\x1b[2Jb")))
    for terminal in (True, False):
        stream = io.StringIO()
        print_summary(odd, records, Console(file=stream, force_terminal=terminal, width=120))
        assert "[/bold]" in stream.getvalue() and "\x1b[2J" not in stream.getvalue() and "\x1b]0" not in stream.getvalue()
