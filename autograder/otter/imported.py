"""What ``import-otter`` wrote, recorded so that ``import-otter --force`` replaces that and nothing else.

An import records every file it wrote with its SHA-256 in the checks package
(:data:`RECORD`). ``--force`` replaces an assignment only while every file of
it is one the record lists, unchanged: an assignment written by hand, or an
imported one with a file added or edited since, is left as it is, with a
sentence naming the file. Caches that tools leave (``__pycache__``,
Jupyter's checkpoints) are not anyone's work and go with it.
"""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from autograder.course import Course
from autograder.errors import UserError

RECORD = "otter_import.json"
CACHES = {"__pycache__", ".ipynb_checkpoints"}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _shown(course: Course, path: Path) -> str:
    return path.relative_to(course.root).as_posix() if path.is_relative_to(course.root) else str(path)


def _folders(course: Course, name: str) -> tuple[Path, Path]:
    return course.source_notebook(name).parent, course.checks_dir(name)


def _files(course: Course, name: str) -> list[Path]:
    """Everything but folders and caches in the assignment ``name``'s source folder and checks
    package, and its solution: links and other odd entries included, so that none goes unseen."""
    found = [
        path
        for folder in _folders(course, name) if folder.is_dir()
        for path in sorted(folder.rglob("*"))
        if (path.is_symlink() or not path.is_dir()) and not CACHES.intersection(path.relative_to(folder).parts)
    ]
    solution = course.solution_module(name)
    return found + ([solution] if solution.exists() or solution.is_symlink() else [])


def remove_earlier_import(course: Course, name: str) -> None:
    """Remove the assignment ``name`` if an earlier import made all of it, else a UserError saying
    what keeps it; nothing to do when there is no such assignment."""
    present = _files(course, name)
    if not present and not any(folder.exists() for folder in _folders(course, name)):
        return
    record = course.checks_dir(name) / RECORD
    try:
        written: dict[str, str] = json.loads(record.read_text())["files"]
    except (OSError, ValueError, KeyError, TypeError):
        raise UserError(
            f"'{name}' was not made by `autograder import-otter` (no {_shown(course, record)}), so --force leaves it: "
            "remove it by hand or import under another --name."
        ) from None
    for path in present:
        if path != record and (path.is_symlink() or not path.is_file() or written.get(_shown(course, path)) != _sha256(path)):
            raise UserError(
                f"{_shown(course, path)} was added or edited since `autograder import-otter` made '{name}', so --force "
                "leaves it as it is: move that work into the master, or remove the file, and import again."
            )
    for path in present:
        path.unlink()
    for folder in _folders(course, name):
        shutil.rmtree(folder, ignore_errors=True)


def record_import(course: Course, name: str, master: Path, written: list[Path]) -> Path:
    """Record the files an import of ``master`` wrote as ``name``; the record's path."""
    files = {_shown(course, path): _sha256(path) for path in written}
    record = course.checks_dir(name) / RECORD
    record.write_text(json.dumps({"master": str(master), "files": files}, indent=1, sort_keys=True) + "\n")
    return record
