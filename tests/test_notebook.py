"""Every assignment's source notebook: nbgrader markup the engine can map, signatures handed out,
lectures cited, the exported solution current, and it runs top to bottom."""
from __future__ import annotations

import ast
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.assignment import available_assignments, load_assignment
from autograder.course import Course
from autograder.lectures.citation import Citation
from autograder.solution import render
from autograder.source import BEGIN, read_source
from citing import lecture_citations

ROOT = Path(__file__).resolve().parents[1]
COURSE = Course(ROOT)
ASSIGNMENTS = available_assignments()
TF_IMPORT = re.compile(r"^\s*(import|from)\s+(tensorflow|keras|tf_keras)\b|import_module\(\s*['\"](tensorflow|keras)", re.M)


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def name(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def nb(name) -> nbformat.NotebookNode:
    notebook = nbformat.read(COURSE.source_notebook(name), as_version=4)
    nbformat.validate(notebook)
    return notebook


def grading(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def cells_with(nb, grade_id: str) -> list:
    return [c for c in nb.cells if grading(c).get("grade_id") == grade_id]


def test_notebook_metadata(name, nb):
    assert nb.nbformat == 4
    assert nb.metadata.kernelspec.name == "python3"
    # nbgrader releases every file of the source folder: beside the notebook, only data files the
    # students are meant to have (an otter master's `files`), nothing that looks like checks.
    source = COURSE.source_notebook(name)
    others = [p for p in source.parent.rglob("*") if p != source and ".ipynb_checkpoints" not in p.parts]
    assert not [p for p in others if p.suffix == ".ipynb" or p.name.startswith("test_") or "hidden" in p.name.lower()]
    assert not [p for p in others if p.is_file() and p.name in {c.name for c in COURSE.checks_dir(name).iterdir()}]


def test_exported_solution_is_current(name):
    exported = COURSE.solution_module(name)
    assert exported.is_file() and exported.read_text() == render(read_source(COURSE.source_notebook(name), name)), (
        f"{exported.relative_to(ROOT)} is stale: run `autograder export-solution {name}` and commit it"
    )


def test_each_exercise_is_a_solution_cell_then_a_test_cell_worth_its_points(name, nb):
    exercises = load_assignment(name).exercises
    order = [grading(c).get("grade_id") for c in nb.cells if grading(c).get("solution") or grading(c).get("grade")]
    assert order == [gid for e in exercises for gid in (e.solution_cell, e.test_cell)], "in exercise order"
    for exercise in exercises:
        (solution,) = cells_with(nb, exercise.solution_cell)
        assert solution.cell_type == "code" and grading(solution) == {
            "grade": False, "grade_id": exercise.solution_cell, "locked": False,
            "schema_version": 3, "solution": True, "task": False,
        }
        (test,) = cells_with(nb, exercise.test_cell)
        assert test.cell_type == "code" and grading(test) == {
            "grade": True, "grade_id": exercise.test_cell, "locked": True, "points": exercise.points,
            "schema_version": 3, "solution": False, "task": False,
        }, "the engine's points are the test cell's"
        assert "assert" in test.source and "BEGIN HIDDEN" not in test.source


def test_solution_cells_hand_out_each_signature_and_docstring(name, nb):
    for exercise in load_assignment(name).exercises:
        (cell,) = cells_with(nb, exercise.solution_cell)
        lines = cell.source.splitlines()
        functions = {node.name: node for node in ast.parse(cell.source).body if isinstance(node, ast.FunctionDef)}
        assert set(exercise.functions) <= set(functions), f"{exercise.name} declares {exercise.functions}"
        for function in (functions[f] for f in exercise.functions):
            assert ast.get_docstring(function), f"{function.name} has no docstring for students"
            marker = next(i for i in range(function.lineno, len(lines)) if BEGIN in lines[i])
            assert function.body[0].end_lineno <= marker < function.body[1].lineno, (
                f"{function.name}: its def line and docstring must come before `### {BEGIN}`, its body after"
            )


def test_no_tensorflow_in_what_is_graded_and_nothing_graded_after_the_last_test(name, nb):
    """Keras only where the assignment's sandbox offers it (and preloads it)."""
    end = max(i for i, c in enumerate(nb.cells) if grading(c).get("grade"))
    offenders = [i for i, c in enumerate(nb.cells[: end + 1]) if c.cell_type == "code" and TF_IMPORT.search(c.source)]
    offers_keras = "keras" in load_assignment(name).runtime.packages
    assert offers_keras or not offenders, f"cells {offenders} import TensorFlow/Keras before the last test cell"
    assert all(not grading(c) for c in nb.cells[end + 1 :]), "optional cells carry no nbgrader metadata"


def test_every_lecture_slide_the_checks_cite_is_cited_in_the_notebook(name, nb):
    """By the lecture's title and the slide's, quoted, as markdown shows them (a title may wrap)."""
    text = " ".join("\n".join(c.source for c in nb.cells if c.cell_type == "markdown").split())
    for citation in map(Citation.parse, sorted(lecture_citations(load_assignment(name)))):
        assert f'"{citation.lecture}"' in text and f'"{citation.slide}"' in text, f"the notebook does not cite {citation}"


def test_source_notebook_runs_top_to_bottom(name, nb, tmp_path, monkeypatch):
    from nbclient import NotebookClient

    shutil.copytree(COURSE.source_notebook(name).parent, tmp_path, dirs_exist_ok=True)  # its data files beside it

    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    monkeypatch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    executed = nbformat.from_dict(nb)  # a copy: the fixture stays unexecuted
    client = NotebookClient(executed, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    code_cells = [c for c in executed.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code_cells), "every cell ran, the optional ones included"
    assert not any(o.output_type == "error" for c in code_cells for o in c.outputs)
