"""``autograder gradescope ASSIGNMENT``: a Gradescope autograder zip that grades like we do.

The zip holds this project's source, ``setup.sh`` (installs it with its
reference backend into a virtual environment) and ``run_autograder`` (lays the
one uploaded notebook out as nbgrader's submitted folder, runs ``autograder
grade`` on it with the same sandbox and checks, then converts results.jsonl to
Gradescope's ``results/results.json``). Gradescope's documented format: a
top-level ``score``, ``tests`` with ``name, score, max_score, output,
visibility`` each. For our own assignments, one visible test per exercise;
for an assignment imported from otter, the tests otter-grader itself would
write (a "Public Tests" summary, one test per question, visibility by the
master's ``generate:`` settings). Every output is the sentences a student
sees in their feedback, never check details (a hidden case's inputs or
expected outputs); the grader's own log (stdout) is hidden from students
unless an otter master's ``show_stdout`` says otherwise.

Paths come from the environment so a test can run ``run_autograder`` against a
temporary directory laid out like Gradescope's: ``AUTOGRADER_ROOT`` (default
/autograder), ``AUTOGRADER_PYTHON`` (default the venv setup.sh made).
``AUTOGRADER_UNCONFINED=1`` passes ``--allow-unconfined`` for a Gradescope
image where namespaces are not available (the container is then the only
boundary).
"""
from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path
from typing import Iterable

from autograder.assignment import Assignment, GradescopeSettings, load_assignment
from autograder.course import Course
from autograder.outputs.common import describe_assignment, exercise_grades, status_text
from autograder.results import ExerciseGrade, ResultStore, SubmissionGrade
from autograder.text import clean_text

PROJECT = Path(__file__).resolve().parent.parent
SOURCE_PARTS = ("autograder", "solutions")
SKIP = {"__pycache__", ".pytest_cache", ".mypy_cache"}
OUTPUT_LIMIT = 8000
FAILED_OUTPUT = (
    "The autograder could not grade this submission (an error in the grading setup, not in your notebook). "
    "Your instructor can see the log and will regrade it."
)

SETUP_SH = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, in /autograder/source, when the image is built.
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive
PY=""
for candidate in python3.13 python3.12 python3.11; do
  if command -v "$candidate" >/dev/null; then PY="$candidate"; break; fi
done
if [ -z "$PY" ]; then
  apt-get update -q
  apt-get install -y -q python3.11 python3.11-venv || { apt-get install -y -q software-properties-common &&
    add-apt-repository -y ppa:deadsnakes/ppa && apt-get update -q && apt-get install -y -q python3.11 python3.11-venv; }
  PY=python3.11
fi
apt-get install -y -q "${PY}-venv" 2>/dev/null || true
"$PY" -m venv /autograder/venv
/autograder/venv/bin/python -m pip install -q --upgrade pip
# The project with its CPU reference backend (numpy, keras, tensorflow-cpu, nbgrader, ...).
/autograder/venv/bin/python -m pip install -q "./project[cpu]"
"""

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Gradescope runs this once per submission: the upload is in $ROOT/submission,
# the scores go to $ROOT/results/results.json.
set -uo pipefail
ASSIGNMENT="@ASSIGNMENT@"
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}"
STUDENT="${AUTOGRADER_STUDENT:-student}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
SUBMITTED="$WORK/submitted"
OUT="$WORK/out"
mkdir -p "$SUBMITTED/$STUDENT/$ASSIGNMENT" "$OUT" "$ROOT/results"

# The uploaded notebooks (a zip upload may nest them a level or two down);
# the grader picks $ASSIGNMENT.ipynb, or a single renamed copy, and says so.
while IFS= read -r -d '' notebook; do
  target="$SUBMITTED/$STUDENT/$ASSIGNMENT/$(basename "$notebook")"
  [ -e "$target" ] || cp "$notebook" "$target"
done < <(find "$ROOT/submission" -maxdepth 3 -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' -type f -print0 | sort -z)

EXTRA=()
if [ "${AUTOGRADER_UNCONFINED:-0}" = "1" ]; then EXTRA+=(--allow-unconfined); fi
"$PYTHON" -m autograder.cli grade "$ASSIGNMENT" --submitted "$SUBMITTED" --out "$OUT" --workers 1 "${EXTRA[@]}"
echo "autograder grade exited with $?"
"$PYTHON" -m autograder.gradescope "$OUT" "$ROOT/results/results.json"
"""


