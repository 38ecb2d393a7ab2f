"""Where a class lies: nbgrader's submitted folder, a folder of notebooks or zips (otter grade -p,
Canvas), a folder per student (Gradescope); a folder laid out otherwise is one sentence naming
the layout expected and the flag that reads what was found. Zips are hostile too."""
from __future__ import annotations

import io
import json
import zipfile

import pytest

from autograder.course import CourseError
from autograder.layouts import MAX_NOTEBOOK_BYTES, MAX_ZIP_ENTRIES, fetch, find_entries

NOTEBOOK = json.dumps({"cells": [{"cell_type": "code", "source": "x = 1", "metadata": {}}], "nbformat": 4}).encode()


def zipped(files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_flat_folder_of_notebooks_in_nbgraders_layout_names_the_layout_expected_and_the_flag(tmp_path):
    (tmp_path / "ann.ipynb").write_bytes(NOTEBOOK)
    with pytest.raises(CourseError, match=r"ann\.ipynb.*expected .*/<student>/hw/hw\.ipynb; pass --layout notebooks"):
        find_entries(tmp_path, "hw")


def test_a_missing_assignment_level_names_the_layout_expected_and_the_flag(tmp_path):
    (tmp_path / "ann").mkdir()
    (tmp_path / "ann" / "hw.ipynb").write_bytes(NOTEBOOK)
    with pytest.raises(CourseError, match=r"ann holds hw\.ipynb without the assignment's folder: expected .*; pass --layout folders"):
        find_entries(tmp_path, "hw")


def test_an_empty_class_is_no_mistake(tmp_path):
    assert find_entries(tmp_path, "hw") == []


def test_notebooks_and_zips_one_per_student_with_canvas_names(tmp_path):
    (tmp_path / "ann.ipynb").write_bytes(NOTEBOOK)
    (tmp_path / "bob.zip").write_bytes(zipped({"hw/hw.ipynb": NOTEBOOK, "hw/hw.pdf": b"%PDF", "__MACOSX/hw/._hw.ipynb": b"x"}))
    (tmp_path / "smithjohn_LATE_12345_678_hw.ipynb").write_bytes(NOTEBOOK)
    (tmp_path / "readme.txt").write_text("not a submission")
    entries = find_entries(tmp_path, "hw", "notebooks")
    assert [e.name for e in entries] == ["ann", "bob", "smithjohn_12345"]
    assert all(fetch(e, "hw").raw == NOTEBOOK for e in entries)


def test_a_folder_per_student(tmp_path):
    for student, name in (("submission_1", "hw.ipynb"), ("submission_2", "my answers.ipynb")):
        (tmp_path / student).mkdir()
        (tmp_path / student / name).write_bytes(NOTEBOOK)
    first, second = find_entries(tmp_path, "hw", "folders")
    assert fetch(first, "hw").raw == NOTEBOOK and fetch(first, "hw").note is None
    assert fetch(second, "hw").raw == NOTEBOOK and "renamed copy my answers.ipynb" in fetch(second, "hw").note


@pytest.mark.parametrize("archive, says", [
    (zipped({"a.ipynb": NOTEBOOK, "b.ipynb": NOTEBOOK}), "several notebooks"),
    (zipped({"notes.txt": b"none"}), "no notebooks"),
    (zipped({f"f{i}.txt": b"" for i in range(MAX_ZIP_ENTRIES + 1)}, zipfile.ZIP_STORED), "more than"),
    (zipped({"hw.ipynb": bytes(MAX_NOTEBOOK_BYTES + 10)}), "larger than"),
    (b"PK\x03\x04 not really a zip", "not a zip"),
])
def test_a_zip_that_cannot_be_graded_says_why_and_is_never_extracted(tmp_path, archive, says):
    (tmp_path / "mallory.zip").write_bytes(archive)
    (entry,) = find_entries(tmp_path, "hw", "notebooks")
    found = fetch(entry, "hw")
    assert found.raw == b"" and says in found.problem


def test_a_linked_file_is_listed_but_never_read(tmp_path):
    (tmp_path / "elsewhere.ipynb").write_bytes(NOTEBOOK)
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "mallory.ipynb").symlink_to(tmp_path / "elsewhere.ipynb")
    (entry,) = find_entries(tmp_path / "class", "hw", "notebooks")
    found = fetch(entry, "hw")
    assert found.raw == b"" and "symbolic link" in found.problem
