"""Where a class's submissions lie, which entries of a folder are an assignment's submissions,
and how each one's notebook is fetched.

Three layouts, named by ``grade --layout``:

- ``nbgrader`` (the default): ``DIR/<student>/<assignment>/<assignment>.ipynb`` with the
  exchange's ``timestamp.txt``, as ``nbgrader collect`` leaves it. As nbgrader does, only a
  student folder that holds the assignment's folder is a submission of it.
- ``notebooks``: ``DIR/<student>.ipynb`` or ``DIR/<student>.zip``, one per student, as
  ``otter grade -p DIR`` reads them and Canvas's "Download submissions" gives them (a Canvas
  file ``<name>[_LATE]_<user id>_<submission id>_<file>`` is the student ``<name>_<user id>``).
- ``folders``: ``DIR/<student>/`` holding the notebook (or a zip of it) directly, as
  Gradescope's submission export gives them (a folder per submission).

A folder laid out otherwise than its layout says is the caller's mistake: one sentence names
the layout expected, what was found, and the ``--layout`` that reads it. Everything below DIR
is the students' and hostile (:mod:`autograder.student_files`): no link is followed, every read
is capped, and a zip is opened in memory, its entries counted before they are listed.
"""
from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from autograder.course import CourseError
from autograder.student_files import FILE, FOLDER, LINK, Folder, IsLink, NotRegular, TooLarge
from autograder.text import clean_text

LAYOUTS = ("nbgrader", "notebooks", "folders")
MIB = 1 << 20
MAX_NOTEBOOK_BYTES = 20 * MIB
"""A larger notebook is not read: it is not homework, and parsing it could take the grader's memory."""
MAX_ZIP_BYTES = 50 * MIB
MAX_ZIP_ENTRIES = 1000
"""A zip of homework holds a notebook, perhaps a PDF and a few data files, not thousands."""
_CANVAS = re.compile(r"^(?P<name>[^_]+)(?:_LATE)?_(?P<user>\d+)_\d+_.+$")


@dataclass(frozen=True)
class Entry:
    """One student's submission as found: the name their id comes from, and where it lies."""

    name: str
    path: Path
    layout: str


@dataclass(frozen=True)
class Fetched:
    """A notebook's bytes, or the sentence saying why there are none."""

    path: Path | None = None
    raw: bytes = b""
    note: str | None = None
    problem: str | None = None


def _listing(folder: Path) -> list[os.DirEntry]:
    try:
        if not folder.is_dir():
            raise CourseError(f"No submitted folder at {folder}.")
        with os.scandir(folder) as entries:
            return sorted((e for e in entries if not e.name.startswith(".")), key=lambda e: e.name)
    except PermissionError as error:
        raise CourseError(f"The submitted folder {folder} cannot be read by this user ({error.strerror}).") from error


def _is_folder(entry: os.DirEntry) -> bool:
    return entry.is_symlink() or entry.is_dir(follow_symlinks=False)


def _is_submission_file(entry: os.DirEntry) -> bool:
    """A notebook or zip, or a link named like one (listed, never read: its student gets a row saying why)."""
    return entry.name.endswith((".ipynb", ".zip")) and (entry.is_symlink() or entry.is_file(follow_symlinks=False))


def find_entries(folder: Path, assignment: str, layout: str = "nbgrader") -> list[Entry]:
    """The submissions of ``assignment`` in ``folder`` as ``layout`` lays them out."""
    listing = _listing(folder)
    if layout == "nbgrader":
        students = [e for e in listing if _is_folder(e)]
        entries = [Entry(e.name, Path(e.path), layout) for e in students if e.is_symlink() or _holds(Path(e.path), assignment)]
        if not entries:
            _refuse_if_mislaid(folder, listing, students, assignment)
        return entries
    if layout == "notebooks":
        return [Entry(_student_of_file(e.name), Path(e.path), layout) for e in listing if _is_submission_file(e)]
    if layout == "folders":
        return [Entry(e.name, Path(e.path), layout) for e in listing if _is_folder(e)]
    raise CourseError(f"Unknown layout '{layout}' (known: {', '.join(LAYOUTS)}).")


def _holds(student: Path, assignment: str) -> bool:
    try:
        with Folder.below(student.parent, student.name) as where:
            return assignment in where.kinds()
    except (IsLink, OSError):
        return True  # a folder that cannot be looked into still gets its row, saying why


def _student_of_file(name: str) -> str:
    stem = name.rsplit(".", 1)[0]
    canvas = _CANVAS.match(stem)
    return f"{canvas['name']}_{canvas['user']}" if canvas else stem


def _refuse_if_mislaid(folder: Path, listing: list[os.DirEntry], students: list[os.DirEntry], assignment: str) -> None:
    """Nothing in ``folder`` is a submission of ``assignment`` in nbgrader's layout: when what is
    there looks like another layout, say so rather than grade an empty class."""
    expected = f"expected {folder}/<student>/{assignment}/{assignment}.ipynb"
    files = [e.name for e in listing if _is_submission_file(e)]
    if files:
        raise CourseError(f"{folder} holds notebooks or zips directly (such as {clean_text(files[0])}) where nbgrader's layout has a "
                          f"folder per student: {expected}; pass --layout notebooks to grade one file per student.")
    for student in students:
        inside = _contents(Path(student.path))
        found = [n for n in inside if n.endswith((".ipynb", ".zip"))]
        if found:
            raise CourseError(f"{folder}/{clean_text(student.name)} holds {clean_text(found[0])} without the assignment's folder: {expected}; "
                              "pass --layout folders to grade a folder per student.")


