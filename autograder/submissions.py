"""Finding and reading submitted notebooks, and mapping their cells to exercises.

Reading is plain JSON, not nbformat validation: a damaged notebook must still
yield whatever code it holds, and a class of a thousand must read fast.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from autograder.assignment import Assignment
from autograder.course import CourseError

SOLUTION, TEST, CODE = "solution", "test", "code"
_MAGIC = re.compile(r"^(\s*)[%!].*$", re.MULTILINE)


@dataclass(frozen=True)
class Cell:
    index: int
    source: str
    role: str
    exercise: str | None


@dataclass(frozen=True)
class Submission:
    student_id: str
    notebook: Path | None
    digest: str
    cells: tuple[Cell, ...] = ()
    problem: str | None = None
    note: str | None = None

    def cells_for(self, assignment: Assignment, exercise: str) -> list[tuple[int, str]]:
        """The code a student's notebook runs up to and including the exercise's
        solution cell, visible test cells left out (all code cells if the
        exercise's cell cannot be found)."""
        own = [c.index for c in self.cells if c.role == SOLUTION and c.exercise == exercise]
        last = own[-1] if own else max((c.index for c in self.cells), default=-1)
        return [(c.index, c.source) for c in self.cells if c.role != TEST and c.index <= last]


def student_folders(submitted: Path) -> list[Path]:
    if not submitted.is_dir():
        raise CourseError(f"No submitted folder at {submitted}: expected <student>/<assignment>/<assignment>.ipynb inside it.")
    return sorted(p for p in submitted.iterdir() if p.is_dir() and not p.name.startswith("."))


def strip_magics(source: str) -> str:
    """IPython magics and shell escapes are not Python; grading ignores them."""
    if source.lstrip().startswith("%%"):
        return ""
    return _MAGIC.sub(lambda m: f"{m.group(1)}pass", source)


def locate_notebook(folder: Path, assignment: str) -> tuple[Path | None, str | None]:
    """The notebook to grade and a note when it is not the expected name."""
    expected = folder / assignment / f"{assignment}.ipynb"
    if expected.is_file():
        return expected, None
    where = folder / assignment
    candidates = sorted(p for p in where.glob("*.ipynb") if p.is_file()) if where.is_dir() else []
    if len(candidates) == 1:
        return candidates[0], f"{assignment}.ipynb was not found, so the renamed copy {candidates[0].name} was graded."
    return None, None


def read_submission(folder: Path, assignment: Assignment, released_tests: frozenset[str], checks_digest: str) -> Submission:
    student = folder.name
    notebook, note = locate_notebook(folder, assignment.name)
    if notebook is None:
        where = folder / assignment.name
        several = where.is_dir() and len(list(where.glob("*.ipynb"))) > 1
        problem = (
            f"No {assignment.name}.ipynb was submitted, and several other notebooks were, so none could be chosen."
            if several
            else f"No {assignment.name}.ipynb was submitted."
        )
        return Submission(student, None, _digest(b"", checks_digest), problem=problem)
    raw = notebook.read_bytes()
    digest = _digest(raw, checks_digest)
    if not raw.strip():
        return Submission(student, notebook, digest, problem="The notebook file is empty.", note=note)
    try:
        content = json.loads(raw)
        cells = _code_cells(content, assignment, released_tests)
    except (ValueError, RecursionError):
        return Submission(student, notebook, digest, problem="The notebook is not valid JSON (truncated or damaged), so it could not be read.", note=note)
    except (TypeError, KeyError, AttributeError):
        return Submission(student, notebook, digest, problem="The file is JSON but not a Jupyter notebook.", note=note)
    if not cells:
        return Submission(student, notebook, digest, problem="The notebook has no code cells.", note=note)
    return Submission(student, notebook, digest, tuple(cells), note=note)


def _digest(raw: bytes, checks_digest: str) -> str:
    return hashlib.sha256(raw + checks_digest.encode()).hexdigest()[:32]


def _code_cells(content: dict, assignment: Assignment, released_tests: frozenset[str]) -> list[Cell]:
    owners = {f: e.name for e in assignment.exercises for f in e.functions}
    ids = {e.solution_cell: (SOLUTION, e.name) for e in assignment.exercises}
    ids |= {e.test_cell: (TEST, e.name) for e in assignment.exercises}
    defines = re.compile(r"^def\s+(" + "|".join(map(re.escape, owners)) + r")\s*\(", re.MULTILINE)
    cells: list[Cell] = []
    for cell in content["cells"]:
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        nbgrader = (cell.get("metadata") or {}).get("nbgrader") or {}
        role, exercise = ids.get(nbgrader.get("grade_id"), (CODE, None))
        if role == CODE:
            if nbgrader.get("grade") and not nbgrader.get("solution"):
                role = TEST
            elif source.strip() in released_tests:
                role = TEST
            elif match := defines.search(source):
                role, exercise = SOLUTION, owners[match.group(1)]
        cells.append(Cell(len(cells), strip_magics(source), role, exercise))
    return cells


def released_test_sources(released_notebook: Path) -> frozenset[str]:
    """Visible test cells of the released notebook, recognised by their text
    when an editor stripped a student's cell metadata."""
    if not released_notebook.is_file():
        return frozenset()
    sources = set()
    for cell in json.loads(released_notebook.read_text())["cells"]:
        nbgrader = (cell.get("metadata") or {}).get("nbgrader") or {}
        if cell.get("cell_type") == "code" and nbgrader.get("grade") and not nbgrader.get("solution"):
            source = cell["source"]
            sources.add(("".join(source) if isinstance(source, list) else source).strip())
    return frozenset(sources)