def _exercise_output(status: str, feedback: tuple[str, ...], score: int, max_score: int) -> str:
    lines = list(feedback)  # the sentences already say why (a timeout, a missing function, ...)
    if not lines and status != "graded":
        lines = [f"Status: {status_text(status)}."]
    elif not lines and score >= max_score:
        lines = ["All checks passed."]
    return clean_text("\n".join(lines))[:OUTPUT_LIMIT]


def _our_tests(assignment: Assignment, grades: list[ExerciseGrade]) -> list[dict]:
    """Our own assignments: one visible test per exercise, with a status; our sentences name
    properties and lectures, never hidden values, and are meant to be read at once."""
    titles = {x.name: x.title for x in assignment.exercises}
    tests = []
    for grade in grades:
        title = titles.get(grade.exercise, grade.exercise)
        tests.append(
            {
                "name": title if title == grade.exercise else f"{grade.exercise}: {title}",
                "score": float(grade.score),
                "max_score": float(grade.max_score),
                "status": "passed" if grade.score >= grade.max_score else "failed",
                "output": _exercise_output(grade.status, grade.feedback, grade.score, grade.max_score),
                "visibility": "visible",
            }
        )
    return tests


def passed_all_public(record: SubmissionGrade, grades: list[ExerciseGrade]) -> bool:
    """Every exercise was graded and every public check passed (otter's ``passed_all_public``;
    an exercise whose checks could not run counts as failing its public cases)."""
    return record.problem is None and all(g.status == "graded" and all(p.passed for p in g.public_checks) for g in grades)


def public_summary(grades: list[ExerciseGrade]) -> str:
    """The "Public Tests" output: per question, otter's "All test cases passed!" or the sentences of
    its failed public checks (or why its checks could not run). Nothing from a hidden check."""
    parts = []
    for grade in grades:
        if grade.status != "graded":
            lines = list(grade.feedback)  # the reason alone: a missing function, a timeout, ...
        else:
            lines = [p.says for p in grade.public_checks if not p.passed]
        parts.append(f"{grade.exercise} results:" + "".join(f"\n    {line}" for line in lines) if lines else f"{grade.exercise} results: All test cases passed!")
    return clean_text("\n\n".join(parts))[:OUTPUT_LIMIT]


def _otter_tests(settings: GradescopeSettings, record: SubmissionGrade, grades: list[ExerciseGrade]) -> list[dict]:
    """An imported otter assignment: the entries otter's ``GradingResults.to_gradescope_dict`` writes.

    A visible "Public Tests" entry with a status, unless ``show_hidden`` is on without
    ``force_public_test_summary``; then one entry per question named by the question, its score and
    max score rounded as otter rounds them, no status (Gradescope derives it from the score), hidden
    until published (``show_hidden``) or for good, and visible only under ``show_all_public`` when no
    case is hidden. The outputs are ours: sentences, never a hidden case's inputs or outputs.
    """
    tests = []
    if not settings.show_hidden or settings.force_public_test_summary:
        status = "passed" if passed_all_public(record, grades) else "failed"
        tests.append({"name": "Public Tests", "visibility": "visible", "output": public_summary(grades), "status": status})
    visibility = "after_published" if settings.show_hidden else "hidden"
    if settings.show_all_public and settings.every_case_public:
        visibility = "visible"
    for grade in grades:
        tests.append(
            {
                "name": grade.exercise,
                "score": round(float(grade.score), 5),
                "max_score": round(float(grade.max_score), 5),
                "visibility": visibility,
                "output": _exercise_output(grade.status, grade.feedback, grade.score, grade.max_score),
            }
        )
    return tests


def otter_total(settings: GradescopeSettings, total: float, possible: float) -> float:
    """The submission's score as otter sets it: the points, rescaled to ``points_possible``, or all or
    nothing by ``score_threshold`` (a fraction of the points)."""
    score = total
    if settings.points_possible is not None:
        score = total / possible * settings.points_possible if possible else 0.0
    if settings.score_threshold is not None:
        ratio = total / possible if possible else 0.0
        score = (settings.points_possible or possible) if ratio >= settings.score_threshold else 0.0
    return float(score)


