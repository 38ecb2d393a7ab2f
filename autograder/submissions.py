"""Reading a submitted notebook into cells mapped to exercises.

Reading is plain JSON, not nbformat validation: a damaged notebook must still
yield whatever code it holds, and a class of a thousand must read fast.
Everything a student handed in is hostile: no link is followed (``student_files``),
every read is capped (:mod:`autograder.layouts` finds and fetches it), and every
submission gives a Submission, so a student always gets a row and a sentence saying why.
"""
from __future__ import annotations

import hashlib
import json
import re
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from autograder.assignment import Assignment
from autograder.layouts import MAX_NOTEBOOK_BYTES, MIB, Entry, fetch
from autograder.student_files import Folder, Refused
from autograder.text import student_id_for, without_surrogates

SOLUTION, TEST, CODE = "solution", "test", "code"
_MAGIC = re.compile(r"^(\s*)[%!].*$", re.MULTILINE)
MAX_CELLS = 10_000
MAX_VALUES = 1_000_000
"""Cells, and JSON objects, arrays and values, a notebook may hold. Counted in its bytes before
it is parsed whole: 20 MB of ``{},`` would otherwise become seven million dictionaries, about a
gigabyte of the grader's memory, before a single cell could be counted."""
SCANNED_FROM = MIB
"""Below this size a notebook is parsed at once: what parsing it can build is small anyway."""
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
MAX_CODE_CELLS = 500
MAX_CODE_BYTES = 2 * MIB
"""Code kept for grading; the cells past either cap are left out with a note, the ones before are graded."""
_CAPS = f"{MAX_CODE_CELLS} code cells and {MAX_CODE_BYTES // MIB} MiB of code"
TIMESTAMP_FILE = "timestamp.txt"
"""Written by nbgrader's exchange at submit time, kept by collect: when the student submitted."""
MAX_TIMESTAMP_BYTES = 256
"""nbgrader writes one short line; a longer file is not a timestamp and is not read whole."""
_ZONE = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*")
"""A time zone name (``UTC``, ``America/Los_Angeles``): never a path that leads out of the zone database."""
BAD_TIMESTAMP = f"The submission's {TIMESTAMP_FILE} is not a time nbgrader wrote, so no submission time was recorded."


@dataclass(frozen=True)
class Cell:
    index: int
    """Its place in the notebook, counting every cell from 1 as the student sees them in Jupyter:
    what "cell 7" in their feedback points to."""
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
    timestamp: datetime | None = None
    """When the student submitted, in UTC without a zone (as nbgrader's gradebook keeps it);
    None without a readable timestamp.txt. Late penalties and formgrader's times need it."""

    def cells_to_run(self, assignment: Assignment) -> list[tuple[int, str]]:
        """The code the notebook runs, top to bottom, up to the last exercise's
        solution cell (what follows, such as optional demos, is not graded), visible
        test cells left out; all code cells when an exercise's solution cell cannot
        be found (its answer may be anywhere). With what the assignment's cell setup
        adds around them, if it has one."""
        found = {c.exercise for c in self.cells if c.role == SOLUTION}
        own = [c.index for c in self.cells if c.role == SOLUTION]
        everything = not own or any(e.name not in found for e in assignment.exercises)
        last = max((c.index for c in self.cells), default=-1) if everything else max(own)
        cells = [(c.index, c.source) for c in self.cells if c.role != TEST and c.index <= last]
        return assignment.cell_setup.cells(cells) if assignment.cell_setup else cells

    def exercise_of_cells(self, assignment: Assignment) -> dict[int, str]:
        """Which exercise each cell belongs to: the first exercise whose solution
        cell is at or after it. What a cell printed shows in that exercise's feedback."""
        ends = sorted(
            (max(c.index for c in self.cells if c.role == SOLUTION and c.exercise == e.name), e.name)
            for e in assignment.exercises
            if any(c.role == SOLUTION and c.exercise == e.name for c in self.cells)
        )
        owners: dict[int, str] = {}
        for cell in self.cells:
            owner = next((name for end, name in ends if cell.index <= end), None)
            if owner is not None:
                owners[cell.index] = owner
        return owners


