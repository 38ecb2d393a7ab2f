"""The source notebook of `regularization_rnn`: its structure, and that it runs on the reference solution."""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NAME = "regularization_rnn"
SOURCE = ROOT / "assignments" / NAME / f"{NAME}.ipynb"
SOLUTION = ROOT / "solutions" / f"{NAME}.py"
EXERCISES = ("dropout", "l2", "softmax_ce", "rnn_shaping")
TF_IMPORT = re.compile(r"^\s*(import|from)\s+(tensorflow|keras|tf_keras)\b|import_module\(\s*['\"](tensorflow|keras)", re.M)


def solution_sections(text: str) -> dict[str, str]:
    """The lines between ``# exercise: NAME`` and ``# end exercise``, per exercise."""
    sections: dict[str, str] = {}
    name, lines = None, []
    for line in text.splitlines():
        if line.startswith("# exercise: "):
            name, lines = line.removeprefix("# exercise: ").strip(), []
        elif line == "# end exercise":
            sections[name] = "\n".join(lines)
            name = None
        elif name is not None:
            lines.append(line)
    return sections


@pytest.fixture(scope="module")
def nb() -> nbformat.NotebookNode:
    notebook = nbformat.read(SOURCE, as_version=4)
    nbformat.validate(notebook)
    return notebook


def grading(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def last_test_index(nb) -> int:
    return max(i for i, c in enumerate(nb.cells) if grading(c).get("grade_id", "").startswith("test_"))


def test_notebook_metadata(nb):
    assert nb.nbformat == 4
    assert nb.metadata.kernelspec.name == "python3"
    # Only the notebook may live in the source folder: nbgrader releases every file there.
    assert sorted(p.name for p in SOURCE.parent.iterdir()) == [SOURCE.name]


def test_solution_cells_are_the_reference_solution(nb):
    sections = solution_sections(SOLUTION.read_text())
    assert tuple(sections) == EXERCISES
    for name in EXERCISES:
        cells = [c for c in nb.cells if grading(c).get("grade_id") == f"{name}_solution"]
        assert len(cells) == 1, f"{name}: {len(cells)} solution cells"
        cell = cells[0]
        assert cell.cell_type == "code"
        assert grading(cell) == {
            "grade": False, "grade_id": f"{name}_solution", "locked": False,
            "schema_version": 3, "solution": True, "task": False,
        }
        assert cell.source == f"### BEGIN SOLUTION\n{sections[name]}\n### END SOLUTION", (
            f"{name}: the solution cell differs from solutions/{NAME}.py; run tools/build_notebook.py"
        )


def test_each_exercise_has_one_visible_test_worth_2(nb):
    order = [grading(c).get("grade_id") for c in nb.cells if grading(c).get("solution") or grading(c).get("grade")]
    expected = [gid for name in EXERCISES for gid in (f"{name}_solution", f"test_{name}")]
    assert order == expected, "each exercise: one solution cell, then one test cell, in exercise order"
    for name in EXERCISES:
        (cell,) = [c for c in nb.cells if grading(c).get("grade_id") == f"test_{name}"]
        assert cell.cell_type == "code"
        assert grading(cell) == {
            "grade": True, "grade_id": f"test_{name}", "locked": True, "points": 2,
            "schema_version": 3, "solution": False, "task": False,
        }
        assert "assert" in cell.source and "BEGIN HIDDEN" not in cell.source
    grade_ids = [grading(c)["grade_id"] for c in nb.cells if "grade_id" in grading(c)]
    assert len(grade_ids) == len(set(grade_ids)), "grade_ids must be unique"


def test_first_code_cell_imports_numpy(nb):
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert first.source.strip() == "import numpy as np"
    assert not grading(first).get("solution") and not grading(first).get("grade")


def test_no_tensorflow_before_the_optional_section(nb):
    end = last_test_index(nb)
    offenders = [i for i, c in enumerate(nb.cells[: end + 1]) if c.cell_type == "code" and TF_IMPORT.search(c.source)]
    assert not offenders, f"cells {offenders} import TensorFlow/Keras before the optional section"
    optional = nb.cells[end + 1 :]
    assert optional and optional[0].cell_type == "markdown" and "Optional" in optional[0].source
    assert all(not grading(c) for c in optional), "optional cells carry no nbgrader metadata"
    assert any(TF_IMPORT.search(c.source) for c in optional if c.cell_type == "code"), "the Keras comparison is missing"


def test_lectures_are_cited(nb):
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for lecture in ("003_ab2276fd2fad6cef.txt", "002_68feca35d645f180.txt", "001_b0e8ddc73a6f682a.txt", "004_818fa62321bb76fc.txt"):
        assert lecture in text
    for slide in ("Inside a Dropout Layer", "L2 Regularization", "Other Cost Function Regularizers", "Listing 5.13",
                  "Softmax function", "Categorical cross-entropy", "Recurrent Network Data"):
        assert slide in text


def test_source_notebook_runs_top_to_bottom(nb, tmp_path, monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    monkeypatch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    executed = nbformat.from_dict(nb)  # a copy: the fixture stays unexecuted
    client = NotebookClient(executed, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError on the first failing cell

    def printed(cell) -> str:
        return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")

    for number, name in enumerate(EXERCISES, start=1):
        (cell,) = [c for c in executed.cells if grading(c).get("grade_id") == f"test_{name}"]
        assert f"Exercise {number}: visible tests passed." in printed(cell)
    code_cells = [c for c in executed.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code_cells), "every cell ran, the optional ones included"
    assert not any(o.output_type == "error" for c in code_cells for o in c.outputs)
    (kernel,) = [c for c in executed.cells if c.id == "optional-keras-import"]
    assert "backend" in printed(kernel)


def test_notebook_is_what_the_builder_writes():
    import subprocess

    completed = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_notebook.py"), "--check"], capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
