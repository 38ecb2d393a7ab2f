"""Each planned exercise's function run once on every input its test and checks will give it,
before anything is written: what the visible test asserts comes from this run, and a function
that fails on any of its inputs is reported in one sentence, not written.

This runs the lecture's own code (the instructor's), in this process: for Keras, it builds
the models, which costs one Keras import.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Union

import numpy as np

from autograder.errors import UserError
from autograder.families.arrays.inputs import hidden_cases, visible_case
from autograder.families.arrays.references import answer
from autograder.families.keras.references import RANDOM_LAYERS
from autograder.lectures.exercise import ArrayInputs, KerasInputs, Planned


@dataclass(frozen=True)
class KerasTrial:
    """The model built with the visible inputs, as the visible test asserts it."""

    layers: tuple[str, ...]
    output_shape: tuple[Any, ...]
    params: int
    regularized: bool
    drops: bool


@dataclass(frozen=True)
class ArrayTrial:
    """The visible case and the answer the reference gives on it."""

    case: dict[str, Any]
    value: Any


Trial = Union[KerasTrial, ArrayTrial]


def _function(planned: Planned) -> Callable[..., Any]:
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(planned.imports) + "\n\n" + planned.source + "\n", f"<{planned.name}>", "exec"), namespace)
    return namespace[planned.name]


def _shown(arguments: dict[str, Any]) -> str:
    return ", ".join(f"{k}=array of shape {v.shape}" if isinstance(v, np.ndarray) else f"{k}={v!r}" for k, v in arguments.items())


def _refused(planned: Planned, arguments: dict[str, Any], why: str) -> UserError:
    return UserError(
        f"Listing {planned.finding.number}'s {planned.name}({_shown(arguments)}) {why}: write that exercise by hand, or fix the listing."
    )


def _keras(planned: Planned, inputs: KerasInputs) -> KerasTrial:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    build = _function(planned)
    models = {}
    for arguments in (inputs.visible, *inputs.hidden.values()):
        try:
            model = build(**arguments)
        except Exception as error:  # the listing's own code: told to the instructor, not written
            raise _refused(planned, arguments, f"raised {type(error).__name__}: {error}") from None
        if not isinstance(model, keras.Model):
            raise _refused(planned, arguments, f"returned a {type(model).__name__}, not a Keras model")
        models[tuple(arguments.items())] = model
    model = models[tuple(inputs.visible.items())]
    regularizers = ("kernel_regularizer", "bias_regularizer", "activity_regularizer")
    return KerasTrial(
        layers=tuple(type(layer).__name__ for layer in model.layers),
        output_shape=tuple(model.output_shape),
        params=int(model.count_params()),
        regularized=any(getattr(layer, key, None) is not None for layer in model.layers for key in regularizers),
        drops=any(type(layer).__name__ in RANDOM_LAYERS for layer in model.layers),
    )


def _arrays(planned: Planned, inputs: ArrayInputs) -> ArrayTrial:
    function = _function(planned)
    visible = visible_case(inputs.parameters)
    for arguments in (visible, *hidden_cases(planned.name, inputs.parameters).values()):
        try:
            value = answer(function, arguments, inputs.seeded)
        except Exception as error:  # the listing's own code on inputs chosen by their names
            raise _refused(planned, arguments, f"raised {type(error).__name__}: {error}") from None
        numeric = isinstance(value, np.ndarray) and value.dtype.kind in "biuf"
        if not (numeric or (isinstance(value, (int, float)) and not isinstance(value, bool))):
            raise _refused(planned, arguments, f"returned a {type(value).__name__}, not an array or a number")
    return ArrayTrial(visible, answer(function, visible, inputs.seeded))


def try_out(planned: Planned) -> Trial:
    if isinstance(planned.inputs, KerasInputs):
        return _keras(planned, planned.inputs)
    return _arrays(planned, planned.inputs)