def strip_magics(source: str) -> str:
    """IPython magics and shell escapes are not Python; grading ignores them."""
    if "%" not in source and "!" not in source:  # most cells: nothing to look for line by line
        return source
    if source.lstrip().startswith("%%"):
        return ""
    return _MAGIC.sub(lambda m: f"{m.group(1)}pass", source)


@dataclass(frozen=True)
class Stamp:
    """A submission's timestamp.txt: its bytes, the time they say, or the note saying they say none."""

    raw: bytes = b""
    when: datetime | None = None
    note: str | None = None


def read_timestamp(folder: Path, assignment: str) -> Stamp:
    """``folder/assignment/timestamp.txt`` read as nbgrader's autograde reads it.

    No file (not collected through the exchange): no time and no note. A file
    that is a link, not regular, too large or not a time: no time, and a note,
    never a crash. A folder that cannot be entered gives no note here: reading
    the notebook already says why.
    """
    try:
        where = Folder.below(folder.parent, folder.name, assignment)
    except (Refused, OSError):
        return Stamp()
    with where:
        try:
            raw = where.read(TIMESTAMP_FILE, MAX_TIMESTAMP_BYTES)
        except FileNotFoundError:
            return Stamp()
        except (Refused, OSError):
            return Stamp(note=BAD_TIMESTAMP)
    when = parse_timestamp(raw)
    return Stamp(raw, when, None if when else BAD_TIMESTAMP)


def parse_timestamp(raw: bytes) -> datetime | None:
    """The UTC time in nbgrader's format (``2026-11-23 14:58:23.948203 UTC``, a zone
    name or a numeric offset in seconds last, or any single time dateutil reads),
    as ``nbgrader.utils.parse_utc`` reads it (an unknown zone name counts as UTC,
    as there); None for anything else."""
    from dateutil import parser, tz

    try:
        text = raw.decode("utf-8").strip()
        parts = text.split(" ")
        zones = None
        if len(parts) == 3:
            zone = parts[2]
            if re.fullmatch(r"[+-]?\d{1,6}", zone):
                zones = {"TZ": int(zone)}
            elif _ZONE.fullmatch(zone):
                zones = {"TZ": tz.gettz(zone)}
            else:
                return None
            text = " ".join([*parts[:2], "TZ"])
        if not text:
            return None
        with warnings.catch_warnings():  # dateutil warns of zone names it does not know
            warnings.simplefilter("ignore")
            when = parser.parse(text, tzinfos=zones)
        return (when - (when.utcoffset() or timedelta(0))).replace(tzinfo=None)
    except (ValueError, OverflowError, TypeError, LookupError):
        return None


