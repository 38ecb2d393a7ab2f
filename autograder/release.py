"""``autograder release NAME``: the student version of an assignment, made by nbgrader.

First the reference solution is exported from the source notebook
(``solutions/NAME.py``), which also proves the notebook follows the course's
conventions. Then nbgrader's ``generate_assignment`` reads the source folder's ``NAME/``
and writes the release folder's ``NAME/`` with each solution region replaced by
``# YOUR CODE HERE`` / ``raise NotImplementedError()`` (the ``def`` lines and
docstrings outside it stay), outputs cleared, and test cells locked and
checksummed (it also records the assignment in ``gradebook.db``).  Afterwards the released notebooks are
normalised (outputs, execution counts and nbgrader's volatile notebook
metadata removed, written with a fixed layout) so that releasing the same
source twice gives the same bytes and the committed release can be compared
with a fresh one.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from autograder.assignment import check_name
from autograder.course import Course
from autograder.errors import UserError
from autograder.export_solution import export


def _env() -> dict[str, str]:
    """The current environment with this interpreter's bin folder first, where nbgrader and alembic live."""
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([bin_dir, env.get("PATH", "")]) if env.get("PATH") else bin_dir
    return env


def _check_source(course: Course, name: str) -> Path:
    """The source notebook of ``name``; raises UserError (and writes nothing) when there is none."""
    if not course.is_nbgrader_course:
        raise UserError(f"No nbgrader course at {course.root}: expected nbgrader_config.py there.")
    check_name(name)
    notebook = course.source_notebook(name)
    if not notebook.is_file():
        raise UserError(
            f"No assignment '{name}' in {course.root}: expected {notebook.relative_to(course.root)}."
        )
    return notebook


def normalise(path: Path) -> None:
    """Rewrite a released notebook deterministically: no outputs, no counts, no volatile metadata."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        for volatile in ("execution", "collapsed", "scrolled", "ExecuteTime"):
            cell.metadata.pop(volatile, None)
    nb.metadata.pop("widgets", None)
    path.write_text(nbformat.writes(nb) + "\n")


def release_assignment(course: Course, name: str) -> Path:
    """Export the solution, then run ``nbgrader generate_assignment NAME --force`` in the course root; return the release folder."""
    _check_source(course, name)
    export(course, name)
    nbgrader = shutil.which("nbgrader", path=_env()["PATH"])
    if nbgrader is None:
        raise UserError("nbgrader is not installed in this environment: run `make install` first.")
    completed = subprocess.run(
        [nbgrader, "generate_assignment", name, "--force", "--log-level=WARN"],
        cwd=course.root,
        env=_env(),
        capture_output=True,
        text=True,
    )
    released = course.released_notebook(name)
    if completed.returncode != 0 or not released.is_file():
        sys.stderr.write(completed.stdout + completed.stderr)
        raise UserError(
            f"nbgrader generate_assignment failed for '{name}' (exit {completed.returncode}); its log is above."
        )
    for notebook in sorted(released.parent.glob("*.ipynb")):
        normalise(notebook)
    return released.parent


def run(args) -> int:
    course = Course.find(args.course)
    name = args.assignment
    folder = release_assignment(course, name)
    notebook = folder / f"{name}.ipynb"
    try:
        shown = notebook.relative_to(Path.cwd())
    except ValueError:
        shown = notebook
    print(f"Student version of '{name}': {shown}")
    return 0
