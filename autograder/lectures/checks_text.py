"""A generated assignment's checks package, as text: ordinary check modules an instructor reads
and edits like hand-written ones, calling the families' judging helpers.

- ``__init__.py`` declares the assignment (Keras's student runtime when an exercise builds a model);
- one module per exercise: tier 1 the idea (a Keras model's layers, output shape and parameter
  count; an array's shape and dtype, the inputs left unchanged), tier 2 the full behaviour
  (regularizers, dropout rates, compile settings and what the model computes; the values);
- ``inputs.py``: each exercise's hidden argument sets or cases;
- ``references.py``: the reference solution's answers on them (``PRECOMPUTED``), with the
  tolerances that say how two computations of them may differ.

Each check's sentence names the property and the listing, never a hidden value.
"""
from __future__ import annotations

import ast
import json
import textwrap
from typing import Any, Sequence

from autograder.families.arrays.inputs import Count, Floats, Fraction
from autograder.lectures.exercise import ArrayInputs, KerasInputs, Planned
from autograder.lectures.trial import KerasTrial, Trial

CATALOG = """# Known mistakes of `{name}` and the score each must get; `autograder selfcheck {name}` proves every one.
# `autograder selfcheck {name} --mutants` lists the mutants that keep full marks: a real mistake among
# them belongs here, with a check that catches it.
# name, exercise, expected (0 to the exercise's points), description, code (appended after the
# exercise's solution cell), optional replace = true (code replaces the cell).
"""


def literal(value: Any) -> str:
    """Python source for a value, strings in double quotes as the course's own code writes them."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, tuple):
        return "(" + ", ".join(map(literal, value)) + ("," if len(value) == 1 else "") + ")"
    return repr(value)


def constant(planned: Planned) -> str:
    """The name of the exercise's inputs in ``inputs.py``."""
    return planned.name.upper()


def package(name: str, planned: Sequence[Planned]) -> str:
    keras = any(p.is_keras for p in planned)
    exercises = "\n".join(
        f"        Exercise(\n            {literal(p.name)}, {literal(p.title)}, ({literal(p.name)},),\n            lecture={literal(p.citation)},\n        ),"
        for p in planned
    )
    lines = [
        f'"""Hidden checks of `{name}`, generated from lecture listings by `autograder new {name} --from-lecture`: one module',
        "per exercise, the hidden inputs in ``inputs``, the reference solution's answers in ``references``, known",
        'mistakes in ``mistakes.toml``. Edit them as you would hand-written checks."""',
        "from autograder.assignment import Assignment, Exercise",
    ]
    if keras:
        lines.append("from autograder.families.keras import KERAS_RUNTIME")
    lines += ["", "ASSIGNMENT = Assignment(", f"    name={literal(name)},", "    exercises=(", exercises, "    ),"]
    if keras:
        lines.append("    runtime=KERAS_RUNTIME,")
    return "\n".join(lines + [")", ""])


