"""``autograder gradescope ASSIGNMENT``: a Gradescope autograder zip that grades like we do.

The zip holds this project's source, the part of the course that grades the assignment
(``nbgrader_config.py``, its checks, exported solution and released notebook), ``setup.sh``
(installs the project with its reference backend into a virtual environment) and
``run_autograder`` (lays the one uploaded notebook out as nbgrader's submitted folder, runs
``autograder grade`` on it with the same sandbox and checks, then converts results.jsonl to
Gradescope's ``results/results.json``, :mod:`autograder.gradescope.results`). Both scripts
live beside this module in ``scripts/``.

Paths come from the environment so a test can run ``run_autograder`` against a temporary
directory laid out like Gradescope's: ``AUTOGRADER_ROOT`` (default /autograder),
``AUTOGRADER_PYTHON`` (default the venv setup.sh made). ``AUTOGRADER_UNCONFINED=1`` passes
``--allow-unconfined`` for a Gradescope image where namespaces are not available (the
container is then the only boundary).
"""
from __future__ import annotations

import argparse
import zipfile
from pathlib import Path

from autograder.assignment import load_assignment
from autograder.course import Course

PROJECT = Path(__file__).resolve().parents[2]
SCRIPTS = Path(__file__).resolve().parent / "scripts"
SOURCE_PARTS = ("autograder",)
SKIP = {"__pycache__", ".pytest_cache", ".mypy_cache"}


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


def _course_files(course: Course, assignment: str) -> list[tuple[Path, str]]:
    files = [(course.root / "nbgrader_config.py", "course/nbgrader_config.py")] if course.is_nbgrader_course else []
    for path in sorted(course.checks_dir(assignment).rglob("*")):
        if path.is_file() and not SKIP.intersection(path.parts) and path.suffix != ".pyc":
            files.append((path, f"course/{path.relative_to(course.root).as_posix()}"))
    for path in (course.solution_module(assignment), course.released_notebook(assignment)):
        if path.is_file():
            files.append((path, f"course/{path.relative_to(course.root).as_posix()}"))
    return files


def build_zip(course: Course, assignment: str, target: Path) -> Path:
    """setup.sh and run_autograder at the zip's root (where Gradescope looks), the project under
    project/, the course's part under course/."""
    target.parent.mkdir(parents=True, exist_ok=True)
    run_autograder = (SCRIPTS / "run_autograder.sh").read_text().replace("@ASSIGNMENT@", assignment)
    with zipfile.ZipFile(target, "w") as archive:
        _add(archive, "setup.sh", (SCRIPTS / "setup.sh").read_text(), executable=True)
        _add(archive, "run_autograder", run_autograder, executable=True)
        if not (PROJECT / "README.md").is_file():  # pyproject names a readme; the build needs one
            _add(archive, "project/README.md", "Autograder for nbgrader deep-learning courses.\n")
        for path, name in _project_files() + _course_files(course, assignment):
            _add(archive, name, path.read_bytes(), executable=path.suffix == ".sh")
    return target


def run(args: argparse.Namespace) -> int:
    """``autograder gradescope ASSIGNMENT [--output ZIP]``."""
    course = Course.find(args.course)
    load_assignment(args.assignment, course)  # an unknown name is a one-sentence error, before anything is written
    target = Path(args.output) if args.output else course.root / f"gradescope_{args.assignment}.zip"
    build_zip(course, args.assignment, target)
    print(f"Gradescope autograder: {target} (upload it as the assignment's autograder; Ubuntu base image).")
    return 0
