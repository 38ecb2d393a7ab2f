"""A generated assignment's source notebook: an introduction, the imports, and each exercise's
three cells: the markdown that cites the lecture and says what is asked and how it is graded,
the solution cell (the function's ``def`` line and docstring above ``### BEGIN SOLUTION``, the
listing's code as its body), and the visible test, whose expected values come from the trial
run of the reference solution. Plain text, for the instructor to edit in Jupyter like any cell
they wrote.
"""
from __future__ import annotations

import ast
from string import Template
from typing import Any, Sequence

import nbformat
import numpy as np
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.families.arrays.judging import SEED
from autograder.families.arrays.inputs import describe
from autograder.lectures.exercise import ArrayInputs, KerasInputs, Planned
from autograder.lectures.trial import ArrayTrial, KerasTrial, Trial
from autograder.source import BEGIN, END

POINTS = 2
INTRO = """# $name

*Written by `autograder new $name --from-lecture` from the lecture listings each
exercise cites: edit any cell, keeping each exercise's layout (a solution cell
`EXERCISE_solution`, then a graded test cell `test_EXERCISE`), and replace this
paragraph with your introduction.*

**How to work.** Each exercise has one cell with the function already declared:
its `def` line and docstring say what it takes and returns. Replace
`# YOUR CODE HERE` / `raise NotImplementedError()` with your code, then run the
test cell below it. The visible tests are only sanity checks; the grader runs
more (hidden) tests, with other inputs. Each exercise is worth $points points:
all of them when it is fully right, half when its core idea is."""


def graded(grade_id: str, *, solution: bool = False, points: int | None = None) -> dict:
    """A cell's nbgrader metadata, as the Create Assignment toolbar writes it."""
    nbgrader = {"grade": points is not None, "grade_id": grade_id, "locked": not solution, "schema_version": 3, "solution": solution, "task": False}
    if points is not None:
        nbgrader["points"] = points
    return {"nbgrader": nbgrader}


