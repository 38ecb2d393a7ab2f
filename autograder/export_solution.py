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


def run(args: argparse.Namespace) -> int:
    path = export(Course.find(args.course), args.assignment)
    print(f"Reference solution of '{args.assignment}': {path}")
    return 0
