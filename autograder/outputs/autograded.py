"""The autograded notebooks nbgrader's formgrader opens for manual grading.

formgrader shows a submission only when
``autograded/<student>/<assignment>/<assignment>.ipynb`` exists, and draws a
score box and a comment box on each cell whose nbgrader markup names a grade or
solution cell of the gradebook. ``nbgrader autograde`` makes that file by
running the student's notebook again; here it is made from what was graded,
without running anything:

1. the submitted notebook's cells: their type and text, and the grade id of
   their nbgrader markup; the student's saved outputs, metadata and ids are
   not kept (nbgrader clears outputs too: they are not what ran). A submission
   that could not be graded shows the released notebook under a note saying why.
   Markdown the student wrote goes through nbconvert's SanitizeHTML: formgrader
   renders markdown as HTML in the grader's logged-in browser, where a
   student's ``<script>`` would run with the grader's rights. Text the
   instructor wrote (a cell of the released notebook, unchanged) is left alone;
2. each grade id the gradebook knows is claimed by the last cell that carries
   it (nbgrader's DeduplicateIds); a claimed cell gets the gradebook's markup
   (grade, solution, locked, points, checksum), and a test cell the gradebook's
   text (hidden tests included, as in nbgrader's autograded notebook), as
   nbgrader's OverwriteCells restores a locked cell. Every other cell
   keeps the student's text, which is the code the grader ran (nbgrader would
   put back a locked cell the student edited, but it also ran that one);
3. a test cell the student deleted is put back after its exercise's solution
   cell, as nbgrader's ``OverwriteCells.missing_cell_transform`` writes it;
4. the notebook's kernelspec is the gradebook's (nbgrader's OverwriteKernelspec);
5. each test cell's output is the grader's verdict on that exercise: score,
   status, the sentences a student reads for each lost point, and what the
   exercise's cells printed. Never check details: they may name hidden inputs.

A grader's manual scores and comments live in the gradebook, never in this
file, so rewriting it loses nothing. It is still rewritten only when its
record, the gradebook's notebook or this format changed: the key of what it
was made from is kept in its metadata. The student's folder here is the
student's id, which is also their id in the gradebook, so formgrader finds it.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from functools import cache, cached_property
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from autograder.assignment import Assignment
from autograder.course import Course, CourseError
from autograder.files import write_atomically
from autograder.outputs.common import exercise_grades, plain_sentence, sorted_records, status_text
from autograder.outputs.feedback import PRINTED_LIMIT
from autograder.results import ExerciseGrade, SubmissionGrade, points_text
from autograder.layouts import Entry, fetch, find_entries
from autograder.text import clean_text, student_id_for, without_surrogates

if TYPE_CHECKING:
    from nbconvert.preprocessors.sanitize import SanitizeHTML

AUTOGRADED = "autograded"
"""nbgrader's default ``CourseDirectory.autograded_directory``, and this course's."""
FORMAT = 2
"""Changes whenever the same record would be written differently, so every notebook is rewritten once."""
KEY_LIMIT = 64 << 20
"""An existing notebook larger than this is not read for its key; it is simply written again."""
SHOWN_FAILURES = 5
PUT_BACK = "This cell (id:{cell_id}) was missing from the submission. The autograder put it back.\n\n"
"""nbgrader's notice on a cell it puts back (``OverwriteCells.missing_cell_notification``), naming who did."""


@dataclass(frozen=True)
class SourceCell:
    """A cell of the assignment's notebook as ``generate_assignment`` saved it in the
    gradebook; its fields are the ones nbgrader's ``missing_cell_transform`` reads."""

    name: str
    cell_type: str
    locked: bool
    checksum: str | None
    source: str