def _compile_arguments(planned: Planned) -> str | None:
    for node in ast.walk(ast.parse(planned.source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "compile":
            return ", ".join(ast.unparse(part) for part in (*node.args, *node.keywords))
    return None


def _regularization_says(trial: KerasTrial) -> str:
    if trial.regularized and trial.drops:
        return "Each layer has the listing's regularizers, with their factors, and its dropout rate"
    if trial.regularized:
        return "Each layer has the listing's regularizers, with their factors, and no others"
    if trial.drops:
        return "Each dropout layer has the listing's rate, and no layer is regularized"
    return "No layer is regularized and none drops out, as in the listing"


def _header(planned: Planned, what: str) -> list[str]:
    listing = planned.finding.listing
    return [
        f'"""Checks of the `{planned.name}` exercise, generated from "{listing.title}" of lecture "{planned.finding.deck.full_title}":',
        f'{what}"""',
        "from __future__ import annotations",
        "",
        "from autograder.checks.api import check",
    ]


def _check(tier: int, says: str, signature: str, body: list[str]) -> list[str]:
    return ["", "", f"@check(tier={tier}, says={literal(says)}, lecture=LECTURE)", f"def {signature}:", *[f"    {line}" for line in body]]


def keras_module(planned: Planned, trial: KerasTrial) -> str:
    name = planned.name
    lines = _header(planned, (
        "the student's model against the one the reference solution builds, on every argument set of\n"
        f"``inputs.{constant(planned)}``, with the reference's hidden weights and inputs (``references``)."
    ))
    lines += [
        "from autograder.families.keras import judging",
        "from autograder.families.keras.references import SEED",
        "from . import inputs as hidden",
        "",
        f"LECTURE = {literal(planned.citation)}",
        f"FUNCTION = {literal(name)}",
        f"CASES = hidden.{constant(planned)}",
    ]
    lines += _check(1, (
        f"{name} returns a Keras model with the listing's layers (types, order, units, activations), "
        "output shape and parameter count, for the inputs it is given"
    ), f"test_contract_{name}(student, reference)", [
        "for case, arguments in CASES.items():",
        "    wanted = reference[FUNCTION][case][\"config\"]",
        "    judging.expect_structure(judging.config(student, FUNCTION, arguments), wanted, arguments)",
    ])
    lines += _check(2, _regularization_says(trial), "test_regularization(student, reference)", [
        "for case, arguments in CASES.items():",
        "    wanted = reference[FUNCTION][case][\"config\"]",
        "    judging.expect_regularization(judging.config(student, FUNCTION, arguments), wanted, arguments)",
    ])
    arguments = _compile_arguments(planned)
    if planned.compiled and arguments is not None:
        lines += _check(2, f"The model is compiled as in the listing: {arguments}", "test_compiled(student, reference)", [
            "for case, arguments in CASES.items():",
            "    judging.expect_compiled(judging.config(student, FUNCTION, arguments), reference[FUNCTION][case][\"config\"])",
        ])
    training = ", and its losses over a few training steps" if planned.compiled and not trial.drops else ""
    lines += _check(2, (
        "With given weights the model computes what the listing's model computes: its outputs (model(x) and "
        f"model.predict(x)), its regularization penalty (sum(model.losses)){training}"
    ), "test_behaviour(student, reference)", [
        "for case, arguments in CASES.items():",
        "    wanted = reference[FUNCTION][case]",
        "    report = judging.behaviour(student, FUNCTION, arguments, wanted, wanted[\"steps\"], SEED)",
        "    judging.expect_behaviour(report, wanted[\"behaviour\"], arguments, training=wanted[\"steps\"] > 0)",
    ])
    return "\n".join(lines) + "\n"


def array_module(planned: Planned, inputs: ArrayInputs) -> str:
    name = planned.name
    signature = f"{name}({', '.join(inputs.parameters)})"
    lines = _header(planned, (
        "the student's function against the reference solution's answers on the hidden cases of\n"
        f"``inputs.{constant(planned)}``, drawn like the visible test's inputs."
    ))
    lines += [
        "from autograder.families.arrays import judging",
        "from . import inputs as hidden",
        "",
        f"LECTURE = {literal(planned.citation)}",
        f"FUNCTION = {literal(name)}",
        f"CASES = hidden.{constant(planned)}",
        f"SEEDED = {inputs.seeded!r}",
    ]
    if inputs.seeded:
        lines.append('"""It draws from NumPy\'s global random generator: each call is made under the seed the references use."""')
    lines += _check(1, (
        f"{signature} returns what the lecture's code returns in shape and dtype, for inputs like the visible test's"
    ), f"test_contract_{name}(student, reference)", [
        "for case, arguments in CASES.items():",
        "    found = judging.value(judging.called(student, FUNCTION, arguments, SEEDED), FUNCTION)",
        "    judging.expect_form(found, reference[FUNCTION][case], judging.shown(arguments))",
    ])
    if any(isinstance(kind, Floats) for kind in inputs.parameters.values()):
        lines += _check(1, f"{name} leaves the arrays it is given unchanged", "test_inputs_unchanged(student)", [
            "for arguments in CASES.values():",
            "    returned = judging.called(student, FUNCTION, arguments, SEEDED)",
            "    judging.value(returned, FUNCTION)",
            "    judging.expect_unchanged(returned, arguments)",
        ])
    seeded = ", with NumPy's random generator seeded alike" if inputs.seeded else ""
    lines += _check(2, f"{name} gives the values the lecture's code gives{seeded}", "test_values(student, reference)", [
        "for case, arguments in CASES.items():",
        "    found = judging.value(judging.called(student, FUNCTION, arguments, SEEDED), FUNCTION)",
        "    judging.expect_values(found, reference[FUNCTION][case], judging.shown(arguments))",
    ])
    return "\n".join(lines) + "\n"


def module(planned: Planned, trial: Trial) -> str:
    if isinstance(planned.inputs, ArrayInputs):
        return array_module(planned, planned.inputs)
    assert isinstance(trial, KerasTrial)
    return keras_module(planned, trial)


def _kind(kind: object) -> str:
    if isinstance(kind, Count):
        return "arrays.Count()"
    if isinstance(kind, Fraction):
        return f"arrays.Fraction({kind.visible!r})"
    assert isinstance(kind, Floats)
    return f"arrays.Floats({literal(kind.shape)})"


def inputs_module(name: str, planned: Sequence[Planned]) -> str:
    said = []
    if any(p.is_keras for p in planned):
        said.append("A model builder's argument sets differ from its visible test's and from each other, so a size written into "
                    "the model meets one it misses.")
    if not all(p.is_keras for p in planned):
        said.append("An array function's cases are drawn like its visible test's inputs, each at another size from a seed of "
                    "its own (autograder.families.arrays.inputs).")
    text = textwrap.fill(f"Hidden inputs of `{name}`, never shown to students. {' '.join(said)} Edit freely.", 100)
    lines = [f'"""{text}"""', "from __future__ import annotations"]
    if any(isinstance(p.inputs, ArrayInputs) for p in planned):
        lines += ["", "from autograder.families.arrays import inputs as arrays"]
    for p in planned:
        lines += ["", ""]
        if isinstance(p.inputs, KerasInputs):
            lines.append(f"{constant(p)} = {{")
            lines += [f"    {literal(label)}: {literal(arguments)}," for label, arguments in p.inputs.hidden.items()]
            lines.append("}")
            lines.append(f'"""{p.name}: other inputs than the visible test\'s {literal(p.inputs.visible)}."""')
        else:
            kinds = ", ".join(f"{literal(n)}: {_kind(k)}" for n, k in p.inputs.parameters.items())
            lines.append(f"{constant(p)}_PARAMETERS = {{{kinds}}}")
            lines.append(f"{constant(p)} = arrays.hidden_cases({literal(p.name)}, {constant(p)}_PARAMETERS)")
    return "\n".join(lines) + "\n"


def references_module(name: str, planned: Sequence[Planned]) -> str:
    keras = any(p.is_keras for p in planned)
    lines = [
        f'"""Reference answers of `{name}`: what its reference solution (solutions/{name}.py) computes on the hidden',
        "inputs of ``inputs``, computed once in the grader and cached. Keras models are described and run by the",
        "probes the sandbox applies to a student's model; ``TOLERANCES`` are the checks' own, ``RANDOM`` the",
        'entries drawn at random (none: models with dropout are not trained by the checks)."""',
        "from __future__ import annotations",
        "",
    ]
    if any(not p.is_keras for p in planned):
        lines.append("from autograder.families.arrays.references import array_cases")
    if keras:
        lines += [
            "from autograder.families.keras.judging import OUTPUT, PENALTY, TRAINING",
            "from autograder.families.keras.references import model_cases",
        ]
    lines += ["from . import inputs", "", "PRECOMPUTED = {"]
    for p in planned:
        if isinstance(p.inputs, KerasInputs):
            lines.append(f"    {literal(p.name)}: model_cases(__file__, {literal(p.name)}, inputs.{constant(p)}),")
        else:
            lines.append(f"    {literal(p.name)}: array_cases(__file__, {literal(p.name)}, inputs.{constant(p)}, seeded={p.inputs.seeded!r}),")
    lines += ["}", "RANDOM: tuple[str, ...] = ()"]
    if keras:
        lines += [
            "TOLERANCES = {",
            '    "*/behaviour/called": OUTPUT,',
            '    "*/behaviour/predicted": OUTPUT,',
            '    "*/behaviour/penalty": PENALTY,',
            '    "*/behaviour/train_losses": TRAINING,',
            "}",
        ]
    else:
        lines.append("TOLERANCES: dict = {}")
    lines.append('"""Configs, hidden inputs and array answers compare exactly between two computations; model behaviour within the checks\' tolerances."""')
    return "\n".join(lines) + "\n"


def catalog(name: str) -> str:
    return CATALOG.format(name=name)
