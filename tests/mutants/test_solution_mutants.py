"""Mutants of this course's two reference solutions, exercise by exercise, as ``selfcheck --mutants`` will make them.

Each exercise's solution cell is mutated on its own (the cell is what a
student writes); the counts pin what the operators make of real exercises,
and each catalogued mistake of ``mistakes.toml`` that is one change away
from the solution must be among the mutants.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder.mutants.generate import generate
from autograder.solution import parse

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"


def _cells(name: str) -> dict[str, str]:
    path = SOLUTIONS / f"{name}.py"
    return {exercise: part.code for exercise, part in parse(name, path.read_text(), path).exercises.items()}


@pytest.fixture(scope="module")
def mutants() -> dict[str, tuple]:
    cells = {**_cells("regularization_rnn"), **_cells("keras_regularization")}
    return {exercise: generate(code) for exercise, code in cells.items()}


COUNTS = {
    "dropout": 24, "l2": 38, "softmax_ce": 61, "rnn_shaping": 30,
    "vectorize": 21, "l2_model": 36, "dropout_model": 43, "early_stopping": 36, "forecaster": 22,
}


def test_each_exercise_gets_the_mutants_its_code_allows(mutants):
    assert {exercise: len(found) for exercise, found in mutants.items()} == COUNTS


def test_mutants_of_a_cell_are_the_whole_cell_changed_once(mutants):
    cells = {**_cells("regularization_rnn"), **_cells("keras_regularization")}
    for exercise, found in mutants.items():
        for mutant in found:
            compile(mutant.source, exercise, "exec")
            assert mutant.source != cells[exercise]


# Catalogued mistakes (mistakes.toml) that are one syntax-tree change from the solution, by the change.
CATALOGUED = {
    "dropout": [
        "rng.random(shape) -> np.random.random(shape)",  # dropout_global_numpy_random
        "rng.random(shape) < keep_prob -> rng.random(shape) > keep_prob",  # dropout_keep_drop_confused
        "x * mask / keep_prob -> x * mask",  # dropout_missing_rescaling
        "x * mask / keep_prob -> x * mask * keep_prob",  # dropout_rescaled_by_keep_prob
        "if not 0 < keep_prob <= 1: raise ... -> (left out)",  # dropout_no_value_error
        "np.asarray(x) -> x",  # dropout_list_not_handled
        "return (x * mask / keep_prob, mask) -> x *= mask; return (x / keep_prob, mask)",  # dropout_modifies_x_in_place
    ],
    "l2": [
        "np.square -> np.abs",  # l2_l1_norm
        "np.sum -> np.mean",  # l2_mean_instead_of_sum
        "2 * lam -> lam",  # l2_gradient_factor_two_forgotten
        "W - lr * (dW + l2_gradient_term(W, lam)) -> W + lr * (dW + l2_gradient_term(W, lam))",  # l2_sgd_wrong_sign
        "dW + l2_gradient_term(W, lam) -> dW",  # l2_sgd_forgets_regulariser
        "return W - lr * (dW + l2_gradient_term(W, lam)) -> W -= lr * (dW + l2_gradient_term(W, lam)); return W",  # l2_sgd_modifies_w_in_place
    ],
    "softmax_ce": [
        "z - np.max(z, axis=-1, keepdims=True) -> z",  # softmax_naive_exp
        "axis=-1 -> axis=0",  # softmax_wrong_axis
        "np.mean -> np.sum",  # softmax_ce_sum_instead_of_mean
        "(softmax(z) - y_onehot) / z.shape[0] -> softmax(z) - y_onehot",  # softmax_ce_grad_not_divided_by_batch
    ],
    "rnn_shaping": [
        "examples -> examples - 1",  # rnn_last_window_dropped
        "sequence_length -> sequence_length - 1",  # rnn_shifted_target
        "if not 1 <= sequence_length < timesteps: raise ... -> (left out)",  # rnn_no_value_error
    ],
    "l2_model": [
        "kernel_regularizer= -> bias_regularizer=",  # l2_on_bias
        "'sigmoid' -> 'softmax'",  # l2_softmax_one_unit
        "'binary_crossentropy' -> 'mse'",  # l2_mse_for_classifier
        "'rmsprop' -> 'adam'",  # l2_adam
        "model.compile(optimizer='rmsprop', loss='binary_crossentr... -> (left out)",  # l2_not_compiled
    ],
    "dropout_model": [
        "rate -> 0.5",  # dropout_hard_coded_rate
        "layers.Dropout(rate) -> (left out)",  # dropout_only_one_layer
        "'relu' -> 'sigmoid'",  # dropout_sigmoid_hidden
        "'binary_crossentropy' -> 'mse'",  # dropout_mse
    ],
    "early_stopping": [
        "loss + min_delta < best -> loss + min_delta <= best",  # early_stopping_ties_improve
        "loss + min_delta -> loss",  # early_stopping_ignores_min_delta
    ],
    "forecaster": [
        "features -> 1",  # forecaster_dense_one
        "layers.SimpleRNN -> layers.LSTM",  # forecaster_lstm
        "'mse' -> 'mae'",  # forecaster_mae
        "layers.Dense(features) -> layers.Dense(features, activation='sigmoid')",  # forecaster_sigmoid_output
        "units -> 32",  # forecaster_hard_coded_units
    ],
}


@pytest.mark.parametrize("exercise", sorted(CATALOGUED))
def test_the_catalogued_mistakes_one_change_away_are_mutants(mutants, exercise):
    changes = {m.description.split(": ", 1)[1] for m in mutants[exercise]}
    for change in CATALOGUED[exercise]:
        assert change in changes, change
