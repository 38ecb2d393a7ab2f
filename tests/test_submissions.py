"""Reading submitted notebooks: damaged ones, renamed ones, and ones a hostile student laid out."""
from __future__ import annotations

import json
import os
import threading
import tracemalloc
from datetime import datetime
from pathlib import Path

import pytest

from autograder.assignment import Assignment, Exercise
from autograder.submissions import (
    BAD_TIMESTAMP,
    CODE,
    MAX_CELLS,
    MAX_CODE_CELLS,
    SOLUTION,
    TEST,
    Submission,
    read_submission,
)
from autograder.layouts import Entry, find_entries
from autograder.text import student_id_for

NAME = "hw"
ASSIGNMENT = Assignment(NAME, (Exercise("a", "Dropout", ("dropout",), "Lecture 3"),))
RELEASED_TEST = "assert dropout(1) == 1"
SECRET = "the grader's own notebook"


def _cell(source: str, **nbgrader) -> dict:
    metadata = {"nbgrader": nbgrader} if nbgrader else {}
    return {"cell_type": "code", "source": source, "metadata": metadata, "outputs": []}


def _notebook(*cells: dict) -> bytes:
    return json.dumps({"cells": [{"cell_type": "markdown", "source": "# hw", "metadata": {}}, *cells], "nbformat": 4}).encode()


GOOD = _notebook(
    _cell("import numpy as np"),
    _cell("def dropout(x):\n    return x", grade_id="a_solution", solution=True),
    _cell(RELEASED_TEST),
)


@pytest.fixture
def submitted(tmp_path) -> Path:
    folder = tmp_path / "submitted"
    folder.mkdir()
    return folder


def _submit(submitted: Path, student: str | bytes, content: bytes | None = GOOD, name: str = f"{NAME}.ipynb") -> Path:
    folder = Path(os.fsdecode(os.path.join(os.fsencode(submitted), os.fsencode(student))))
    (folder / NAME).mkdir(parents=True)
    if content is not None:
        (folder / NAME / name).write_bytes(content)
    return folder


def _read(folder: Path) -> Submission:
    return read_submission(Entry(folder.name, folder, "nbgrader"), ASSIGNMENT, frozenset({RELEASED_TEST}), "checks")


def _outside(tmp_path: Path) -> Path:
    """A notebook outside submitted/ that no student may have graded as theirs."""
    target = tmp_path / "elsewhere" / f"{NAME}.ipynb"
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(_notebook(_cell(f"print({SECRET!r})")))
    return target


def test_cells_get_their_roles(submitted):
    submission = _read(_submit(submitted, "bob"))
    assert submission.student_id == "bob" and submission.problem is None and submission.note is None
    assert [(c.role, c.exercise) for c in submission.cells] == [(CODE, None), (SOLUTION, "a"), (TEST, None)]
    # Cells are numbered as Jupyter shows them: every cell counted from 1, the markdown cell first.
    assert submission.cells_to_run(ASSIGNMENT) == [(2, "import numpy as np"), (3, "def dropout(x):\n    return x")]
    assert submission.exercise_of_cells(ASSIGNMENT) == {2: "a", 3: "a"}


def test_a_renamed_copy_is_graded_with_a_note(submitted):
    submission = _read(_submit(submitted, "bob", name=f"{NAME}-Copy1.ipynb"))
    assert submission.problem is None and len(submission.cells) == 3
    assert submission.note == f"{NAME}.ipynb was not found, so the renamed copy {NAME}-Copy1.ipynb was graded."


def test_several_renamed_copies_are_a_problem(submitted):
    folder = _submit(submitted, "bob", name="one.ipynb")
    (folder / NAME / "two.ipynb").write_bytes(GOOD)
    assert "several other notebooks" in _read(folder).problem


@pytest.mark.parametrize(
    "content, problem",
    [
        (GOOD[:40], "not valid JSON"),
        (b"", "empty"),
        (b"  \n", "empty"),
        (json.dumps({"hello": "world"}).encode(), "not a Jupyter notebook"),
        (json.dumps({"cells": "nope"}).encode(), "not a Jupyter notebook"),
        (_notebook(), "no code cells"),
        (b"\xff\xfe{", "not valid JSON"),
        (b"[" * 100_000, "not valid JSON"),
    ],
)
def test_damaged_notebooks_are_a_problem_not_a_crash(submitted, content, problem):
    submission = _read(_submit(submitted, "bob", content))
    assert problem in submission.problem and submission.cells == ()


def test_no_notebook(submitted):
    assert _read(_submit(submitted, "bob", None)).problem == f"No {NAME}.ipynb was submitted."
    (submitted / "ann").mkdir()
    assert _read(submitted / "ann").problem == f"No {NAME}.ipynb was submitted."