def with_cells(cells: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    return new_notebook(
        cells=cells,
        metadata={"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}, "language_info": {"name": "python"}},
    )


def citation(planned: Planned) -> str:
    """Where the exercise comes from, as the course cites lectures: the lecture's and the slide's own
    titles (the listing's citation), then the listing's caption and label where it has them."""
    deck, listing = planned.finding.deck, planned.finding.listing
    where = f'*Lecture "{deck.full_title}", slide "{listing.slide or deck.title}"'
    for part in (listing.caption, listing.label and listing.label.rstrip(":")):
        if part:
            where += f', "{part}"'
    return where + ".*"


def _tensorflow_note(planned: Planned) -> str:
    rewritten = [(old, new) for old, new in zip(planned.proposal.imports, planned.imports) if old != new]
    if not rewritten:
        return ""
    old, new = rewritten[0]
    return f"\n\nYou may import as the lecture does (`{old}`) or as this notebook does (`{new}`): both are the same Keras."


def _keras_graded(planned: Planned, trial: KerasTrial) -> str:
    """What tier 2 compares, as the listing has it."""
    parts = [part for part, present in (
        ("its regularizers with their factors", trial.regularized), ("its dropout rates", trial.drops), ("its compile settings", planned.compiled),
    ) if present]
    if not trial.regularized and not trial.drops:
        parts.insert(0, "that it adds no regularizer or dropout")
    return ", ".join(parts) + ", and what it computes with given weights on hidden inputs"


def markdown(planned: Planned, trial: Trial, points: int) -> str:
    head = f"## Exercise {planned.number}: {planned.title} ({points} points)\n\n{citation(planned)}\n\n"
    signature = f"{planned.name}({', '.join(p.name for p in planned.proposal.parameters)})"
    if isinstance(planned.inputs, KerasInputs) and isinstance(trial, KerasTrial):
        compiled = ", compiled as in the listing" if planned.compiled else "; the listing does not compile it, so neither does the function"
        body = (
            f"**Write** `{signature}`: return the model the listing builds, with the layers its docstring lists{compiled}.\n\n"
            "The grader builds your model with other inputs than the test below and compares it with the lecture's model: "
            "its layers (types, order, units, activations), output shape and parameter count for half the points; "
            f"for the rest, {_keras_graded(planned, trial)}."
        )
        return head + body + _tensorflow_note(planned)
    assert isinstance(planned.inputs, ArrayInputs)
    inputs = planned.inputs
    kinds = "; ".join(f"`{name}` is {describe(kind)}" for name, kind in inputs.parameters.items())
    seeded = " (under the same seed of NumPy's random generator)" if inputs.seeded else ""
    body = (
        f"**Write** `{signature}`: compute what the listing computes and return it, as its docstring says"
        + (f" ({kinds})" if kinds else "") + ".\n\n"
        "The grader calls it on other inputs like the test's and compares what it returns with the lecture's code: "
        "its shape and dtype, and that your function leaves its inputs unchanged, for half the points; "
        f"its values{seeded} for the rest."
    )
    return head + body + _tensorflow_note(planned)


def solution_cell(planned: Planned) -> str:
    """The function with its body between nbgrader's markers, so the release keeps its ``def`` line and docstring."""
    source = planned.source
    function = ast.parse(source).body[0]
    lines = source.split("\n")
    docstring_end = function.body[0].end_lineno
    body = lines[docstring_end:]
    return "\n".join([*lines[:docstring_end], f"    ### {BEGIN}", *body, f"    ### {END}"])


def _literal(value: Any) -> str:
    """A value as the test cell writes it: floats to 12 decimals (the test compares with np.allclose)."""
    if isinstance(value, np.ndarray):
        return repr((value.round(12) if value.dtype.kind == "f" else value).tolist())
    return repr(round(value, 12) if isinstance(value, float) else value)


def _keras_test(planned: Planned, inputs: KerasInputs, trial: KerasTrial) -> list[str]:
    call = f"{planned.name}({', '.join(f'{k}={v!r}' for k, v in inputs.visible.items())})"
    layers = list(trial.layers)
    return [
        f"model = {call}",
        f'assert isinstance(model, keras.Model), f"{planned.name} should return a Keras model, not {{type(model).__name__}}"',
        "kinds = [type(layer).__name__ for layer in model.layers]",
        f'assert kinds == {layers!r}, f"layers {{kinds}}, expected {layers!r}"',
        f'assert model.output_shape == {trial.output_shape!r}, f"output shape {{model.output_shape}}, expected {trial.output_shape!r}"',
        f'assert model.count_params() == {trial.params}, f"{{model.count_params()}} parameters, expected {trial.params}"',
    ]


def _array_test(planned: Planned, inputs: ArrayInputs, trial: ArrayTrial) -> list[str]:
    lines = [f"{name} = np.array({_literal(value)})" for name, value in trial.case.items() if isinstance(value, np.ndarray)]
    arguments = ", ".join(f"{name}={name}" if isinstance(value, np.ndarray) else f"{name}={value!r}" for name, value in trial.case.items())
    if inputs.seeded:
        lines.append(f"np.random.seed({SEED})  # {planned.name} draws from NumPy's random generator: seeded, it gives these values")
    lines.append(f"out = {planned.name}({arguments})")
    value = trial.value
    if isinstance(value, np.ndarray) and value.shape != ():
        lines.append(f'assert isinstance(out, np.ndarray) and out.shape == {value.shape!r}, f"expected an array of shape {value.shape!r}, got {{out!r}}"')
        compare = "np.array_equal" if value.dtype.kind in "biu" else "np.allclose"
        lines.append(f'assert {compare}(out, {_literal(value)}), f"got {{out}}"')
    else:
        lines.append(f'assert np.isclose(out, {_literal(value)}), f"got {{out}}, expected {_literal(value)}"')
    return lines


def test_cell(planned: Planned, trial: Trial) -> str:
    lines = [f"# Visible sanity checks for Exercise {planned.number} (the grader runs more)."]
    if isinstance(planned.inputs, KerasInputs) and isinstance(trial, KerasTrial):
        lines += _keras_test(planned, planned.inputs, trial)
    elif isinstance(planned.inputs, ArrayInputs) and isinstance(trial, ArrayTrial):
        lines += _array_test(planned, planned.inputs, trial)
    lines.append(f'print("Exercise {planned.number}: visible tests passed.")')
    return "\n".join(lines)


def imports(planned: Sequence[Planned]) -> str:
    """The imports every exercise needs, once each: NumPy for the visible tests, Keras for a model's."""
    wanted = ["import numpy as np"] + (["import keras"] if any(p.is_keras for p in planned) else [])
    return "\n".join(dict.fromkeys([*wanted, *(line for p in planned for line in p.imports)]))


def notebook(name: str, planned: Sequence[Planned], trials: Sequence[Trial]) -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell(Template(INTRO).substitute(name=name, points=POINTS), id="intro"),
        new_code_cell(imports(planned), id="imports", metadata=graded("imports")),
    ]
    for exercise, trial in zip(planned, trials):
        cells += [
            new_markdown_cell(markdown(exercise, trial, POINTS), id=f"{exercise.name}-intro"),
            new_code_cell(solution_cell(exercise), id=f"{exercise.name}_solution", metadata=graded(f"{exercise.name}_solution", solution=True)),
            new_code_cell(test_cell(exercise, trial), id=f"test_{exercise.name}", metadata=graded(f"test_{exercise.name}", points=POINTS)),
        ]
    return with_cells(cells)