@dataclass(frozen=True)
class SourceNotebook:
    """What the gradebook knows of the assignment's notebook, read once for the whole class."""

    cells: dict[str, SourceCell]
    points: dict[str, float]
    """Max score of each grade and task cell."""
    solutions: frozenset[str]
    tasks: frozenset[str]
    kernelspec: dict | None
    released: bytes = b""
    """The released notebook, shown for a submission that could not be graded; empty when there is none."""
    instructor_text: frozenset[str] = frozenset()
    """The markdown and raw cells of the released notebook and the gradebook: never sanitized."""

    def markup(self, name: str) -> dict:
        """The nbgrader metadata of a cell, as ``generate_assignment`` writes it."""
        cell = self.cells[name]
        markup = {
            "grade": name in self.points and name not in self.tasks,
            "grade_id": name,
            "locked": cell.locked,
            "schema_version": 3,
            "solution": name in self.solutions,
            "task": name in self.tasks,
        }
        if cell.checksum:
            markup["checksum"] = cell.checksum
        if name in self.points:
            markup["points"] = self.points[name]
        return markup

    def is_test(self, name: str) -> bool:
        """A grade cell the student does not write in: the grader never runs it."""
        return name in self.points and name not in self.solutions and name not in self.tasks

    @cached_property
    def fingerprint(self) -> str:
        """Everything above, hashed: a change in any of it changes every student's notebook."""
        data = [[asdict(c) for c in self.cells.values()], self.points, sorted(self.solutions), sorted(self.tasks), self.kernelspec]
        digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode())
        digest.update(self.released)
        return digest.hexdigest()


def read_source(db: Path, assignment: str, released: Path | None = None) -> SourceNotebook:
    """The assignment's notebook from nbgrader's gradebook (and its released copy, if any)."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{Path(db).resolve()}") as gb:
        notebook = gb.find_notebook(assignment, assignment)
        cells = {c.name: SourceCell(c.name, c.cell_type, bool(c.locked), c.checksum, c.source or "") for c in notebook.source_cells}
        points = {c.name: float(c.max_score) for c in [*notebook.grade_cells, *notebook.task_cells]}
        solutions = frozenset(c.name for c in notebook.solution_cells)
        tasks = frozenset(c.name for c in notebook.task_cells)
        kernelspec = json.loads(notebook.kernelspec) if notebook.kernelspec else None
    raw = released.read_bytes() if released is not None and released.is_file() else b""
    try:
        texts = {c["source"] for c in _plain_cells(raw) if c["cell_type"] != "code"} if raw else set()
    except (ValueError, RecursionError):
        texts = set()
    texts |= {c.source for c in cells.values() if c.cell_type != "code"}
    return SourceNotebook(cells, points, solutions, tasks, kernelspec, raw, frozenset(texts))


def autograded_path(course: Course, student_id: str, assignment: str) -> Path:
    """Where formgrader looks for a student's notebook: the student's id is one folder name."""
    if student_id in ("", ".", "..") or student_id.startswith(".") or "/" in student_id or "\0" in student_id:
        raise ValueError("the student id cannot be a folder name, so formgrader could not open it")
    return course.root / AUTOGRADED / student_id / assignment / f"{assignment}.ipynb"


def notebook_key(assignment: Assignment, record: SubmissionGrade, source: SourceNotebook) -> str:
    """Everything an autograded notebook is made from, hashed: its record (the record's digest
    covers the notebook's bytes and the checks), the gradebook's notebook and this format."""
    grades = [asdict(g) for g in exercise_grades(assignment, record)]
    data = [FORMAT, source.fingerprint, record.digest, record.notebook, record.problem, record.note, grades]
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def written_key(path: Path) -> str | None:
    """The key kept in an existing autograded notebook; None when there is none to read."""
    try:
        if path.stat().st_size > KEY_LIMIT:
            return None
        key = json.loads(path.read_bytes())["metadata"]["autograder"]["key"]
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return key if isinstance(key, str) else None


def _text(source: object) -> str:
    text = "".join(s for s in source if isinstance(s, str)) if isinstance(source, list) else source
    return without_surrogates(text) if isinstance(text, str) else ""


def _attachments(value: object) -> dict | None:
    """A markdown cell's pasted images, kept when they have the shape nbformat gives them."""
    if isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, dict) and all(isinstance(m, str) and isinstance(d, (str, list)) for m, d in v.items())
        for k, v in value.items()
    ):
        return value
    return None