def _contents(folder: Path) -> list[str]:
    try:
        with Folder.below(folder.parent, folder.name) as where:
            return sorted(where.kinds())
    except (IsLink, OSError):
        return []


def fetch(entry: Entry, assignment: str, limit: int = MAX_NOTEBOOK_BYTES) -> Fetched:
    """The notebook to grade for ``entry``, of at most ``limit`` bytes."""
    if entry.layout == "nbgrader":
        return _from_folder(entry.path, (assignment,), assignment, limit)
    if entry.layout == "folders":
        return _from_folder(entry.path, (), assignment, limit)
    try:
        with Folder.below(entry.path.parent) as where:
            return _from_file(where, entry.path.name, assignment, limit)
    except OSError as error:
        return Fetched(problem=f"The submission could not be read ({clean_text(error.strerror)}).")


def _from_folder(student: Path, inner: tuple[str, ...], assignment: str, limit: int) -> Fetched:
    """The notebook in ``student/inner...``: ``assignment.ipynb``, else the one other notebook (or
    zip) there (a renamed copy, with a note)."""
    expected = f"{assignment}.ipynb"
    try:
        with Folder.below(student.parent, student.name, *inner) as where:
            kinds = where.kinds()
            if expected in kinds:
                return _read(where, expected, None, limit)
            candidates = sorted(n for n, k in kinds.items() if k == FILE and n.endswith((".ipynb", ".zip")) and not n.startswith("."))
            if len(candidates) == 1:
                return _from_file(where, candidates[0], assignment, limit, f"{expected} was not found, so the renamed copy {clean_text(candidates[0])} was graded.")
            if candidates:
                return Fetched(problem=f"No {expected} was submitted, and several other notebooks were, so none could be chosen.")
            if any(n.endswith(".ipynb") for n in kinds):
                return Fetched(problem=f"No {expected} was submitted (a notebook that is a link or not a regular file is never read).")
    except IsLink as link:
        what = "submission folder" if link.path == student else f"folder {clean_text(link.path.name)} of the submission"
        return Fetched(problem=f"The {what} is a symbolic link, so it was not followed.")
    except (FileNotFoundError, NotADirectoryError):
        pass
    except OSError as error:
        return Fetched(problem=f"The submission could not be read ({clean_text(error.strerror)}).")
    return Fetched(problem=f"No {expected} was submitted.")


def _from_file(where: Folder, name: str, assignment: str, limit: int, note: str | None = None) -> Fetched:
    if name.endswith(".zip"):
        return _from_zip(where, name, assignment, limit, note)
    return _read(where, name, note, limit)


def _read(where: Folder, name: str, note: str | None, limit: int) -> Fetched:
    path = where.path / name
    shown = clean_text(name)
    try:
        return Fetched(path, where.read(name, limit), note)
    except IsLink:
        problem = f"{shown} is a symbolic link, so it was not read."
    except NotRegular:
        problem = f"{shown} is not a regular file (a pipe, a device or a folder), so it was not read."
    except TooLarge:
        problem = f"The notebook is larger than {limit / MIB:g} MiB, so it was not read."
    except OSError as error:
        problem = f"{shown} could not be read ({clean_text(error.strerror)})."
    return Fetched(path, note=note, problem=problem)


def _from_zip(where: Folder, name: str, assignment: str, limit: int, note: str | None) -> Fetched:
    """The notebook inside a zip a student handed in (otter's ``grader.export()`` makes one): read in
    memory, its entries counted from the archive's end record before any is listed, the notebook
    read with a cap however large its header claims it is."""
    path, shown = where.path / name, clean_text(name)
    try:
        raw = where.read(name, MAX_ZIP_BYTES)
    except (IsLink, NotRegular):
        return Fetched(path, note=note, problem=f"{shown} is a link or not a regular file, so it was not read.")
    except TooLarge:
        return Fetched(path, note=note, problem=f"The zip is larger than {MAX_ZIP_BYTES // MIB} MiB, so it was not read.")
    except OSError as error:
        return Fetched(path, note=note, problem=f"{shown} could not be read ({clean_text(error.strerror)}).")
    if _entries_declared(raw) > MAX_ZIP_ENTRIES:
        return Fetched(path, note=note, problem=f"{shown} holds more than {MAX_ZIP_ENTRIES} files, so it was not opened.")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            notebooks = [i for i in archive.infolist() if i.filename.endswith(".ipynb") and not i.is_dir()
                         and not any(part.startswith((".", "__MACOSX")) for part in i.filename.split("/"))]
            expected = [i for i in notebooks if i.filename.rsplit("/", 1)[-1] == f"{assignment}.ipynb"]
            chosen = expected or notebooks
            if len(chosen) != 1:
                return Fetched(path, note=note, problem=f"{shown} holds {'no' if not chosen else 'several'} notebooks, so none could be graded.")
            with archive.open(chosen[0]) as member:
                content = member.read(limit + 1)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, ValueError, OSError, EOFError):
        return Fetched(path, note=note, problem=f"{shown} is not a zip that can be read (damaged, encrypted or compressed in a way not supported).")
    if len(content) > limit:
        return Fetched(path, note=note, problem=f"The notebook in {shown} is larger than {limit / MIB:g} MiB, so it was not read.")
    return Fetched(path, content, note)


def _entries_declared(raw: bytes) -> int:
    """How many entries the zip's end-of-central-directory record declares (zip64's "more than
    65535" counts as too many); 0 when there is no such record (zipfile will refuse it)."""
    end = raw.rfind(b"PK\x05\x06", max(0, len(raw) - (1 << 16) - 22))
    if end < 0 or end + 22 > len(raw):
        return 0
    return int.from_bytes(raw[end + 10:end + 12], "little")
