"""`autograder release`: the student version holds no solution and no hidden check, and matches the committed one."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.cli import main
from autograder.selfcheck import solution_sections

ROOT = Path(__file__).resolve().parents[1]
NAME = "regularization_rnn"
CHECKS = ROOT / "autograder" / "checks" / NAME
COMMITTED = ROOT / "release" / NAME / f"{NAME}.ipynb"


def copy_course(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", root)
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
    shutil.copytree(ROOT / "assignments", root / "assignments", ignore=ignore)
    shutil.copytree(ROOT / "solutions", root / "solutions", ignore=ignore)
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> nbformat.NotebookNode:
    course = copy_course(tmp_path_factory.mktemp("course"))
    assert main(["--course", str(course), "release", NAME]) == 0
    folder = course / "release" / NAME
    assert sorted(p.name for p in folder.iterdir()) == [f"{NAME}.ipynb"], "only the notebook is released"
    return nbformat.read(folder / f"{NAME}.ipynb", as_version=4)


def release_text(nb: nbformat.NotebookNode) -> str:
    return "\n".join(cell.source for cell in nb.cells)


def test_release_holds_no_solution_code(released):
    _, sections = solution_sections((ROOT / "solutions" / f"{NAME}.py").read_text())
    assert set(sections) == {"dropout", "l2", "softmax_ce", "rnn_shaping"}
    text = release_text(released)
    lines = {line.strip() for code in sections.values() for line in code.splitlines()}
    nontrivial = {line for line in lines if len(line) >= 12 and not line.startswith("#")}
    assert len(nontrivial) > 30, "the solution sections were not read"
    leaked = sorted(line for line in nontrivial if line in text)
    assert not leaked, f"solution lines in the release: {leaked}"
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN", "END HIDDEN"):
        assert marker not in text


def test_release_holds_no_hidden_check_text(released):
    files = sorted(p for pattern in ("*.py", "*.toml") for p in CHECKS.glob(pattern)) if CHECKS.is_dir() else []
    if not files:
        pytest.skip(f"no hidden checks in {CHECKS.relative_to(ROOT)} yet")
    text = release_text(released)
    leaked = []
    for path in files:
        for line in path.read_text().splitlines():
            line = line.strip()
            if len(line) >= 30 and not line.startswith(("import ", "from ")) and line in text:
                leaked.append(f"{path.name}: {line}")
    assert not leaked, f"hidden-check text in the release: {leaked}"


def test_each_solution_cell_raises_not_implemented(released):
    solution_cells = [c for c in released.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert [c.metadata.nbgrader.grade_id for c in solution_cells] == [
        "dropout_solution", "l2_solution", "softmax_ce_solution", "rnn_shaping_solution",
    ]
    for cell in solution_cells:
        with pytest.raises(NotImplementedError):
            exec(compile(cell.source, cell.metadata.nbgrader.grade_id, "exec"), {"np": np})


def test_release_keeps_tests_locked_and_outputs_empty(released):
    for cell in released.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            assert meta["locked"] and cell.metadata.get("editable") is False and meta["points"] == 2
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


def test_committed_release_is_current(released):
    assert COMMITTED.is_file(), f"{COMMITTED.relative_to(ROOT)} is missing: run `autograder release {NAME}`"
    committed = nbformat.read(COMMITTED, as_version=4)
    assert comparable(committed) == comparable(released), (
        f"{COMMITTED.relative_to(ROOT)} is stale: run `autograder release {NAME}` and commit it"
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
    assert main(["--course", str(tmp_path), "release", NAME]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "nbgrader_config.py" in err
    assert list(tmp_path.iterdir()) == []
