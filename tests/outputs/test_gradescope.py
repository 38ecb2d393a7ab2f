"""The Gradescope zip and its results.json, validated against Gradescope's documented format."""
import argparse
import json
import os
import stat
import subprocess
import sys
import textwrap
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from autograder.assignment import Assignment, Exercise, load_assignment
from autograder.course import Course
from autograder.gradescope import archive
from autograder.gradescope.results import results_json
from autograder.otter.gradescope import GradescopeSettings
from autograder.results import ExerciseGrade, PublicCheck, SubmissionGrade
from autograder.samples import build_class

from outputs_fixtures import UNSAFE

REPO = Path(__file__).resolve().parents[2]

# https://gradescope-autograders.readthedocs.io/en/latest/specs/ : results.json
TOP_KEYS = {"score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
            "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
TEST_KEYS = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format", "tags",
             "visibility", "extra_data"}
VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}


def validate(result: dict) -> None:
    assert isinstance(result, dict) and set(result) <= TOP_KEYS, set(result) - TOP_KEYS
    assert "score" in result or all("score" in t for t in result.get("tests", []))
    if "score" in result:
        assert isinstance(result["score"], (int, float))
    for key in ("output", "execution_time"):
        assert key not in result or isinstance(result[key], (str, int, float))
    for key in ("visibility", "stdout_visibility"):
        assert key not in result or result[key] in VISIBILITY
    assert isinstance(result.get("tests", []), list)
    for test in result.get("tests", []):
        assert set(test) <= TEST_KEYS, set(test) - TEST_KEYS
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        # A test's score is optional when the top level has one (otter's "Public Tests" has none).
        assert all(isinstance(test[key], (int, float)) for key in ("score", "max_score") if key in test)
        assert "score" in test or "score" in result
        assert test.get("visibility", "visible") in VISIBILITY
        assert test.get("status", "passed") in {"passed", "failed"}
    json.dumps(result)


def test_one_test_per_exercise_with_the_feedback_sentences(assignment, records):
    bob = next(r for r in records if r.student_id == "bob")
    result = results_json([bob], assignment)
    validate(result)
    assert result["score"] == 1.0 and result["stdout_visibility"] == "hidden"
    a, b = result["tests"]
    assert (a["name"], a["score"], a["max_score"], a["status"]) == ("a: Dropout mask", 1.0, 2.0, "failed")
    assert a["output"] == bob.exercises[0].feedback[0]
    assert b["output"] == bob.exercises[1].feedback[0].replace("`", "") and b["visibility"] == "visible"  # no markup shown
    zoe = results_json([next(r for r in records if r.student_id == "zoe")], assignment)
    assert [t["output"] for t in zoe["tests"]] == ["All checks passed."] * 2 and zoe["score"] == 4.0
    carol = results_json([next(r for r in records if r.student_id == "carol")], assignment)
    validate(carol)
    assert "notebook is not valid JSON" in carol["output"]
    # What the student printed is theirs to see in the feedback file, not Gradescope's test output.
    eve = results_json([next(r for r in records if r.student_id == "eve")], assignment)
    assert all("<script>" not in t["output"] for t in eve["tests"])


OTTER = Assignment(
    name="squares",
    exercises=(Exercise("q1", "q1", ("square",), "question q1", 3, "cases"), Exercise("q2", "q2", (), "question q2", 2, "all_or_nothing")),
    gradescope=GradescopeSettings(),
)
HIDDEN_SENTENCE = "q1: square must work on floats (see question q1)."
PARTLY = SubmissionGrade("ann", "squares", "d", "squares.ipynb", None, None, (
    ExerciseGrade("q1", 2, 3, "graded", (HIDDEN_SENTENCE,), "", (PublicCheck("q1: public test 1 passes (see question q1).", True),)),
    ExerciseGrade("q2", 0, 2, "graded", ("q2: public test 1 passes (see question q2).",), "", (PublicCheck("q2: public test 1 passes (see question q2).", False),)),
))


