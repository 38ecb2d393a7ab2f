"""A course of one's own, outside this repository, the way a new instructor makes one: quickstart,
new, selfcheck, release, grade, export; pytest on its checks; and the ways such a course goes
wrong told in one sentence (a stale or broken source, a check file that does not import) or,
for a fault of the grader's own, never charged to a student."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.assignment import load_assignment
from autograder.cli import main
from autograder.course import Course
from autograder.samples import build_class
from autograder.sandbox.confinement import detect
from classes import grades_csv

pytestmark = pytest.mark.skipif(not detect().confined, reason=f"no sandbox here: {detect().problem}")
GRADE_OPTIONS = ("--timeout", "3", "--workers", "2")


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Course:
    folder = tmp_path_factory.mktemp("courses") / "dl201"
    assert main(["quickstart", str(folder)]) == 0
    assert main(["--course", str(folder), "new", "week7"]) == 0
    return Course(folder)


def cli(course: Course, *args: str) -> int:
    return main(["--course", str(course.root), *args])


def test_new_writes_every_part_into_the_course_and_selfcheck_proves_it(course, capsys):
    assert (course.checks_dir("week7") / "__init__.py").is_file() and course.solution_module("week7").is_file()
    assert course.source_notebook("week7") == course.root / "source" / "week7" / "week7.ipynb" and course.source_notebook("week7").is_file()
    assert cli(course, "selfcheck", "week7") == 0
    assert " 0 disagreement(s)" in capsys.readouterr().out


def test_its_checks_run_under_plain_pytest_in_the_course(course):
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "checks/week7"], cwd=course.root,
                          capture_output=True, text=True)
    assert done.returncode == 0 and " passed" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]


def test_released_graded_and_exported(course, tmp_path):
    assert cli(course, "release", "week7") == 0
    assert course.released_notebook("week7").is_file()
    assignment = load_assignment("week7", course)
    build_class(course, assignment, course.submitted, honest_only=True)
    (course.submitted / "carol" / "week5").mkdir(parents=True)  # another assignment's work: not a submission of week7
    assert cli(course, "grade", "week7", *GRADE_OPTIONS) == 0
    grades = grades_csv(course.grades("week7"))
    assert {student for student, _ in grades} == {"correct_0000", "partly_wrong_0000"}
    assert grades[("correct_0000", "relu")]["score"] == "2" and grades[("partly_wrong_0000", "relu")]["score"] == "1"
    roster = tmp_path / "canvas.csv"
    roster.write_text("Student,ID,SIS User ID,SIS Login ID,Section\nCorrect Student,1,correct_0000,correct_0000,A\n")
    assert cli(course, "export", "week7", "--format", "canvas", "--roster", str(roster)) == 0
    assert "correct_0000" in (course.grades("week7") / "canvas.csv").read_text()


def test_missing_roster_is_named(course, capsys):
    assert cli(course, "export", "week7", "--format", "canvas") == 2
    assert "--roster" in capsys.readouterr().err


def _copy_course(course: Course, tmp_path: Path, name: str) -> Course:
    import shutil

    target = tmp_path / name
    shutil.copytree(course.root, target, ignore=shutil.ignore_patterns("grades", "submitted", "autograded", "gradebook.db"))
    return Course(target)


def test_a_stale_or_broken_source_is_refused_with_the_command_to_run(course, tmp_path, capsys):
    stale = _copy_course(course, tmp_path, "stale")
    notebook = json.loads(stale.source_notebook("week7").read_text())
    test_cell = next(c for c in notebook["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "test_relu")
    test_cell["metadata"]["nbgrader"]["points"] = 4
    stale.source_notebook("week7").write_text(json.dumps(notebook))
    assert cli(stale, "grade", "week7") == 2 and "autograder export-solution week7" in capsys.readouterr().err
    assert cli(stale, "selfcheck", "week7") == 2
    stale.source_notebook("week7").write_text(stale.source_notebook("week7").read_text()[:500])
    assert cli(stale, "grade", "week7") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("autograder: ") and "not a readable notebook" in err[-1]


def test_a_check_file_that_does_not_import_is_one_sentence_with_file_and_line(course, tmp_path, capsys):
    broken = _copy_course(course, tmp_path, "broken")
    check_file = broken.checks_dir("week7") / "relu.py"
    check_file.write_text(check_file.read_text() + "\ndef oops(:\n")
    assert cli(broken, "grade", "week7") == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("autograder: checks/week7/relu.py, line ") and "fix the check file" in line


def test_a_bug_in_a_check_is_the_graders_error_never_charged_to_a_student(course, tmp_path, capsys):
    buggy = _copy_course(course, tmp_path, "buggy")
    check_file = buggy.checks_dir("week7") / "relu.py"
    check_file.write_text(check_file.read_text().replace("hidden.X.shape, kinds", "hidden.XZ.shape, kinds"))
    build_class(buggy, load_assignment("week7", buggy), buggy.submitted, honest_only=True)
    assert cli(buggy, "grade", "week7", *GRADE_OPTIONS) == 1
    err = capsys.readouterr().err
    assert "met a fault of the grader" in err and "relu.py, line" in err and "AttributeError" in err
    grades = grades_csv(buggy.grades("week7"))
    assert {row["status"] for row in grades.values()} == {"grader error"}
    feedback = "".join(p.read_text() for p in (buggy.grades("week7") / "feedback").glob("*.html"))
    assert "XZ" not in feedback and "relu.py" not in feedback
    check_file.write_text(check_file.read_text().replace("hidden.XZ.shape", "hidden.X.shape"))
    assert cli(buggy, "grade", "week7", *GRADE_OPTIONS) == 0  # the fault is mended: graded again, not kept
    assert grades_csv(buggy.grades("week7"))[("correct_0000", "relu")]["score"] == "2"