def read_submission(
    entry: Entry, assignment: Assignment, released_tests: frozenset[str], checks_digest: str, limit: int = MAX_NOTEBOOK_BYTES,
) -> Submission:
    """The submission ``entry`` holds, its notebook read if it is at most ``limit`` bytes."""
    student = student_id_for(entry.name)
    stamp = read_timestamp(entry.path, assignment.name) if entry.layout == "nbgrader" else Stamp()
    found = fetch(entry, assignment.name, limit)
    notebook, note = found.path, _joined(found.note, stamp.note)

    def problem(raw: bytes, sentence: str) -> Submission:
        return Submission(student, notebook, _digest(raw, stamp, checks_digest), problem=sentence, note=note, timestamp=stamp.when)

    if found.problem:
        # The sentence is the state: a link turned into a folder, or a pipe into a file, is read again.
        return problem(found.problem.encode(), found.problem)
    if not found.raw.strip():
        return problem(found.raw, "The notebook file is empty.")
    if crowded := _crowded(found.raw):
        return problem(found.raw, crowded)
    try:
        content = json.loads(found.raw)
        if len(content["cells"]) > MAX_CELLS:
            return problem(found.raw, f"The notebook has more than {MAX_CELLS:,} cells, so it was not read.")
        cells, capped = _code_cells(content, assignment, released_tests)
    except (ValueError, RecursionError):
        return problem(found.raw, "The notebook is not valid JSON (truncated or damaged), so it could not be read.")
    except (TypeError, KeyError, AttributeError):
        return problem(found.raw, "The file is JSON but not a Jupyter notebook.")
    if capped and not cells:
        return problem(found.raw, f"The first code cell alone holds more than {MAX_CODE_BYTES // MIB} MiB of code, so nothing could be graded.")
    if not cells:
        return problem(found.raw, "The notebook has no code cells.")
    if capped:
        note = _joined(note, f"Only the first {len(cells)} code cells were graded: a notebook may hold at most {_CAPS}.")
    return Submission(student, notebook, _digest(found.raw, stamp, checks_digest), tuple(cells), note=note, timestamp=stamp.when)


def _crowded(raw: bytes) -> str | None:
    """Why a large notebook is not parsed, judged from its bytes alone: more cells, or more JSON
    values, than any notebook holds. Strings are left out of the count (a cell's text, an image)."""
    if len(raw) < SCANNED_FROM:
        return None
    structure = _STRING.sub(b"", raw)
    if structure.count(b"{") > MAX_CELLS * 10 or sum(map(structure.count, (b"{", b"[", b","))) > MAX_VALUES:
        return f"The notebook holds more cells or values than a notebook of {MAX_CELLS:,} cells would, so it was not read."
    return None


def _joined(*notes: str | None) -> str | None:
    return " ".join(n for n in notes if n) or None


def _digest(raw: bytes, stamp: Stamp, checks_digest: str) -> str:
    """The notebook's bytes, its timestamp.txt (a resubmission of the same notebook
    is recorded at its new time) and the checks; without a timestamp.txt, what it
    always was, so results kept before timestamps were read are not graded again."""
    digest = hashlib.sha256(raw)
    if stamp.raw or stamp.note:
        digest.update(b"\0" + stamp.raw)
    digest.update(checks_digest.encode())
    return digest.hexdigest()[:32]


def _source(cell: dict) -> str:
    """The cell's code as the student wrote it, made a valid str and nothing more."""
    source = cell.get("source", "")
    return without_surrogates("".join(source) if isinstance(source, list) else str(source))


def _code_cells(content: dict, assignment: Assignment, released_tests: frozenset[str]) -> tuple[list[Cell], bool]:
    """The code cells with their roles, and whether the caps left some out."""
    owners = {f: e.name for e in assignment.exercises for f in e.functions}
    ids = {e.solution_cell: (SOLUTION, e.name) for e in assignment.exercises}
    ids |= {e.test_cell: (TEST, e.name) for e in assignment.exercises}
    defines = re.compile(r"^def\s+(" + "|".join(map(re.escape, owners)) + r")\s*\(", re.MULTILINE)
    cells: list[Cell] = []
    size = 0
    for place, cell in enumerate(content["cells"], 1):
        if cell.get("cell_type") != "code":
            continue
        source = _source(cell)
        size += len(source.encode())
        if len(cells) == MAX_CODE_CELLS or size > MAX_CODE_BYTES:
            return cells, True
        nbgrader = (cell.get("metadata") or {}).get("nbgrader") or {}
        role, exercise = ids.get(nbgrader.get("grade_id"), (CODE, None))
        if role == CODE:
            if nbgrader.get("grade") and not nbgrader.get("solution"):
                role = TEST
            elif source.strip() in released_tests:
                role = TEST
            elif match := defines.search(source):
                role, exercise = SOLUTION, owners[match.group(1)]
        cells.append(Cell(place, strip_magics(source), role, exercise))
    return cells, False


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
