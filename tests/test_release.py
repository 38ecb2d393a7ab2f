"""`autograder release`: for every assignment, the student version hands out signatures but no
solution and no hidden check, the solution is exported, and the committed release is current."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.assignment import available_assignments, load_assignment
from autograder.cli import main
from autograder.course import Course
from autograder.solution import render
from autograder.source import BEGIN, END, read_source

ROOT = Path(__file__).resolve().parents[1]
COURSE = Course(ROOT)
ASSIGNMENTS = available_assignments()
STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
_REGION = re.compile(rf"^([ \t]*)[^\n]*{BEGIN}[^\n]*\n.*?^[^\n]*{END}[^\n]*$", re.M | re.S)


def copy_course(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", root)
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
    shutil.copytree(ROOT / "assignments", root / "assignments", ignore=ignore)
    shutil.copytree(ROOT / "solutions", root / "solutions", ignore=ignore)
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def solution_cells(nb: nbformat.NotebookNode) -> dict[str, str]:
    return {c.metadata.nbgrader.grade_id: c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")}


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def name(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def source(name) -> nbformat.NotebookNode:
    return nbformat.read(COURSE.source_notebook(name), as_version=4)


@pytest.fixture(scope="module")
def course(name, tmp_path_factory) -> Path:
    """A copy of the course, released, whose exported solution was deleted first."""
    root = copy_course(tmp_path_factory.mktemp("course"))
    (root / "solutions" / f"{name}.py").unlink()
    assert main(["--course", str(root), "release", name]) == 0
    return root


@pytest.fixture(scope="module")
def released(name, course) -> nbformat.NotebookNode:
    folder = course / "release" / name
    source = Course(course).source_notebook(name).parent
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in source.iterdir()), "the notebook and its data files only"
    return nbformat.read(folder / f"{name}.ipynb", as_version=4)


def release_text(nb: nbformat.NotebookNode) -> str:
    return "\n".join(cell.source for cell in nb.cells)


def test_release_exports_the_solution(name, course):
    exported = course / "solutions" / f"{name}.py"
    assert exported.read_text() == render(read_source(COURSE.source_notebook(name), name))


def test_release_holds_no_solution_code(source, released):
    bodies = [region.group(0) for code in solution_cells(source).values() for region in _REGION.finditer(code)]
    lines = {line.strip() for body in bodies for line in body.splitlines()[1:-1]}
    nontrivial = {line for line in lines if len(line) >= 8 and not line.startswith("#")}
    assert nontrivial, "the solution regions were not read"
    text = release_text(released)
    leaked = sorted(line for line in nontrivial if line in text)
    assert not leaked, f"solution lines in the release: {leaked}"
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN", "END HIDDEN"):
        assert marker not in text


def test_release_holds_no_hidden_check_text(name, released):
    checks = load_assignment(name).checks_dir
    text = release_text(released)
    signatures = "\n".join(solution_cells(released).values())  # the catalogue's mistakes repeat them
    leaked = []
    for path in sorted(p for pattern in ("*.py", "*.toml") for p in checks.glob(pattern)):
        for line in path.read_text().splitlines():
            line = line.strip()
            if len(line) >= 30 and not line.startswith(("import ", "from ")) and line in text and line not in signatures:
                leaked.append(f"{path.name}: {line}")
    assert not leaked, f"hidden-check text in the release: {leaked}"


def test_each_solution_cell_hands_out_its_signatures_with_a_stub_for_the_body(name, source, released):
    wanted = {
        grade_id: _REGION.sub(lambda m: "\n".join(m.group(1) + line for line in STUB), code)
        for grade_id, code in solution_cells(source).items()
    }
    assert solution_cells(released) == wanted
    for exercise in load_assignment(name).exercises:
        namespace = {"np": np}
        stub = compile(wanted[exercise.solution_cell], exercise.solution_cell, "exec")
        if not exercise.functions:  # a question answered by top-level code (otter's): the cell itself is the stub
            with pytest.raises(NotImplementedError):
                exec(stub, namespace)
            continue
        exec(stub, namespace)
        for function in exercise.functions:
            with pytest.raises(NotImplementedError):
                namespace[function](*[None] * namespace[function].__code__.co_argcount)


def test_release_keeps_tests_locked_with_their_points_and_outputs_empty(name, released):
    points = {e.test_cell: e.points for e in load_assignment(name).exercises}
    for cell in released.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            assert meta["locked"] and cell.metadata.get("editable") is False and meta["points"] == points[meta["grade_id"]]
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def comparable(nb: nbformat.NotebookNode) -> list[tuple]:
    """What a release is, without volatile metadata."""
    return [
        (
            cell.cell_type,
            cell.source,
            dict(cell.metadata.get("nbgrader", {})),
            cell.metadata.get("editable", True),
            cell.metadata.get("deletable", True),
        )
        for cell in nb.cells
    ] + [("kernelspec", nb.metadata.get("kernelspec", {}).get("name"))]


def test_committed_release_is_current(name, released):
    committed = COURSE.released_notebook(name)
    assert committed.is_file(), f"{committed.relative_to(ROOT)} is missing: run `autograder release {name}`"
    assert comparable(nbformat.read(committed, as_version=4)) == comparable(released), (
        f"{committed.relative_to(ROOT)} is stale: run `autograder release {name}` and commit it"
    )


def test_unknown_assignment_exits_2_and_writes_nothing(tmp_path):
    course = copy_course(tmp_path / "course")
    before = snapshot(course)
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    completed = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "--course", str(course), "release", "no_such_assignment"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60,
    )
    assert completed.returncode == 2, completed.stderr
    assert completed.stdout == ""
    message = completed.stderr.strip()
    assert len(message.splitlines()) == 1 and message.endswith("."), message
    assert "no_such_assignment" in message and "Traceback" not in message
    assert snapshot(course) == before
    assert not (course / "release").exists() and not (course / "gradebook.db").exists()


def test_folder_without_course_exits_2(tmp_path, capsys):
    assert main(["--course", str(tmp_path), "release", ASSIGNMENTS[0]]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "nbgrader_config.py" in err
    assert list(tmp_path.iterdir()) == []
