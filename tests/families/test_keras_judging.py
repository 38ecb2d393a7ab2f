"""The Keras family's judging helpers, on reports written here by hand: what each tier compares,
and that a builder that raises is named to the student."""
from __future__ import annotations

import copy

import numpy as np
import pytest

from autograder.checks.api import StudentRaised
from autograder.families.keras import judging
from autograder.protocol import Student
from autograder.values import RaisedError, Returned


def _layer(kind: str, units: int | None = None, activation: str | None = None, rate: float | None = None, l2: float | None = None) -> dict:
    regularizer = None if l2 is None else {"kind": "L2", "factors": {"l2": l2}}
    return {"type": kind, "units": units, "activation": activation, "rate": rate, "kernel_regularizer": regularizer,
            "bias_regularizer": None, "activity_regularizer": None, "return_sequences": None}


REPORT = {
    "keras_model": True, "type": "Sequential", "input_shape": [None, 20], "output_shape": [None, 1], "params": 625,
    "layers": [_layer("Dense", 16, "relu", l2=0.002), _layer("Dropout", rate=0.5), _layer("Dense", 1, "sigmoid")],
    "compiled": True, "optimizer": "RMSprop", "learning_rate": 0.001, "loss": "binary_crossentropy", "metrics": ["accuracy"],
}
ARGUMENTS = {"input_dim": 20}


def _changed(**changes) -> dict:
    report = copy.deepcopy(REPORT)
    report.update(changes)
    return report


def test_the_reference_passes_every_tier():
    judging.expect_structure(REPORT, REPORT, ARGUMENTS)
    judging.expect_regularization(REPORT, REPORT, ARGUMENTS)
    judging.expect_compiled(REPORT, REPORT)


@pytest.mark.parametrize("changes", [
    {"params": 626},
    {"output_shape": [None, 2]},
    {"layers": [_layer("Dense", 16, "tanh", l2=0.002), _layer("Dropout", rate=0.5), _layer("Dense", 1, "sigmoid")]},
    {"layers": [_layer("Dropout", rate=0.5), _layer("Dense", 16, "relu", l2=0.002), _layer("Dense", 1, "sigmoid")]},
])
def test_tier_1_sees_shapes_sizes_order_and_activations(changes):
    with pytest.raises(AssertionError):
        judging.expect_structure(_changed(**changes), REPORT, ARGUMENTS)


def test_an_input_layer_in_the_report_is_not_a_layer_of_the_listing():
    with_input = _changed(layers=[_layer("InputLayer"), *REPORT["layers"]])
    judging.expect_structure(with_input, REPORT, ARGUMENTS)


@pytest.mark.parametrize("layers", [
    [_layer("Dense", 16, "relu", l2=0.02), _layer("Dropout", rate=0.5), _layer("Dense", 1, "sigmoid")],
    [_layer("Dense", 16, "relu"), _layer("Dropout", rate=0.5), _layer("Dense", 1, "sigmoid")],
    [_layer("Dense", 16, "relu", l2=0.002), _layer("Dropout", rate=0.3), _layer("Dense", 1, "sigmoid", l2=0.002)],
])
def test_tier_2_sees_regularizer_factors_and_rates(layers):
    with pytest.raises(AssertionError):
        judging.expect_regularization(_changed(layers=layers), REPORT, ARGUMENTS)


def test_l1l2_with_only_an_l2_factor_is_l2():
    layers = copy.deepcopy(REPORT["layers"])
    layers[0]["kernel_regularizer"] = {"kind": "L1L2", "factors": {"l1": 0.0, "l2": 0.002}}
    judging.expect_regularization(_changed(layers=layers), REPORT, ARGUMENTS)


@pytest.mark.parametrize("changes", [{"compiled": False}, {"optimizer": "Adam"}, {"loss": "mse"}, {"metrics": []}, {"learning_rate": 0.01}])
def test_compile_settings_are_compared(changes):
    with pytest.raises(AssertionError):
        judging.expect_compiled(_changed(**changes), REPORT)


def test_accuracy_by_another_name_is_accuracy():
    judging.expect_compiled(_changed(metrics=["acc"]), REPORT)


BEHAVIOUR = {"called": np.full((4, 1), 0.25), "predicted": np.full((4, 1), 0.25), "penalty": 0.5, "train_losses": [0.7, 0.6, 0.5]}


def test_behaviour_within_tolerance_passes_and_training_is_read_only_when_asked():
    close = {**BEHAVIOUR, "called": BEHAVIOUR["called"] * (1 + 1e-6), "train_losses": [9.0, 9.0, 9.0]}
    judging.expect_behaviour(close, BEHAVIOUR, ARGUMENTS, training=False)
    with pytest.raises(AssertionError, match="train_on_batch"):
        judging.expect_behaviour(close, BEHAVIOUR, ARGUMENTS, training=True)


@pytest.mark.parametrize("key, value", [("predicted", np.full((4, 1), 0.3)), ("penalty", 0.55), ("called", np.full((4, 1), np.nan))])
def test_behaviour_off_the_reference_or_not_finite_fails(key, value):
    with pytest.raises(AssertionError):
        judging.expect_behaviour({**BEHAVIOUR, key: value}, BEHAVIOUR, ARGUMENTS, training=False)


class _Raising:
    def answer(self, requests):
        return [Returned(None, error=RaisedError("TypeError", ("TypeError", "Exception"), "bad input_dim"))]


def test_a_builder_that_raises_is_named_with_its_exception_type():
    with pytest.raises(StudentRaised) as raised:
        judging.config(Student(_Raising()), "build_model", ARGUMENTS)
    assert raised.value.function == "build_model" and raised.value.type_name == "TypeError"
