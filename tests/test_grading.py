"""``autograder grade`` end to end on a sample class with hostile students."""
from __future__ import annotations

import csv
import difflib
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import psutil
import pytest

from autograder.assignment import available_assignments, load_assignment
from autograder.cli import main
from autograder.course import Course
from autograder.results import ResultStore
from autograder.samples import HOSTILE, HOSTILE_FOLDER_NAMES, build_class, partial_mistakes
from autograder.text import csv_cell
from autograder.sandbox.confinement import detect
from autograder.sandbox.settings import SandboxSettings

pytestmark = pytest.mark.skipif(not detect().confined, reason=f"no sandbox here: {detect().problem}")
NAME = available_assignments()[0]
REPO = Path(__file__).resolve().parents[1]
ESCAPES = [Path("/etc/autograder-escaped"), Path("/tmp/escaped"), Path("/escaped")]


def grades_of(out: Path) -> dict[tuple[str, str], dict]:
    with (out / "grades.csv").open() as stream:
        return {(row["student_id"], row["exercise"]): row for row in csv.DictReader(stream)}


def grade(submitted: Path, out: Path, *extra: str) -> int:
    return main(["grade", NAME, "--submitted", str(submitted), "--out", str(out), "--timeout", "5", "--memory", "768", "--workers", "2", *extra])


SECRET = "grader-token-3e1f0c"
SHM = Path("/proc/sysvipc/shm")


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("class")
    for path in ESCAPES:
        path.unlink(missing_ok=True)
    students = build_class(Course(REPO), load_assignment(NAME), root / "submitted")
    segments = SHM.read_text()
    os.environ["AUTOGRADER_TEST_TOKEN"] = SECRET
    try:
        assert grade(root / "submitted", root / "out") == 0
    finally:
        del os.environ["AUTOGRADER_TEST_TOKEN"]
    assert SHM.read_text() == segments, "a student left SysV shared memory on the host"
    return students, root, grades_of(root / "out")


def test_every_student_gets_a_row_for_every_exercise(graded_class):
    students, _, grades = graded_class
    exercises = [e.name for e in load_assignment(NAME).exercises]
    assert set(grades) == {(csv_cell(s.student_id), e) for s in students for e in exercises}
    for row in grades.values():
        if row["score"] == "0":
            assert row["feedback"].strip(), f"no reason for a 0: {row}"


def test_correct_work_scores_full_marks_and_unstarted_work_nothing(graded_class):
    students, _, grades = graded_class
    correct = {csv_cell(s.student_id) for s in students if s.kind == "correct"} | {"renamed_copy"}
    assert len(correct) >= 2 + len(HOSTILE_FOLDER_NAMES)
    for (student, _), row in grades.items():
        if student in correct:
            assert row["score"] == row["max_score"], row
        if student in ("unstarted", "truncated", "empty_file", "not_a_notebook", "no_notebook", "symlinked_folder", "symlinked_notebook"):
            assert row["score"] == "0", row


def test_partly_wrong_work_scores_as_the_catalog_says(graded_class):
    _, _, grades = graded_class
    mistake = partial_mistakes(load_assignment(NAME))[0]
    for exercise in load_assignment(NAME).exercises:
        expected = mistake.expected if exercise.name == mistake.exercise else exercise.points
        assert grades[("partly_wrong_0000", exercise.name)]["score"] == str(expected)


def test_hostile_code_costs_only_its_own_exercise(graded_class):
    _, _, grades = graded_class
    assignment = load_assignment(NAME)
    for n, behaviour in enumerate(HOSTILE):
        target = assignment.exercises[n % len(assignment.exercises)].name
        for exercise in assignment.exercises:
            row = grades[(f"hostile_{behaviour}", exercise.name)]
            if exercise.name == target:
                assert row["score"] == "0", row
            else:
                assert row["score"] == row["max_score"], (behaviour, row)


def test_no_submission_holds_a_worker_past_its_allowance(graded_class):
    """Hogs, hangs and bombs end within what one submission may use, whatever it tries."""
    _, root, _ = graded_class
    allowance = SandboxSettings(timeout=5, memory_mb=768).allowance(len(load_assignment(NAME).exercises))
    longest = max(record.seconds for record in ResultStore(root / "out").load().values())
    assert longest <= allowance.wall + 5


