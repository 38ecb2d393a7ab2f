"""Hidden inputs of `keras_regularization`: the argument sets every builder is called with,
the data and seeds of the behaviour probes, the histories of early stopping, and the
tolerances, each derived where it is set. Never shown to students."""
from __future__ import annotations

import zlib

import numpy as np

# ------------------------------------------------------------------ vectorize
SEQUENCES = [[3, 0, 7], [1], [9, 2, 5, 8], [4, 10, 6]]
DIMENSION = 11
EMPTY_SEQUENCES = [[], [2, 3]]
REPEATED = [[5, 5, 5, 1]]
OUT_OF_RANGE = ([[1, 2, 11]], [[0, -1]])
"""An index equal to the dimension, and a negative index (numpy would wrap it silently)."""

# ------------------------------------------------------------------- builders
L2_CASES = {
    "defaults": {"input_dim": 30},
    "small": {"input_dim": 12, "units": 8, "l2": 0.01},
    "no_l2": {"input_dim": 9, "units": 5, "l2": 0.0},
    "tiny_factor": {"input_dim": 7, "units": 6, "l2": 0.0005},
}
"""Defaults, other factors, l2=0 and other unit counts: a hard-coded factor or size meets one it misses."""
DROPOUT_CASES = {
    "defaults": {"input_dim": 30},
    "light": {"input_dim": 12, "units": 8, "rate": 0.3},
    "no_dropout": {"input_dim": 10, "units": 6, "rate": 0.0},
    "heavy": {"input_dim": 8, "units": 7, "rate": 0.8},
}
"""The rate 0.5 is its own complement: 0.3 and 0.8 catch a rate used as a keep probability."""
FORECASTER_CASES = {
    "one_feature": {"sequence_length": 8, "features": 1},
    "three_features": {"sequence_length": 6, "features": 3, "units": 5},
    "two_features": {"sequence_length": 5, "features": 2, "units": 9},
}
SAMPLES = 16
STEPS = 3
SEED = 7
WEIGHT_SCALE = 0.3
"""Hidden initial weights are normal with this deviation: every relu unit is live on some sample."""

RTOL_OUTPUT, ATOL_OUTPUT = 1e-4, 1e-5
"""Predictions of the same float32 network on two backends. Each pre-activation sums at most
31 products of size below 1 (inputs and weights of deviation 0.3 and 1), so float32 rounding
(eps 6e-8 per operation) moves it by at most 31 * 31 * 6e-8 < 6e-5 in the worst order of
summation, and a tanh or sigmoid shrinks that; a recurrence of 8 tanh steps adds each step's
error to a contracted previous one. 1e-4 relative plus 1e-5 absolute covers this, far below
what a wrong weight or activation changes (order 1e-1)."""
RTOL_PENALTY, ATOL_PENALTY = 1e-4, 1e-9
"""sum(model.losses) sums at most 2 * 30 * 16 = 960 squares in float32: relative error under
960 * 6e-8 < 6e-5. The nearest catalogued mistake (l2 halved) is off by 50%. A model without
regularisers has a penalty of exactly 0, which the absolute part leaves no room around."""
RTOL_TRAIN, ATOL_TRAIN = 1e-3, 1e-5
"""Losses after 3 RMSprop steps. RMSprop's step lr * g / sqrt(v) is about lr / sqrt(1 - rho)
= 0.0032 for any gradient g not tiny, so rounding that flips the sign of a near-zero g (below
1e-6) moves that weight by at most 0.0064 and the loss by under 1e-6 * 0.0064 per weight; the
other weights move by rounding only (relative 1e-6). 1e-3 relative is above this and below the
smallest catalogued change in the losses (the L2 term of l2=0.0005 alone is above 1%)."""


def generator(case: str) -> np.random.Generator:
    """One generator per named case: its hidden data do not depend on which cases run first."""
    return np.random.default_rng([20261123, zlib.crc32(case.encode())])


def data(rng: np.random.Generator, shape: tuple[int, ...], binary: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Inputs of ``shape`` and targets: 0/1 labels for a classifier, one step per feature otherwise."""
    x = rng.normal(size=(SAMPLES, *shape))
    y = (rng.random((SAMPLES, 1)) < 0.5).astype(np.float64) if binary else rng.normal(size=(SAMPLES, shape[-1]))
    return x, y


def weights(rng: np.random.Generator, shapes: list[tuple[int, ...]]) -> list[np.ndarray]:
    """The hidden initial weights, normal with WEIGHT_SCALE (biases included: a bias bug shows)."""
    return [WEIGHT_SCALE * rng.normal(size=shape) for shape in shapes]


# ------------------------------------------------------------- early stopping
HISTORIES = {
    "falls_then_rises": ([1.0, 0.8, 0.7, 0.72, 0.75, 0.9, 1.1], 2, 0.0),
    "noisy_fall": ([0.9, 0.85, 0.86, 0.8, 0.81, 0.82, 0.83, 0.84], 3, 0.0),
    "patience_one": ([0.5, 0.4, 0.45, 0.3, 0.35], 1, 0.0),
    "late_rise": ([2.0, 1.5, 1.2, 1.1, 1.05, 1.3, 1.4, 1.6, 1.8], 2, 0.0),
}
"""Ordinary histories: a loss that falls, then rises; patience at least 1; no min_delta."""
EDGE_HISTORIES = {
    "min_delta": ([1.0, 0.95, 0.93, 0.92, 0.8, 0.85, 0.9, 0.95], 2, 0.05),
    "min_delta_small": ([0.6, 0.59, 0.5, 0.49, 0.485, 0.6, 0.7], 2, 0.02),
    "ties": ([0.7, 0.6, 0.6, 0.6, 0.5, 0.55, 0.6], 2, 0.0),
    "patience_zero": ([0.9, 0.8, 0.85, 0.7, 0.6], 0, 0.0),
    "never_stops": ([1.0, 0.9, 0.8, 0.85, 0.7, 0.6], 2, 0.0),
    "never_stops_flat_end": ([1.0, 0.9, 0.95, 0.8, 0.85], 3, 0.0),
}
"""min_delta > 0, ties (not an improvement), patience 0, and histories that never stop."""
