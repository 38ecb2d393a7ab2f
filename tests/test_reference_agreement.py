"""The comparison that stands between GPU references and grading: TF32's rounding is refused,
the CPU's own is not, and random entries are left out by the assignment's declaration."""
from __future__ import annotations

import math

import numpy as np
import pytest

from autograder.assignment import load_assignment

KERAS = load_assignment("keras_regularization")
keras_inputs = KERAS.part("inputs")
keras_references = KERAS.part("references")
from autograder.errors import UserError
from autograder.reference_agreement import (
    DEVICE_SHARE, EXACT, ReferencesDisagree, Rules, Tolerance, compare, require_agreement,
)
from tf32_rounding import tf32


def matmul_tf32(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return tf32(a) @ tf32(b)


def matmul_float32(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a @ b


def matmul_float64(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Another exact-enough order of work: products and sums in float64, rounded once at the end."""
    return (a.astype(np.float64) @ b.astype(np.float64)).astype(np.float32)


def l2_model_behaviour(matmul) -> dict:
    """keras_regularization's default l2 model on its hidden weights and inputs, with one matmul."""
    rng = keras_inputs.generator("l2_model/defaults")
    shapes = [(30, 16), (16,), (16, 16), (16,), (16, 1), (1,)]
    w = [np.asarray(a, dtype=np.float32) for a in keras_inputs.weights(rng, shapes)]
    x, _ = keras_inputs.data(rng, (30,), binary=True)
    h = np.asarray(x, dtype=np.float32)
    for kernel, bias in zip(w[0:4:2], w[1:4:2]):
        h = np.maximum(matmul(h, kernel) + bias, 0)
    out = 1 / (1 + np.exp(-(matmul(h, w[4]) + w[5])))
    return {"l2_model": {"defaults": {"behaviour": {"called": out.astype(np.float64), "predicted": out.astype(np.float64)}}}}


KERAS_RULES = Rules.of(keras_references)


def test_tf32_products_are_refused_against_the_checks_tolerances():
    comparison = compare(l2_model_behaviour(matmul_tf32), l2_model_behaviour(matmul_float32), KERAS_RULES, DEVICE_SHARE)
    assert not comparison.agrees
    assert comparison.worst.path.startswith("l2_model/defaults/behaviour/")
    assert comparison.worst.ratio > 3


def test_another_float32_order_of_work_is_accepted():
    comparison = compare(l2_model_behaviour(matmul_float64), l2_model_behaviour(matmul_float32), KERAS_RULES, DEVICE_SHARE)
    assert comparison.agrees
    assert comparison.worst.difference > 0  # the orders do differ: the bound is what lets them through


def test_the_same_computation_twice_agrees_exactly():
    comparison = compare(l2_model_behaviour(matmul_float32), l2_model_behaviour(matmul_float32), KERAS_RULES, DEVICE_SHARE)
    assert comparison.agrees and comparison.worst.difference == 0


def test_refusal_is_one_sentence_naming_the_worst_entry_and_both_values():
    comparison = compare(l2_model_behaviour(matmul_tf32), l2_model_behaviour(matmul_float32), KERAS_RULES, DEVICE_SHARE)
    with pytest.raises(ReferencesDisagree) as raised:
        require_agreement(comparison, "GPU", "CPU", "keras_regularization")
    message = str(raised.value)
    worst = comparison.worst
    assert isinstance(raised.value, UserError)
    assert worst.path in message and worst.first in message and worst.second in message
    assert message.count(". ") == 0 and message.endswith(".") and "\n" not in message


def test_declared_random_entries_are_left_out_and_only_those():
    def losses(rate_half: float, rate_zero: float) -> dict:
        return {"dropout_model": {
            "defaults": {"behaviour": {"train_losses": [rate_half, 0.5, 0.5]}},
            "no_dropout": {"behaviour": {"train_losses": [rate_zero, 0.5, 0.5]}},
        }}

    assert compare(losses(0.7, 0.6), losses(0.9, 0.6), KERAS_RULES).agrees  # rate 0.5: masks drawn, not compared
    differs = compare(losses(0.7, 0.6), losses(0.7, 0.9), KERAS_RULES)
    assert not differs.agrees and differs.worst.path == "dropout_model/no_dropout/behaviour/train_losses/0"


def test_keras_regularization_declares_random_exactly_its_dropout_cases_with_a_rate():
    random = {path.split("/")[1] for path in keras_references.RANDOM}
    assert random == {name for name, arguments in keras_inputs.DROPOUT_CASES.items() if arguments.get("rate") != 0.0}
    assert "no_dropout" not in random


def test_an_entry_without_a_declared_tolerance_must_be_equal():
    rules = Rules(tolerances=(("numbers", Tolerance(1e-3, 0.0)),))
    assert rules.tolerance("shapes/input") == EXACT
    assert compare({"numbers": 1.0}, {"numbers": 1.0005}, rules).agrees
    assert not compare({"shapes": (4, 2)}, {"shapes": (4, 3)}, rules).agrees
    assert not compare({"names": "relu"}, {"names": "tanh"}, rules).agrees


def test_first_matching_pattern_counts_and_covers_what_is_inside():
    rules = Rules(tolerances=(("windows", EXACT), ("*", Tolerance(1e-5, 1e-6))))
    assert rules.tolerance("windows/multi/0") == EXACT
    assert rules.tolerance("softmax/moderate/loss") == Tolerance(1e-5, 1e-6)


def test_structure_and_non_finite_values():
    rules = Rules(tolerances=(("*", Tolerance(1e-5, 1e-6)),))
    assert compare({"a": np.array([np.nan, np.inf])}, {"a": np.array([np.nan, np.inf])}, rules).agrees
    assert compare({"a": np.array([np.nan])}, {"a": np.array([1.0])}, rules).worst.ratio == math.inf
    assert compare({"a": np.zeros(3)}, {"a": np.zeros(4)}, rules).worst.first == "shape (3,)"
    missing = compare({"a": {"x": 1.0}}, {"a": {"x": 1.0, "y": 2.0}}, rules).worst
    assert (missing.path, missing.first) == ("a/y", "nothing")


def test_worst_value_is_placed_by_its_index():
    wanted = np.ones((3, 4))
    found = wanted.copy()
    found[2, 1] += 1e-3
    worst = compare({"a": found}, {"a": wanted}, Rules(tolerances=(("*", Tolerance(1e-5, 0.0)),))).worst
    assert worst.path == "a[2, 1]" and math.isclose(worst.difference, 1e-3, rel_tol=1e-9)