def test_code_is_kept_as_written_but_made_a_valid_string(submitted):
    raw = _notebook(_cell('print("\x00 \x1b[31m \u202e \ud800")'))  # JSON escapes: NUL, ESC, bidi, lone surrogate
    assert b"\\ud800" in raw
    (cell,) = _read(_submit(submitted, "bob", raw)).cells
    assert cell.source == 'print("\x00 \x1b[31m \u202e \ufffd")'
    cell.source.encode("utf-8")


def test_listing_keeps_submissions_and_links_and_skips_the_rest(submitted, tmp_path):
    """As nbgrader does, only a folder holding the assignment is its submission; a link is listed
    (never followed), so its student gets a row saying why nothing was graded."""
    _submit(submitted, "bob")
    (submitted / "other_assignment_only" / "hw02").mkdir(parents=True)
    (submitted / ".hidden").mkdir()
    (submitted / "notes.txt").write_text("not a student")
    (submitted / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (submitted / "to_a_file").symlink_to(submitted / "notes.txt")
    (submitted / ".hidden_link").symlink_to(submitted / "bob")
    assert [e.name for e in find_entries(submitted, NAME)] == ["bob", "linked", "to_a_file"]


@pytest.mark.parametrize("target", ["student's own", "another student", "dangling"])
def test_a_linked_student_folder_is_not_followed(submitted, tmp_path, target):
    _outside(tmp_path)
    pointed = {"student's own": tmp_path / "elsewhere", "another student": _submit(submitted, "ann"),
               "dangling": tmp_path / "nowhere"}[target]
    (submitted / "mallory").symlink_to(pointed, target_is_directory=True)
    submission = _read(submitted / "mallory")
    assert submission.student_id == "mallory" and submission.cells == () and submission.notebook is None
    assert submission.problem == "The submission folder is a symbolic link, so it was not followed."


def test_a_linked_assignment_folder_is_not_followed(submitted, tmp_path):
    _outside(tmp_path)
    (submitted / "mallory").mkdir()
    (submitted / "mallory" / NAME).symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    submission = _read(submitted / "mallory")
    assert submission.cells == () and "folder hw of the submission is a symbolic link" in submission.problem


def test_a_linked_notebook_pointing_outside_is_not_read(submitted, tmp_path):
    folder = _submit(submitted, "mallory", None)
    (folder / NAME / f"{NAME}.ipynb").symlink_to(_outside(tmp_path))
    submission = _read(folder)
    assert submission.cells == () and SECRET not in repr(submission)
    assert submission.problem == f"{NAME}.ipynb is a symbolic link, so it was not read."


def test_a_renamed_copy_must_be_a_regular_file_too(submitted, tmp_path):
    folder = _submit(submitted, "mallory", None)
    (folder / NAME / "copy.ipynb").symlink_to(_outside(tmp_path))
    os.mkfifo(folder / NAME / "pipe.ipynb")
    assert "link or not a regular file" in _read(folder).problem
    (folder / NAME / "mine.ipynb").write_bytes(GOOD)  # the one real candidate is graded
    submission = _read(folder)
    assert submission.problem is None and "renamed copy mine.ipynb" in submission.note


def test_a_fifo_notebook_neither_hangs_nor_is_read(submitted):
    folder = _submit(submitted, "mallory", None)
    os.mkfifo(folder / NAME / f"{NAME}.ipynb")
    found = []
    reader = threading.Thread(target=lambda: found.append(_read(folder)), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "reading a FIFO blocked"
    assert "not a regular file" in found[0].problem and found[0].cells == ()


def test_a_25_mib_notebook_is_too_large_and_not_read(submitted):
    folder = _submit(submitted, "mallory", GOOD)
    with open(folder / NAME / f"{NAME}.ipynb", "r+b") as stream:
        stream.truncate(25 * 1024 * 1024)
    submission = _read(folder)
    assert submission.problem == "The notebook is larger than 20 MiB, so it was not read." and submission.cells == ()


def test_seven_million_empty_cells_are_refused_before_they_are_parsed(submitted):
    """20 MiB of ``{},`` would become seven million dictionaries, a gigabyte of the grader's memory."""
    bomb = b'{"cells": [' + b"{}," * 6_900_000 + b'{}], "nbformat": 4}'
    folder = _submit(submitted, "mallory", bomb)
    tracemalloc.start()
    try:
        submission = _read(folder)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert submission.problem is not None and "so it was not read" in submission.problem and submission.cells == ()
    assert peak < 4 * len(bomb)  # the bytes, read in chunks and joined, and their structure: never the parse


def test_more_cells_than_a_notebook_holds_are_refused(submitted):
    crowded = _notebook(*[{"cell_type": "raw", "source": "", "metadata": {}}] * (MAX_CELLS + 1))
    submission = _read(_submit(submitted, "mallory", crowded))
    assert submission.problem == f"The notebook has more than {MAX_CELLS:,} cells, so it was not read."


def test_a_large_notebook_of_long_texts_is_read(submitted):
    """Images and long outputs are strings: they do not count against the notebook's structure."""
    picture = {"cell_type": "markdown", "source": "![plot](data:image/png;base64," + "A" * (8 << 20) + ")", "metadata": {}}
    submission = _read(_submit(submitted, "bob", json.dumps({"cells": [picture, *json.loads(GOOD)["cells"]], "nbformat": 4}).encode()))
    assert submission.problem is None and len(submission.cells) == 3


def test_past_the_cell_cap_only_the_first_cells_are_graded_with_a_note(submitted):
    many = _notebook(*[_cell(f"x{i} = {i}") for i in range(MAX_CODE_CELLS + 20)])
    submission = _read(_submit(submitted, "bob", many))
    assert len(submission.cells) == MAX_CODE_CELLS and submission.problem is None
    assert f"Only the first {MAX_CODE_CELLS} code cells were graded" in submission.note


def test_past_the_code_cap_the_rest_is_left_out(submitted):
    big = "x = 1\n" * (1024 * 1024 // 6)  # about 1 MiB
    submission = _read(_submit(submitted, "bob", _notebook(*[_cell(big) for _ in range(3)])))
    assert len(submission.cells) == 2 and "Only the first 2 code cells" in submission.note
    alone = _read(_submit(submitted, "ann", _notebook(_cell(big * 3))))
    assert alone.cells == () and "more than 2 MiB of code" in alone.problem


def test_a_non_utf8_folder_name_gets_a_clean_distinct_id(submitted):
    first = _submit(submitted, b"caf\xe9")
    second = _submit(submitted, b"caf\xe8")
    students = [_read(entry.path) for entry in find_entries(submitted, NAME)]
    ids = {s.student_id for s in students}
    assert ids == {student_id_for(first.name), student_id_for(second.name)} and len(ids) == 2
    for submission in students:
        submission.student_id.encode("utf-8")
        assert submission.problem is None and len(submission.cells) == 3


def test_a_hostile_renamed_copy_name_is_cleaned_in_the_note(submitted):
    submission = _read(_submit(submitted, "bob", name="\x1b]0;pwned\x07copy\u202e.ipynb"))
    assert submission.note == f"{NAME}.ipynb was not found, so the renamed copy copy.ipynb was graded."


@pytest.mark.parametrize(
    "written",
    ["2026-11-23 14:58:23.948203 UTC", "2026-11-23 06:58:23.948203 America/Los_Angeles", "2026-11-23 15:58:23 3600",
     "2026-11-23T15:58:23+01:00", "2026-11-23 14:58:23"],
)
def test_the_submission_time_is_read_as_nbgrader_reads_it(submitted, written):
    from nbgrader.utils import parse_utc

    folder = _submit(submitted, "bob")
    (folder / NAME / "timestamp.txt").write_text(written + "\n")
    submission = _read(folder)
    assert submission.timestamp == parse_utc(written) and submission.timestamp.tzinfo is None
    assert submission.timestamp.replace(microsecond=0) == datetime(2026, 11, 23, 14, 58, 23)
    assert submission.note is None and submission.problem is None and len(submission.cells) == 3


def test_a_resubmission_of_the_same_notebook_is_graded_again_at_its_new_time(submitted):
    folder = _submit(submitted, "bob")
    unstamped = _read(folder).digest
    (folder / NAME / "timestamp.txt").write_text("2026-11-23 14:58:23 UTC")
    first = _read(folder).digest
    (folder / NAME / "timestamp.txt").write_text("2026-11-24 09:00:00 UTC")
    assert len({unstamped, first, _read(folder).digest}) == 3


def _bad_stamp(stamp: Path, kind: str, outside: Path) -> None:
    if kind == "link":
        stamp.symlink_to(outside)
    elif kind == "fifo":
        os.mkfifo(stamp)
    elif kind == "folder":
        stamp.mkdir()
    elif kind == "huge":
        with stamp.open("wb") as stream:
            stream.truncate(1 << 30)
    else:
        stamp.write_bytes({"garbage": b"next tuesday-ish", "empty": b"", "not utf-8": b"\xff\xfe 2026",
                           "zone path": b"2026-11-23 14:58:23 ../../../etc/localtime",
                           "overflow": b"9999-12-31 23:59:59 -7200"}[kind])


@pytest.mark.parametrize("kind", ["link", "fifo", "folder", "huge", "garbage", "empty", "not utf-8", "zone path", "overflow"])
def test_a_bad_timestamp_is_ignored_with_a_note_and_the_notebook_still_graded(submitted, tmp_path, kind):
    folder = _submit(submitted, "mallory")
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("2026-11-23 14:58:23 UTC")
    _bad_stamp(folder / NAME / "timestamp.txt", kind, outside)
    found = []
    reader = threading.Thread(target=lambda: found.append(_read(folder)), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "reading the timestamp blocked"
    (submission,) = found
    assert submission.timestamp is None and submission.note == BAD_TIMESTAMP
    assert submission.problem is None and len(submission.cells) == 3