def results_json(records: Iterable[SubmissionGrade], assignment: Assignment | None = None) -> dict:
    """Gradescope's results.json for one graded submission.

    No record (the grade step failed) gives score 0 with a message that says it
    is not the student's fault; the run's log stays hidden from students unless an
    otter assignment's ``show_stdout`` shows it once published. The top-level score is
    always written: where otter leaves it out, Gradescope would sum the tests, which is the
    same number, and a "Public Tests" entry has no score of its own.
    """
    records = list(records)
    if len(records) > 1:
        raise ValueError(f"Gradescope grades one submission at a time, got {len(records)} records.")
    if not records:
        return {"score": 0.0, "output": FAILED_OUTPUT, "tests": [], "stdout_visibility": "hidden"}
    record = records[0]
    assignment = assignment or describe_assignment(record.assignment, records)
    grades = exercise_grades(assignment, record)
    settings = assignment.gradescope
    total = float(sum(g.score for g in grades))
    if settings is None:
        result = {"score": total, "tests": _our_tests(assignment, grades), "stdout_visibility": "hidden"}
    else:
        result = {
            "score": otter_total(settings, total, float(sum(g.max_score for g in grades))),
            "tests": _otter_tests(settings, record, grades),
            "stdout_visibility": "after_published" if settings.show_stdout else "hidden",
        }
    output = clean_text("\n".join(x for x in (record.problem and f"Your submission could not be graded normally: {record.problem}", record.note) if x))
    if output:
        result["output"] = output
    return result


def convert(out_dir: Path, results_path: Path) -> dict:
    """results.jsonl in out_dir -> Gradescope's results.json; always writes a valid file."""
    try:
        records = list(ResultStore(out_dir).load().values())
        result = results_json(records)
    except Exception as error:  # a broken converter must still leave Gradescope a results.json
        print(f"autograder: could not convert results: {type(error).__name__}: {error}", file=sys.stderr)
        result = results_json([])
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps(result, indent=2) + "\n")
    return result


def _project_files() -> list[tuple[Path, str]]:
    files = []
    for name in ("pyproject.toml", "README.md"):
        if (PROJECT / name).is_file():
            files.append((PROJECT / name, f"project/{name}"))
    for part in SOURCE_PARTS:
        for path in sorted((PROJECT / part).rglob("*")):
            relative = path.relative_to(PROJECT)
            if path.is_file() and not SKIP.intersection(relative.parts) and path.suffix not in {".pyc", ".tmp"}:
                files.append((path, f"project/{relative.as_posix()}"))
    return files


def _add(archive: zipfile.ZipFile, name: str, data: str | bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (0o100755 if executable else 0o100644) << 16
    archive.writestr(info, data)


def build_zip(assignment: str, target: Path) -> Path:
    """setup.sh and run_autograder at the zip's root (where Gradescope looks), the project under project/."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w") as archive:
        _add(archive, "setup.sh", SETUP_SH, executable=True)
        _add(archive, "run_autograder", RUN_AUTOGRADER.replace("@ASSIGNMENT@", assignment), executable=True)
        if not (PROJECT / "README.md").is_file():  # pyproject names a readme; the build needs one
            _add(archive, "project/README.md", "Autograder for nbgrader deep-learning courses.\n")
        for path, name in _project_files():
            _add(archive, name, path.read_bytes(), executable=path.suffix == ".sh")
    return target


def run(args) -> int:
    """``autograder gradescope ASSIGNMENT [--output ZIP]``."""
    load_assignment(args.assignment)  # an unknown name is a one-sentence error, before anything is written
    target = Path(args.output) if getattr(args, "output", None) else Course.find(args.course).root / f"gradescope_{args.assignment}.zip"
    build_zip(args.assignment, target)
    print(f"Gradescope autograder: {target} (upload it as the assignment's autograder; Ubuntu base image).")
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m autograder.gradescope OUT_DIR RESULTS_JSON``: the conversion step of run_autograder."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python -m autograder.gradescope OUT_DIR RESULTS_JSON", file=sys.stderr)
        return 2
    convert(Path(argv[0]), Path(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
