"""The real otter-grader and our import of the same notebook give the same per-question scores.

`otter assign` builds the student and autograder versions of `squares.ipynb`;
`otter run` grades four filled-in student notebooks; `autograder import-otter`
and `autograder grade` grade the same four in a temporary copy of the course
(the repository is left without the imported assignment). The scores agree
except for the cheating notebook, which replaces doctest's runner: otter runs
its tests in the student's process and gives it full marks; our checks compare
outputs in the grader and give it what its wrong answers earn, 0.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
BIN = Path(sys.executable).parent

ANSWERS = {
    "correct": ('def square(x):\n    """The square of x."""\n    return x * x', "evens = [0, 2, 4, 6, 8]"),
    "partly": ('def square(x):\n    """The square of x."""\n    return abs(x) * x', "evens = [0, 2, 4, 6]"),
    "wrong_q1": ('def square(x):\n    """The square of x."""\n    return 2 * x', "evens = list(range(0, 10, 2))"),
    "cheat": (
        'import doctest\ndoctest.DocTestRunner.run = lambda self, *a, **k: doctest.TestResults(0, 0)\n'
        'def square(x):\n    """The square of x."""\n    return 0',
        "evens = []",
    ),
}
OTTER_ONLY = {"cheat": {"q1": 3.0, "q2": 2.0}}
"""What otter gives the cheat; ours gives it what its answers earn."""


def _run(*command: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(cwd)}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def _filled(student_nb: Path, answers: tuple[str, str]) -> nbformat.NotebookNode:
    notebook = nbformat.read(student_nb, as_version=4)
    answer_cells = [cell for cell in notebook.cells if "otter_answer_cell" in cell.metadata.get("tags", [])]
    assert len(answer_cells) == len(answers)
    for cell, code in zip(answer_cells, answers):
        cell.source = code
    return notebook


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    work = tmp_path_factory.mktemp("otter")
    master = work / "squares.ipynb"
    master.write_text((HERE / "squares.ipynb").read_text().replace("generate: false", "generate: true"))
    _run(str(BIN / "otter"), "assign", str(master), "dist", cwd=work)
    (zip_file,) = (work / "dist" / "autograder").glob("*.zip")
    course = work / "course"
    shutil.copytree(ROOT, course, ignore=shutil.ignore_patterns(".git", "__pycache__", ".venv", "grades", "submitted"))
    otter_scores = {}
    for student, answers in ANSWERS.items():
        notebook = _filled(work / "dist" / "student" / "squares.ipynb", answers)
        target = course / "submitted" / student / "squares" / "squares.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(notebook, target)
        out = work / "otter_out" / student
        out.mkdir(parents=True)
        _run(str(BIN / "otter"), "run", "-a", str(zip_file), "-o", str(out), str(target), cwd=work)
        tests = json.loads((out / "results.json").read_text())["tests"]
        otter_scores[student] = {t["name"]: t["score"] for t in tests if "score" in t}
    _run(sys.executable, "-m", "autograder.cli", "import-otter", str(HERE / "squares.ipynb"), cwd=course)
    _run(sys.executable, "-m", "autograder.cli", "grade", "squares", cwd=course)
    ours: dict[str, dict[str, float]] = {}
    with open(course / "grades" / "squares" / "grades.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            ours.setdefault(row["student_id"], {})[row["exercise"]] = float(row["score"])
    assert not (ROOT / "autograder" / "checks" / "squares").exists()
    _run(sys.executable, "-m", "autograder.cli", "export", "squares", "--format", "otter", cwd=course)
    final = list(csv.reader((course / "grades" / "squares" / "final_grades.csv").open()))
    return otter_scores, ours, final


def test_same_scores_as_otter_run(both):
    otter_scores, ours, _ = both
    assert otter_scores["correct"] == {"q1": 3.0, "q2": 2.0}
    assert otter_scores["partly"] == {"q1": 2.0, "q2": 0.0}, "all_or_nothing q2 and per-case q1 both exercised"
    for student in ANSWERS:
        if student not in OTTER_ONLY:
            assert ours[student] == otter_scores[student], student


def test_the_cheat_fools_otter_not_us(both):
    otter_scores, ours, _ = both
    assert otter_scores["cheat"] == OTTER_ONLY["cheat"]
    assert ours["cheat"] == {"q1": 0.0, "q2": 0.0}


def test_export_in_otters_final_grades_layout(both):
    _, _, final = both
    assert final[0] == ["file", "q1", "q2", "total_points_earned", "percent_correct", "grading_status"]
    assert final[1][:4] == ["POSSIBLE", "3", "2", "5"]
    by_file = {row[0].split("/")[0]: row for row in final[2:]}
    assert by_file["partly"][1:] == ["2", "0", "2", "0.4", "Completed"]