def test_nothing_escaped(graded_class):
    _, root, _ = graded_class
    assert not any(path.exists() for path in ESCAPES)
    leftover = subprocess.run(["pgrep", "-f", "sleep 1000"], capture_output=True, text=True).stdout.split()
    assert leftover == []
    feedback = "\n".join(p.read_text() for p in (root / "out" / "feedback").rglob("*") if p.is_file())
    for check_file in (REPO / "autograder" / "checks" / NAME).glob("*.py"):
        for line in check_file.read_text().splitlines():
            if len(line.strip()) > 30 and not line.strip().startswith(("#", '"', "says", "lecture")):
                assert line.strip() not in feedback
    assert str(REPO / "autograder") not in feedback


def test_no_two_students_share_a_feedback_file(graded_class):
    students, root, _ = graded_class
    assert len(list((root / "out" / "feedback").glob("*.html"))) == len({s.student_id for s in students}) == len(students)


def test_feedback_holds_no_hidden_inputs_and_no_grader_secrets(graded_class):
    _, root, _ = graded_class
    feedback = "\n".join(p.read_text() for p in (root / "out" / "feedback").rglob("*") if p.is_file())
    report = (root / "out" / "report.html").read_text()
    table = (root / "out" / "grades.csv").read_text()
    for text in (feedback, report, table):
        assert "HIDDEN-INPUTS" not in text
        assert "L__" not in text, "an exception type the student named reached a sentence"
        assert SECRET not in text
        assert str(root / "submitted") not in text and str(root / "out") not in text
        assert "\x1b" not in text and "\x00" not in text


def test_nothing_is_left_on_the_host(graded_class):
    leftover = [p for p in Path("/sys/fs/cgroup").rglob(f"autograder-{os.getpid()}-*") if p.is_dir()]
    assert leftover == []
    assert [p for p in psutil.Process().children(recursive=True) if "autograder.sandbox" in " ".join(p.cmdline())] == []


def test_unknown_assignment_and_missing_folder_are_one_sentence_and_exit_2(tmp_path, capsys):
    assert main(["grade", "no_such_assignment"]) == 2
    assert main(["grade", NAME, "--submitted", str(tmp_path / "missing"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("autograder: ") for line in err)


def test_a_run_with_nothing_new_starts_no_sandbox_and_changes_nothing(tmp_path, graded_class, capsys):
    _, root, full = graded_class
    shutil.copytree(root / "out", tmp_path / "out")
    assert grade(root / "submitted", tmp_path / "out") == 0
    err = capsys.readouterr().err
    assert " 0 to grade." in err and "sandbox:" not in err, err
    assert (tmp_path / "out" / "grades.csv").read_bytes() == (root / "out" / "grades.csv").read_bytes()


def test_a_dask_cluster_gives_the_same_grades(tmp_path, graded_class):
    distributed = pytest.importorskip("distributed")
    _, root, full = graded_class
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None) as cluster:
        assert grade(root / "submitted", tmp_path / "out", "--cluster", cluster.scheduler_address) == 0
    assert (tmp_path / "out" / "grades.csv").read_bytes() == (root / "out" / "grades.csv").read_bytes()


def test_a_grader_fault_is_graded_again_on_the_next_run(tmp_path, graded_class):
    _, root, _ = graded_class
    out = tmp_path / "out"
    out.mkdir()
    store = ResultStore(out)
    records = ResultStore(root / "out").load()
    spoiled = records["correct_0000"]
    first = spoiled.exercises[0]
    records["correct_0000"] = replace(spoiled, exercises=(replace(first, score=0, status="error"), *spoiled.exercises[1:]))
    store.rewrite(records.values())
    assert grade(root / "submitted", out) == 0
    after = store.load()
    assert after["correct_0000"].exercises[0].status == "graded"
    assert after["correct_0000"].total == spoiled.total
    assert all(after[s].seconds == records[s].seconds for s in records if s != "correct_0000")
