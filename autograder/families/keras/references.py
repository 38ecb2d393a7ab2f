"""What a generated Keras exercise's references hold: the model the reference solution builds for
each hidden argument set, described and run by the same probes the sandbox applies to a
student's model (:mod:`autograder.families.keras.probes`), so both sides report in one
vocabulary.

Each argument set gets its own seeded hidden weights, inputs and targets, drawn from the
reference model's shapes. Training is compared only where the reference is compiled (a
listing that never compiles its model is not trained by the checks either) and has no layer
that draws at random: each backend draws its own dropout masks.
"""
from __future__ import annotations

import logging
import zlib
from types import ModuleType
from typing import Any, Callable

import numpy as np

from autograder.errors import UserError
from autograder.families.keras.probes import model_behaviour, model_config
from autograder.families.reference_solution import reference_function

SAMPLES = 16
STEPS = 3
SEED = 7
WEIGHT_SCALE = 0.3
"""Hidden weights are normal with this deviation (biases too, so a bias bug shows): every relu
unit is live on some sample and no sigmoid saturates."""
RANDOM_LAYERS = frozenset({
    "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise", "GaussianDropout", "AlphaDropout",
})
VOCABULARY = 10
"""Indices an Embedding's hidden inputs draw from: any vocabulary a lecture gives is larger."""


def generator(key: str) -> np.random.Generator:
    """One generator per function and argument set: hidden data do not depend on which run first."""
    return np.random.default_rng([20261204, zlib.crc32(key.encode())])


def trains(config: dict[str, Any]) -> bool:
    """Whether the checks compare training losses: compiled, and nothing in it draws at random."""
    return bool(config.get("compiled")) and not any(layer["type"] in RANDOM_LAYERS for layer in config["layers"])


def data(rng: np.random.Generator, config: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Inputs of the model's input shape, and targets of its output shape: 0/1 labels under a
    sigmoid, one-hot rows under a softmax, normal values otherwise."""
    inputs, outputs = config["input_shape"][1:], config["output_shape"][1:]
    if None in inputs or None in outputs:
        raise UserError("The reference model takes inputs of a variable size: give it a fixed input shape for the checks to draw inputs.")
    first = next((layer for layer in config["layers"] if layer["type"] != "InputLayer"), {})
    x = rng.integers(0, VOCABULARY, size=(SAMPLES, *inputs)).astype(np.float64) if first.get("type") == "Embedding" else rng.normal(size=(SAMPLES, *inputs))
    activation = config["layers"][-1]["activation"]
    if activation == "sigmoid":
        y = (rng.random((SAMPLES, *outputs)) < 0.5).astype(np.float64)
    elif activation == "softmax":
        y = np.eye(outputs[-1])[rng.integers(0, outputs[-1], size=(SAMPLES, *outputs[:-1]))]
    else:
        y = rng.normal(size=(SAMPLES, *outputs))
    return x, y


def model_case(model: Any, rng: np.random.Generator) -> dict[str, Any]:
    """One argument set's reference: config, hidden weights, inputs, targets, training steps compared, behaviour."""
    config = model_config(model)
    if not config["keras_model"]:
        raise UserError(f"The reference solution returned a {config['type']}, not a Keras model.")
    weights = [WEIGHT_SCALE * rng.normal(size=tuple(w.shape)) for w in model.get_weights()]
    x, y = data(rng, config)
    steps = STEPS if trains(config) else 0
    return {"config": config, "weights": weights, "x": x, "y": y, "steps": steps,
            "behaviour": model_behaviour(model, weights, x, x, y, steps, SEED)}


def model_cases(references_file: str, function: str, cases: dict[str, dict[str, Any]]) -> Callable[[ModuleType], dict[str, Any]]:
    """A ``PRECOMPUTED`` entry: for each argument set, what the reference solution's ``function`` builds."""

    def compute(keras: ModuleType) -> dict[str, Any]:
        logging.getLogger("tensorflow").setLevel(logging.ERROR)  # its notes on retracing predict mean nothing to an instructor
        build = reference_function(references_file, function)
        return {name: model_case(build(**arguments), generator(f"{function}/{name}")) for name, arguments in cases.items()}

    return compute
