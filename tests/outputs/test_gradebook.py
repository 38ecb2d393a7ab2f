"""nbgrader's gradebook and exports agree with grades.csv, in a real (temporary) nbgrader course."""
import csv
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from autograder.course import Course
from autograder.outputs import write_outputs
from autograder.outputs.gradebook import has_assignment

from outputs_fixtures import run_nbgrader as _nbgrader


def _read(path: Path) -> list[dict]:
    with path.open(newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.mark.e2e
def test_gradebook_and_both_nbgrader_exports_match_grades_csv(course, assignment, records):
    assert has_assignment(course / "gradebook.db", "demo_assignment")
    assert not has_assignment(course / "gradebook.db", "other")
    out = course / "grades" / "demo_assignment"
    assert course / "gradebook.db" in write_outputs(assignment, records, out, Course(course))

    _nbgrader(course, "export", "--to", "nbgrader.csv")
    exported = {row["student_id"]: row for row in _read(course / "nbgrader.csv")}
    totals: dict[str, float] = {}
    for row in _read(out / "grades.csv"):
        totals[row["student_id"]] = totals.get(row["student_id"], 0.0) + float(row["score"])
    assert {s: float(r["score"]) for s, r in exported.items()} == totals
    assert {r["max_score"] for r in exported.values()} == {"4.0"}

    # A resumed or repeated run updates the same submissions instead of adding new ones,
    # and the plugin's per-exercise columns add up to nbgrader's totals.
    write_outputs(assignment, records, out, Course(course))
    plugin = "autograder.outputs.nbgrader_exporter.PerExerciseExportPlugin"
    _nbgrader(course, "export", f"--exporter={plugin}", "--to", "per.csv")
    rows = _read(course / "per.csv")
    assert len(rows) == len(records) and list(rows[0])[-2:] == ["a", "b"]
    by_student = {row["student_id"]: row for row in rows}
    for record in records:
        row = by_student[record.student_id]
        assert {e.exercise: float(e.score) for e in record.exercises} == {"a": float(row["a"]), "b": float(row["b"])}
        assert float(row["score"]) == record.total == totals[record.student_id]


def test_no_gradebook_writing_outside_a_course_with_that_assignment(course, assignment, records, tmp_path):
    other = Course(tmp_path / "elsewhere")
    (tmp_path / "elsewhere").mkdir()
    assert Course(tmp_path / "elsewhere").gradebook not in write_outputs(assignment, records, tmp_path / "out", other)


SUBMARKS = """from nbgrader.plugins import BasePlugin


class SubMarks(BasePlugin):
    def late_submission_penalty(self, student_id, score, total_seconds_late):
        return round(total_seconds_late / 3600, 0)
"""
"""nbgrader's own example of a late-submission plugin: a point per hour late."""


@pytest.mark.e2e
def test_a_late_submission_is_penalised_by_the_course_plugin_in_nbgrader_export(course, assignment, records):
    (course / "late.py").write_text(SUBMARKS)
    with (course / "nbgrader_config.py").open("a") as config:
        config.write("c.AssignLatePenalties.plugin_class = 'late.SubMarks'\n")
    _nbgrader(course, "db", "assignment", "add", "demo_assignment", "--duedate=2026-11-20 12:00:00 UTC")
    times = {"zoe": datetime(2026, 11, 20, 15, 0, 1), "dave": datetime(2026, 11, 20, 15, 0, 1), "bob": datetime(2026, 11, 20, 11, 59)}
    stamped = [replace(r, timestamp=times.get(r.student_id)) for r in records]
    write_outputs(assignment, stamped, course / "grades" / "demo_assignment", Course(course))

    _nbgrader(course, "export", "--to", "nbgrader.csv")
    exported = {row["student_id"]: row for row in _read(course / "nbgrader.csv")}
    zoe, dave, bob, eve = (exported[s] for s in ("zoe", "dave", "bob", "eve"))
    assert (zoe["timestamp"], zoe["raw_score"], zoe["late_submission_penalty"], zoe["score"]) == ("2026-11-20 15:00:01", "4.0", "3.0", "1.0")
    assert (dave["raw_score"], dave["late_submission_penalty"], dave["score"]) == ("2.0", "2.0", "0.0")  # never below 0
    assert (bob["timestamp"], bob["late_submission_penalty"], bob["score"]) == ("2026-11-20 11:59:00", "0.0", "1.0")
    assert (eve["timestamp"], eve["late_submission_penalty"], eve["score"]) == ("", "0.0", "2.0")  # no time: never late
