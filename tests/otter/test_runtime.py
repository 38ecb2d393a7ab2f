"""How an otter student's notebook runs here: otter's files written first, otter's seed at every
cell's start, and ``import otter`` as a stand-in that does nothing."""
from __future__ import annotations

import ast
import hashlib
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autograder.errors import UserError
from autograder.otter.runtime import BEFORE_THE_FIRST_CELL, OTTER_RUNTIME, DataFile, OtterCells, Seed, data_files

SHIM = Path(__file__).resolve().parents[2] / "autograder" / "otter" / "shims"


def _run(cells: list[tuple[int, str]]) -> dict:
    namespace: dict = {"__name__": "__main__"}
    for _, source in cells:
        exec(compile(source, "<cell>", "exec"), namespace)
    return namespace


def test_the_files_are_written_beside_the_notebook_first_by_code_that_leaves_no_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    setup = OtterCells(files=(DataFile("data.csv", b"a,b\n1,2\n"), DataFile("data/more.txt", bytes(range(256)))))
    cells = setup.cells([(0, "x = open('data.csv').read()"), (2, "y = open('data/more.txt', 'rb').read()")])
    assert [index for index, _ in cells] == [BEFORE_THE_FIRST_CELL, 0, 2]
    namespace = _run(cells)
    assert namespace["x"] == "a,b\n1,2\n" and namespace["y"] == bytes(range(256))
    assert {name for name in namespace if not name.startswith("__")} == {"x", "y"}


def test_a_seed_starts_every_cell_as_otter_starts_it():
    cells = OtterCells(seed=Seed(42)).cells([(0, "import numpy as np\na = np.random.rand(2)"), (1, "b = np.random.rand(2)\nimport random\nc = random.random()")])
    namespace = _run(cells)
    np.random.seed(42)
    random.seed(42)
    expected = np.random.rand(2)
    assert np.array_equal(namespace["a"], expected) and np.array_equal(namespace["b"], expected)
    assert namespace["c"] == random.random()
    assert "numpy" not in namespace, "the seed line adds no name of its own"


def test_a_seed_variable_is_set_at_every_cells_start_and_nothing_else_is_seeded():
    cells = OtterCells(seed=Seed(7, "rng_seed")).cells([(0, "rng_seed = 1\nfirst = rng_seed"), (1, "second = rng_seed")])
    assert cells[0][1].startswith("rng_seed = 7\n")
    namespace = _run(cells)
    assert namespace["first"] == 1 and namespace["second"] == 7


def test_the_checks_package_files_are_read_as_the_import_wrote_them(tmp_path):
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "data.csv").write_bytes(b"1,2\n")
    digest = hashlib.sha256(b"1,2\n").hexdigest()
    package = str(tmp_path / "__init__.py")
    assert data_files(package, {"data.csv": digest}) == (DataFile("data.csv", b"1,2\n"),)
    (tmp_path / "files" / "data.csv").write_bytes(b"9,9\n")
    with pytest.raises(UserError, match="changed since `autograder import-otter` wrote it"):
        data_files(package, {"data.csv": digest})
    with pytest.raises(UserError, match="is missing"):
        data_files(package, {"gone.csv": digest})


def test_the_otter_stand_in_runs_a_student_notebooks_calls_and_does_nothing(tmp_path):
    notebook = (
        "import otter\n"
        "grader = otter.Notebook('hw01.ipynb', tests_dir='./tests', colab=False)\n"
        "x = 2\n"
        "print(grader.check('q1'), grader.check('q1', globals()), grader.check_all())\n"
        "grader.export(pdf=False, force_save=True, run_tests=True, files=['data.csv'])\n"
        "grader.to_pdf(); grader.run_plugin('p', x); grader.add_plugin_files('p')\n"
        "from otter import Notebook\n"
        "import os\n"
        "print(sorted(os.listdir('.')), otter.__file__)\n"
    )
    done = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(SHIM)!r})\n{notebook}"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["None None None", f"[] {SHIM / 'otter' / '__init__.py'}"]


def test_the_stand_in_is_declared_by_the_runtime_and_imports_only_the_standard_library():
    assert OTTER_RUNTIME.shims == ("autograder.otter.shims",)
    for path in SHIM.rglob("*.py"):
        tree = ast.parse(path.read_text())
        modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        modules |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert modules <= {"__future__", "typing"}, f"{path} imports {modules}"