def _otter(settings: GradescopeSettings, record: SubmissionGrade = PARTLY) -> dict:
    result = results_json([record], replace(OTTER, gradescope=settings))
    validate(result)
    return result


def test_an_otter_assignment_gets_otters_entries_and_visibility():
    result = _otter(GradescopeSettings())
    public, q1, q2 = result["tests"]
    assert (public["name"], public["visibility"], public["status"]) == ("Public Tests", "visible", "failed")
    assert public["output"] == "q1 results: All test cases passed!\n\nq2 results:\n    q2: public test 1 passes (see question q2)."
    assert HIDDEN_SENTENCE not in public["output"], "a hidden case's sentence stays out of the visible entry"
    assert [(t["name"], t["score"], t["max_score"], t["visibility"]) for t in (q1, q2)] == [("q1", 2.0, 3.0, "hidden"), ("q2", 0.0, 2.0, "hidden")]
    assert "status" not in q1 and HIDDEN_SENTENCE in q1["output"]
    assert result["score"] == 2.0 and result["stdout_visibility"] == "hidden"


def test_show_hidden_publishes_the_questions_and_drops_the_summary_only_when_told():
    forced = _otter(GradescopeSettings(show_hidden=True))
    assert [(t["name"], t["visibility"]) for t in forced["tests"]] == [("Public Tests", "visible"), ("q1", "after_published"), ("q2", "after_published")]
    plain = _otter(GradescopeSettings(show_hidden=True, force_public_test_summary=False, show_stdout=True))
    assert [t["name"] for t in plain["tests"]] == ["q1", "q2"] and plain["stdout_visibility"] == "after_published"


def test_show_all_public_shows_the_questions_only_when_no_case_is_hidden():
    assert {t["visibility"] for t in _otter(GradescopeSettings(show_all_public=True))["tests"][1:]} == {"hidden"}
    assert {t["visibility"] for t in _otter(GradescopeSettings(show_all_public=True, every_case_public=True))["tests"][1:]} == {"visible"}


def test_points_possible_and_score_threshold_set_the_total_as_otter_does():
    assert _otter(GradescopeSettings(points_possible=10))["score"] == 4.0
    assert _otter(GradescopeSettings(score_threshold=0.4))["score"] == 5.0
    assert _otter(GradescopeSettings(score_threshold=0.5, points_possible=10))["score"] == 0.0


def test_an_otter_question_whose_function_is_missing_fails_the_public_tests_with_the_reason():
    missing = ExerciseGrade("q1", 0, 3, "missing", ("`square` is not defined as a function.",), "", (PublicCheck("q1: public test 1 passes (see question q1).", False),))
    result = _otter(GradescopeSettings(), replace(PARTLY, exercises=(missing, PARTLY.exercises[1])))
    assert result["tests"][0]["status"] == "failed"
    assert result["tests"][0]["output"].startswith("q1 results:\n    `square` is not defined as a function.")


def test_hostile_text_reaches_gradescope_clean(assignment, hostile_records):
    result = results_json(hostile_records[-1:], assignment)
    validate(result)
    text = json.dumps(result, ensure_ascii=False)
    assert not UNSAFE.search(text) and "pwned" not in text and "\ufffdevil" in result["output"]
    text.encode("utf-8")


def test_no_record_still_gives_gradescope_a_valid_file():
    result = results_json([])
    validate(result)
    assert result["score"] == 0.0 and "not in your notebook" in result["output"]


