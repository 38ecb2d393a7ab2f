"""nbgrader's gradebook and exports agree with grades.csv, in a real (temporary) nbgrader course."""
import csv
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import nbformat
import pytest

from autograder.course import Course
from autograder.outputs import write_outputs
from autograder.outputs.gradebook import has_assignment

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _cell(kind, source, grade_id, **flags):
    maker = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    cell = maker(source)
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "schema_version": 3, "grade": False, "solution": False,
                                 "locked": False, **flags}
    return cell


def _nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def released_course(tmp_path_factory) -> Path:
    course = tmp_path_factory.mktemp("course")
    shutil.copy(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        _cell("markdown", "# Demo", "intro"),
        _cell("code", "def dropout(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION", "a_solution", solution=True),
        _cell("code", "assert dropout(1) == 1", "test_a", grade=True, locked=True, points=2),
        _cell("code", "def rnn_step(h):\n    ### BEGIN SOLUTION\n    return h\n    ### END SOLUTION", "b_solution", solution=True),
        _cell("code", "assert rnn_step(1) == 1", "test_b", grade=True, locked=True, points=2),
    ]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    source = course / "assignments" / "demo_assignment"
    source.mkdir(parents=True)
    nbformat.write(notebook, source / "demo_assignment.ipynb")
    _nbgrader(course, "generate_assignment", "demo_assignment")
    return course


@pytest.fixture
def course(released_course, tmp_path) -> Path:
    copy = tmp_path / "course"
    shutil.copytree(released_course, copy)
    return copy


def _read(path: Path) -> list[dict]:
    with path.open(newline="") as stream:
        return list(csv.DictReader(stream))


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
