"""One otter master notebook graded by otter-grader itself and by this project, for the interop tests.

otter's side: `otter assign` builds the autograder zip, then what `otter run` runs
(`otter.run.main`, by ``gradescope_dicts.py otter``) grades each filled-in student
notebook, with the master's data files beside it. Ours: `autograder import-otter` and `autograder grade`
in a course of its own, made by `autograder quickstart` (so whatever assignments this repository holds do not matter). Both sides also
give Gradescope's results.json for each configuration in ``gradescope_dicts.CONFIGS``.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.otter.master import read_master
from gradescope_dicts import CONFIGS

CONFIGS_COMPARED = tuple(CONFIGS)
HERE = Path(__file__).parent
ROOT = HERE.parent.parent
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Graded:
    otter: dict[str, dict[str, float]]
    """Per student, per question: the scores in otter's own results.json."""
    ours: dict[str, dict[str, float]]
    """Per student, per exercise: the scores in our grades.csv."""
    otter_gradescope: dict[str, dict[str, dict]]
    """Per student, per configuration: otter's ``GradingResults.to_gradescope_dict``."""
    ours_gradescope: dict[str, dict[str, dict]]
    """Per student, per configuration: our ``results_json`` for the imported assignment."""
    work: Path
    """Where otter assign wrote ``dist/`` and the course copy lies (``course/``)."""


def run(*command: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def filled(student_nb: Path, answers: tuple[str, ...]) -> nbformat.NotebookNode:
    """otter's student notebook with its answer cells replaced by ``answers``, in order."""
    notebook = nbformat.read(student_nb, as_version=4)
    answer_cells = [cell for cell in notebook.cells if "otter_answer_cell" in cell.metadata.get("tags", [])]
    assert len(answer_cells) == len(answers)
    for cell, code in zip(answer_cells, answers):
        cell.source = code
    return notebook


def fresh_course(work: Path) -> Path:
    """An empty course at ``work/course``, where commands may import assignments."""
    course = work / "course"
    run(sys.executable, "-m", "autograder.cli", "quickstart", str(course), cwd=work)
    return course


def grade_both(work: Path, name: str, answers: dict[str, tuple[str, ...]]) -> Graded:
    """Grade ``answers`` (per student, the code of each answer cell) of ``tests/otter/NAME.ipynb`` both ways."""
    master = work / f"{name}.ipynb"
    master.write_text((HERE / f"{name}.ipynb").read_text().replace("generate: false", "generate: true"))
    for data in read_master(HERE / f"{name}.ipynb").files:
        shutil.copy(data, work)
    run(str(BIN / "otter"), "assign", str(master), "dist", cwd=work)
    (zip_file,) = (work / "dist" / "autograder").glob("*.zip")
    course = fresh_course(work)
    script = str(HERE / "gradescope_dicts.py")
    for student, code in answers.items():
        target = course / "submitted" / student / name / f"{name}.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(filled(work / "dist" / "student" / f"{name}.ipynb", code), target)
        (work / "otter_out" / student).mkdir(parents=True)

    def otter_run(student: str) -> None:
        target = course / "submitted" / student / name / f"{name}.ipynb"
        run(sys.executable, script, "otter", str(zip_file), str(target), str(work / "otter_out" / student), cwd=work)

    def ours_run() -> None:
        run(sys.executable, "-m", "autograder.cli", "import-otter", str(HERE / f"{name}.ipynb"), cwd=course)
        run(sys.executable, "-m", "autograder.cli", "grade", name, cwd=course)

    # Each `otter run` spends most of its time starting Python, otter and a kernel: side by side.
    with ThreadPoolExecutor(max_workers=len(answers) + 1) as pool:
        for done in [pool.submit(otter_run, student) for student in answers] + [pool.submit(ours_run)]:
            done.result()
    otter_scores, otter_gradescope = {}, {}
    for student in answers:
        out = work / "otter_out" / student
        tests = json.loads((out / "results.json").read_text())["tests"]
        otter_scores[student] = {t["name"]: t["score"] for t in tests if "score" in t}
        otter_gradescope[student] = json.loads((out / "gradescope.json").read_text())
    assert (course / "checks" / name / "__init__.py").is_file()
    ours: dict[str, dict[str, float]] = {}
    with open(course / "grades" / name / "grades.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            ours.setdefault(row["student_id"], {})[row["exercise"]] = float(row["score"])
    ours_gradescope = json.loads(run(sys.executable, script, "ours", name, str(course / "grades" / name), cwd=course).stdout)
    return Graded(otter_scores, ours, otter_gradescope, ours_gradescope, work)


def same_gradescope_shape(otter: dict, ours: dict) -> None:
    """The same tests in the same order, with the same scores, max scores, visibility and status
    (present on both or on neither), and the same total. The outputs differ in wording: otter's
    come from its test runner in the student's process, ours are the checks' sentences from the
    sandbox. otter leaves ``stdout_visibility`` out unless ``show_stdout``; we write "hidden"."""
    assert [t["name"] for t in ours["tests"]] == [t["name"] for t in otter["tests"]]
    for mine, theirs in zip(ours["tests"], otter["tests"]):
        for key in ("score", "max_score", "visibility", "status"):
            assert mine.get(key) == theirs.get(key), (mine["name"], key, mine.get(key), theirs.get(key))
    assert ours["score"] == otter.get("score", sum(t.get("score", 0) for t in otter["tests"]))
    assert ours["stdout_visibility"] == otter.get("stdout_visibility", "hidden")