def test_zip_has_setup_and_run_autograder_at_its_root(tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "load_assignment", lambda name, course: None)
    target = tmp_path / "gs.zip"
    args = argparse.Namespace(assignment="demo_assignment", course=tmp_path, output=target)
    assert archive.run(args) == 0
    with zipfile.ZipFile(target) as built:
        names = set(built.namelist())
        assert {"setup.sh", "run_autograder", "project/pyproject.toml", "project/autograder/cli.py",
                "project/autograder/gradescope/archive.py", "project/README.md"} <= names
        assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
        for name in ("setup.sh", "run_autograder"):
            assert (built.getinfo(name).external_attr >> 16) & stat.S_IXUSR
        run_script = built.read("run_autograder").decode()
        assert 'ASSIGNMENT="demo_assignment"' in run_script and "--workers 1" in run_script
        assert "pip install" in built.read("setup.sh").decode()
        built.extract("run_autograder", tmp_path / "source")
    subprocess.run(["bash", "-n", str(tmp_path / "source" / "run_autograder")], check=True)


def _gradescope_dirs(tmp_path: Path, assignment: str, notebook: Path, name: str) -> tuple[Path, Path]:
    root = tmp_path / "autograder"
    for part in ("source", "submission", "results"):
        (root / part).mkdir(parents=True)
    (root / "submission" / name).write_bytes(notebook.read_bytes())
    target = tmp_path / "gs.zip"
    archive.build_zip(Course(REPO), assignment, target)
    with zipfile.ZipFile(target) as built:
        built.extractall(root / "source", [n for n in built.namelist() if n == "run_autograder" or n.startswith("course/")])
    script = root / "source" / "run_autograder"
    script.chmod(0o755)
    return root, script


def test_run_autograder_lays_out_the_submission_and_converts(tmp_path, records):
    """run_autograder's shell steps, with the grade step faked: the real one is tested below."""
    notebook = tmp_path / "upload.ipynb"
    notebook.write_text('{"cells": []}')
    root, script = _gradescope_dirs(tmp_path, "demo_assignment", notebook, "my copy.ipynb")
    record = next(r for r in records if r.student_id == "bob")
    fake = tmp_path / "fake_grade.py"
    fake.write_text(textwrap.dedent(f"""
        import sys, pathlib
        args = sys.argv[1:]
        submitted = pathlib.Path(args[args.index("--submitted") + 1])
        out = pathlib.Path(args[args.index("--out") + 1])
        assert args[0] == "--course" and args[2:4] == ["grade", "demo_assignment"] and args[args.index("--workers") + 1] == "1", args
        found = sorted(p.relative_to(submitted).as_posix() for p in submitted.rglob("*.ipynb"))
        assert found == ["student/demo_assignment/my copy.ipynb"], found
        out.mkdir(parents=True, exist_ok=True)
        (out / "results.jsonl").write_text({record.to_json().replace('"bob"', '"student"')!r} + "\\n")
    """))
    shim = tmp_path / "python"
    shim.write_text(f'#!/bin/bash\nif [ "$1 $2" = "-m autograder.cli" ]; then shift 2; exec {sys.executable} {fake} "$@"; fi\n'
                    f'exec {sys.executable} "$@"\n')
    shim.chmod(0o755)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": str(shim), "PYTHONPATH": str(REPO)}
    done = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads((root / "results" / "results.json").read_text())
    validate(result)
    assert [t["score"] for t in result["tests"]] == [1.0, 0.0] and result["score"] == 1.0


@pytest.mark.e2e
def test_run_autograder_end_to_end(tmp_path):
    """The real thing: a correct notebook, graded in the sandbox by run_autograder, gets full marks
    on every exercise in a valid results.json."""
    name = "regularization_rnn"
    build_class(Course(REPO), load_assignment(name), tmp_path / "class", honest_only=True)
    notebook = tmp_path / "class" / "correct_0000" / name / f"{name}.ipynb"
    root, script = _gradescope_dirs(tmp_path, name, notebook, f"{name}.ipynb")
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads((root / "results" / "results.json").read_text())
    validate(result)
    exercises = load_assignment(name).exercises
    assert len(result["tests"]) == len(exercises)
    assert [t["score"] for t in result["tests"]] == [float(e.points) for e in exercises], result
    assert result["score"] == float(sum(e.points for e in exercises))
