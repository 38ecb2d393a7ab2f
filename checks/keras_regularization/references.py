"""The reference models of `keras_regularization` and what they compute on the hidden inputs.

Built here from the contract, never from a student's config; computed once per assignment
(on the GPU when there is one) and cached on disk. A reference model is described and run by
the same probes the sandbox applies to a student's model
(:mod:`autograder.families.keras.probes`), so both sides report in one vocabulary. Early stopping's
answers come from the real ``keras.callbacks.EarlyStopping`` driven epoch by epoch.
``RANDOM`` and ``TOLERANCES`` say how two computations of these entries (GPU and CPU, or two
backends) may differ (:mod:`autograder.reference_agreement`).
"""
from __future__ import annotations

from types import ModuleType
from typing import Any, Callable

import numpy as np

from . import inputs
from autograder.reference_agreement import Tolerance
from autograder.families.keras.probes import model_behaviour, model_config


def l2_model(keras: ModuleType, input_dim: int, units: int = 16, l2: float = 0.002) -> Any:
    def regularizer() -> Any:
        return keras.regularizers.L2(l2) if l2 else None

    model = keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(units, activation="relu", kernel_regularizer=regularizer()),
        keras.layers.Dense(units, activation="relu", kernel_regularizer=regularizer()),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def dropout_model(keras: ModuleType, input_dim: int, units: int = 16, rate: float = 0.5) -> Any:
    model = keras.Sequential([
        keras.Input((input_dim,)),
        keras.layers.Dense(units, activation="relu"),
        keras.layers.Dropout(rate),
        keras.layers.Dense(units, activation="relu"),
        keras.layers.Dropout(rate),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def forecaster(keras: ModuleType, sequence_length: int, features: int, units: int = 32) -> Any:
    model = keras.Sequential([
        keras.Input((sequence_length, features)),
        keras.layers.SimpleRNN(units),
        keras.layers.Dense(features),
    ])
    model.compile(optimizer="rmsprop", loss="mse")
    return model


def _cases(group: str, build: Callable[..., Any], cases: dict[str, dict[str, Any]], binary: bool) -> Callable[[ModuleType], Any]:
    """For each argument set: the reference's config, the hidden weights, inputs and targets
    the checks send, and what the reference computes on them."""

    def compute(keras: ModuleType) -> dict[str, Any]:
        found = {}
        for name, arguments in cases.items():
            model = build(keras, **arguments)
            rng = inputs.generator(f"{group}/{name}")
            weights = inputs.weights(rng, [tuple(w.shape) for w in model.get_weights()])
            x, y = inputs.data(rng, tuple(model.input_shape[1:]), binary)
            found[name] = {
                "config": model_config(model), "weights": weights, "x": x, "y": y,
                "behaviour": model_behaviour(model, weights, x, x, y, inputs.STEPS, inputs.SEED),
            }
        return found

    return compute


def early_stopping(keras: ModuleType) -> dict[str, list[int]]:
    """(best_epoch, stopped_epoch) from 1, as the callback gives them for each hidden history."""
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    answers = {}
    for name, (losses, patience, min_delta) in {**inputs.HISTORIES, **inputs.EDGE_HISTORIES}.items():
        callback = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, min_delta=min_delta, restore_best_weights=True)
        callback.set_model(model)
        model.stop_training = False
        callback.on_train_begin()
        stopped = len(losses)
        for epoch, loss in enumerate(losses):
            callback.on_epoch_end(epoch, {"val_loss": loss})
            if model.stop_training:
                stopped = epoch + 1
                break
        callback.on_train_end()
        answers[name] = [int(callback.best_epoch) + 1, stopped]
    return answers


def vectors(keras: ModuleType) -> dict[str, np.ndarray]:
    """What Listing 'Data Wrangling' of lecture 001 gives: a multi-hot row per sequence."""
    def multi_hot(sequences: list[list[int]]) -> np.ndarray:
        rows = [keras.ops.convert_to_numpy(keras.ops.max(keras.ops.one_hot(np.asarray(s, dtype="int32"), inputs.DIMENSION), axis=0))
                if s else np.zeros(inputs.DIMENSION, dtype="float32") for s in sequences]
        return np.stack(rows).astype(np.float32)

    return {"ordinary": multi_hot(inputs.SEQUENCES), "empty": multi_hot(inputs.EMPTY_SEQUENCES), "repeated": multi_hot(inputs.REPEATED)}


PRECOMPUTED: dict[str, Callable[[ModuleType], Any]] = {
    "vectors": vectors,
    "l2_model": _cases("l2_model", l2_model, inputs.L2_CASES, binary=True),
    "dropout_model": _cases("dropout_model", dropout_model, inputs.DROPOUT_CASES, binary=True),
    "forecaster": _cases("forecaster", forecaster, inputs.FORECASTER_CASES, binary=False),
    "early_stopping": early_stopping,
}

RANDOM = tuple(
    f"dropout_model/{name}/behaviour/train_losses" for name, arguments in inputs.DROPOUT_CASES.items() if arguments.get("rate") != 0.0
)
"""Training through dropout draws masks, each backend and device its own: the checks compare
training losses of dropout models only at rate 0 (``dropout_model.py``), and so does this."""
_OUTPUT = Tolerance(inputs.RTOL_OUTPUT, inputs.ATOL_OUTPUT)
TOLERANCES = {
    "*/behaviour/called": _OUTPUT,
    "*/behaviour/predicted": _OUTPUT,
    "*/behaviour/penalty": Tolerance(inputs.RTOL_PENALTY, inputs.ATOL_PENALTY),
    "*/behaviour/train_losses": Tolerance(inputs.RTOL_TRAIN, inputs.ATOL_TRAIN),
}
"""What ``models.expect_behaviour`` allows each probe's value; configs, hidden inputs, vectors and
early stopping's epochs are compared exactly."""
