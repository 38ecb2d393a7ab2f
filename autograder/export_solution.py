"""``autograder export-solution NAME``: write ``solutions/NAME.py`` from the source notebook.

``autograder release`` runs it too, so a released assignment never ships
with a stale solution beside it; the file is committed, and a test fails
while it differs from what the notebook exports.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from autograder.assignment import check_name
from autograder.course import Course
from autograder.errors import UserError
from autograder.solution import render
from autograder.source import read_source


def export(course: Course, name: str) -> Path:
    """Write the solution the notebook holds (only when it changed); return its path."""
    check_name(name)
    text = render(read_source(course.source_notebook(name), name))
    path = course.solution_module(name)
    if not path.is_file() or path.read_text() != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return path


class StaleSolution(UserError):
    """The exported solution is not what the source notebook gives now."""


def require_current(course: Course, name: str) -> None:
    """Refuse to grade or prove with a solution the source notebook no longer gives, or with a
    source notebook that cannot be read. Where the source is not there (a Gradescope image, a Dask
    worker), the exported solution is all there is, and it is used."""
    source, path = course.source_notebook(name), course.solution_module(name)
    if not source.exists():
        return
    text = render(read_source(source, name))
    if not path.is_file() or path.read_text() != text:
        raise StaleSolution(f"{path} is not what {source} gives now (the notebook changed since it was exported): "
                            f"run `autograder export-solution {name}`.")


def run(args: argparse.Namespace) -> int:
    path = export(Course.find(args.course), args.assignment)
    print(f"Reference solution of '{args.assignment}': {path}")
    return 0