def _plain_cells(raw: bytes) -> list[dict]:
    """A notebook's cells with only their type, text, pasted images and grade id; a notebook
    that is not one gives ValueError."""
    content = json.loads(raw)
    if not isinstance(content, dict) or not isinstance(content.get("cells"), list):
        raise ValueError("not a Jupyter notebook")
    cells = []
    for cell in content["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            continue
        metadata = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        markup = metadata.get("nbgrader") if isinstance(metadata.get("nbgrader"), dict) else {}
        grade_id = markup.get("grade_id")
        plain = _cell(cell["cell_type"], _text(cell.get("source", "")))
        if cell["cell_type"] != "code" and (attachments := _attachments(cell.get("attachments"))):
            plain["attachments"] = attachments
        if isinstance(grade_id, str):
            plain["metadata"]["nbgrader"] = {"grade_id": grade_id}
        cells.append(plain)
    return cells


def _cell(cell_type: str, source: str, metadata: dict | None = None) -> dict:
    cell = {"cell_type": cell_type, "metadata": metadata or {}, "source": source}
    if cell_type == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def _grade_id(cell: dict) -> str | None:
    return (cell["metadata"].get("nbgrader") or {}).get("grade_id")


def _restore(cells: list[dict], source: SourceNotebook) -> list[dict]:
    """The gradebook's markup on the last cell claiming each known grade id, and its text on
    test cells; the markup of any other cell is dropped, so formgrader sees only real cells."""
    claimed = {_grade_id(c): i for i, c in enumerate(cells) if _grade_id(c) in source.cells}
    restored = []
    for index, cell in enumerate(cells):
        name = _grade_id(cell)
        if name is None or claimed.get(name) != index:
            restored.append({**cell, "metadata": {}})
            continue
        original = source.cells[name]
        text = original.source if source.is_test(name) else cell["source"]
        fresh = _cell(original.cell_type, text, {"nbgrader": source.markup(name)})
        if "attachments" in cell and original.cell_type != "code":
            fresh["attachments"] = cell["attachments"]
        restored.append(fresh)
    return restored


def _sanitize(cells: list[dict], source: SourceNotebook) -> list[dict]:
    """Markdown and raw cells the student wrote, with what could run in a browser escaped
    or removed by nbconvert's own sanitizer for untrusted notebooks."""
    for cell in cells:
        if cell["cell_type"] != "code" and cell["source"] not in source.instructor_text:
            cell["source"] = _sanitizer().sanitize_html_tags(cell["source"])
    return cells


@cache
def _sanitizer() -> "SanitizeHTML":
    from nbconvert.preprocessors.sanitize import SanitizeHTML

    return SanitizeHTML()


def _put_back(cells: list[dict], source: SourceNotebook, assignment: Assignment) -> list[dict]:
    """Grade and task cells the student deleted, as nbgrader writes them back: a grade
    cell after its exercise's solution cell (else at the end), a task cell at the end."""
    from nbgrader.preprocessors import OverwriteCells

    present = {_grade_id(c) for c in cells}
    after = {e.test_cell: e.solution_cell for e in assignment.exercises}
    cells = list(cells)
    for name in source.points:
        if name in present or name not in source.cells:
            continue
        writer = OverwriteCells(missing_cell_notification=PUT_BACK)
        cell = json.loads(json.dumps(writer.missing_cell_transform(
            source.cells[name], source.points[name], is_solution=name in source.solutions, is_task=name in source.tasks
        )))
        anchor = next((i for i, c in enumerate(cells) if _grade_id(c) == after.get(name)), None)
        cells.insert(len(cells) if anchor is None or name in source.tasks else anchor + 1, cell)
    return cells


def verdict(grade: ExerciseGrade) -> str:
    """What a grader reads under an exercise's test cell: the same words the student's feedback has."""
    lines = [f"Autograder: {points_text(grade.score)} / {points_text(grade.max_score)} points for {grade.exercise} ({status_text(grade.status)})"]
    lines += [f"- {plain_sentence(sentence)}" for sentence in grade.feedback]
    if not grade.feedback and grade.score >= grade.max_score:
        lines.append("All checks passed.")
    printed = clean_text(grade.printed, PRINTED_LIMIT)
    if printed.strip():
        lines += ["", "What the cells of this exercise printed:", printed.rstrip("\n")]
    return clean_text("\n".join(lines)) + "\n"


def _with_verdicts(cells: list[dict], grades: list[ExerciseGrade]) -> tuple[list[dict], list[ExerciseGrade]]:
    """Each test cell (``test_<exercise>``, where the gradebook keeps the score) with its
    exercise's verdict as its output, on stderr when points were lost, as a failing test
    shows; the grades whose test cell is not in the notebook come back."""
    by_cell = {f"test_{g.exercise}": g for g in grades}
    shown = set()
    for cell in cells:
        grade = by_cell.get(_grade_id(cell))
        if grade is None or cell["cell_type"] != "code":
            continue
        stream = "stdout" if grade.score >= grade.max_score else "stderr"
        cell["outputs"] = [{"name": stream, "output_type": "stream", "text": verdict(grade)}]
        shown.add(grade.exercise)
    return cells, [g for g in grades if g.exercise not in shown]


def _note(lines: list[str], unshown: list[ExerciseGrade]) -> dict | None:
    """A markdown cell at the top for what has no cell of its own; text escaped, never HTML."""
    parts = [f"**Autograder:** {escape(clean_text(line))}" for line in lines]
    for grade in unshown:
        parts.append("**Autograder**, an exercise with no test cell here:\n\n```\n" + verdict(grade).replace("```", "'''") + "```")
    return _cell("markdown", "\n\n".join(parts)) if parts else None


@dataclass(frozen=True)
class Submitted:
    """The notebook a record was graded on, as read again for showing, or why it could not be."""

    raw: bytes = b""
    problem: str | None = None


def autograded_notebook(assignment: Assignment, record: SubmissionGrade, submitted: Submitted, source: SourceNotebook, key: str) -> dict:
    """The autograded notebook of one submission, as a plain nbformat 4 dictionary (steps in the
    module's docstring), carrying ``key`` (``notebook_key`` of the same record and source)."""
    notes: list[str] = []
    cells: list[dict] | None = None
    if record.problem:
        notes.append(f"This submission could not be graded normally: {record.problem} The released notebook is shown.")
    elif submitted.problem:
        notes.append(f"The notebook that was graded could not be read again ({submitted.problem}); the released notebook is shown.")
    else:
        try:
            cells = _plain_cells(submitted.raw)
        except (ValueError, RecursionError):
            notes.append("The notebook that was graded could not be read again; the released notebook is shown.")
    if cells is None:
        try:
            cells = _plain_cells(source.released)
        except (ValueError, RecursionError):
            cells = []
    if record.note:
        notes.append(record.note)
    cells = _put_back(_sanitize(_restore(cells, source), source), source, assignment)
    cells, unshown = _with_verdicts(cells, exercise_grades(assignment, record))
    note = _note(notes, unshown)
    cells = ([note] if note else []) + cells
    for index, cell in enumerate(cells):
        cell["id"] = f"cell-{index}"
    metadata: dict = {"autograder": {"key": key}}
    if source.kernelspec:
        metadata["kernelspec"] = source.kernelspec
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def notebook_text(notebook: dict) -> str:
    """The notebook as JSON with sorted keys, as nbformat writes it but without its validation
    pass or indentation (which leave C's encoder for Python's); Jupyter reads it all the same."""
    return json.dumps(notebook, sort_keys=True, ensure_ascii=False) + "\n"


@dataclass
class AutogradedUpdate:
    """What one run did to the autograded notebooks."""

    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    failures: list[str] = field(default_factory=list)


class AutogradedIncomplete(Exception):
    """Some students' autograded notebooks could not be written; every other one was."""

    def __init__(self, update: AutogradedUpdate) -> None:
        shown = "; ".join(update.failures[:SHOWN_FAILURES])
        more = f"; and {len(update.failures) - SHOWN_FAILURES} more" if len(update.failures) > SHOWN_FAILURES else ""
        super().__init__(f"{len(update.failures)} student(s) have no up-to-date autograded notebook: {shown}{more}")
        self.update = update


def write_autograded(assignment: Assignment, records: Iterable[SubmissionGrade], course: Course) -> AutogradedUpdate:
    """Each student's autograded notebook, where formgrader opens it; one that fails does not
    keep the others from being written, and AutogradedIncomplete counts and names them at the end."""
    source = read_source(course.gradebook, assignment.name, course.released_notebook(assignment.name))
    try:
        entries = {student_id_for(e.name): e for e in find_entries(course.submitted, assignment.name)}
    except CourseError:
        entries = {}
    update = AutogradedUpdate()
    for record in sorted_records(records):
        try:
            path = autograded_path(course, record.student_id, assignment.name)
            key = notebook_key(assignment, record, source)
            if written_key(path) == key:
                update.unchanged += 1
                continue
            submitted = _submitted(entries.get(record.student_id), assignment.name)
            notebook = autograded_notebook(assignment, record, submitted, source, key)
            update.written.append(write_atomically(path, notebook_text(notebook)))
        except Exception as error:
            update.failures.append(clean_text(f"{record.student_id}: {type(error).__name__}: {error}", limit=300))
    if update.failures:
        raise AutogradedIncomplete(update)
    return update


def _submitted(entry: Entry | None, assignment: str) -> Submitted:
    """The notebook the grader read for this student, read the same safe way again."""
    if entry is None:
        return Submitted(problem="the student's folder is no longer in submitted/")
    found = fetch(entry, assignment)
    return Submitted(found.raw, found.problem)
