"""Hidden inputs of `regularization_rnn`, shared by the checks and the Keras references.

Everything is built from fixed numpy seeds at import, so the checks and the
reference answers always see the same arrays. All floating inputs are float64.
"""
from __future__ import annotations

import numpy as np

# --------------------------------------------------------------------- dropout
# Kept fraction: one mask of MASK_SHAPE per keep_prob. Neither is 0.5, which
# cannot tell "keep" from "drop"; each alone already catches a mask constant
# along rows or columns (see dropout.py). 9e4 booleans per call: 90 kB on the wire.
MASK_SHAPE = (300, 300)
KEEP_PROBS = (0.8, 0.3)
MASK_SEEDS = (11, 12)

# Two masks from one generator / two generators with one seed.
SMALL_SHAPE = (50, 200)
SMALL_KEEP = 0.5
SAME_GENERATOR_SEED = 21
SAME_SEED = 22

# Entries drawn one by one: the kept counts of COUNT_MASKS masks from one
# generator must not all be equal (see dropout.py for the bound).
COUNT_SHAPE = (1000,)
COUNT_KEEP = 0.5
COUNT_MASKS = 8
COUNT_SEED = 23

# inverted_dropout on ordinary data: the output is x * mask / keep_prob.
_rng = np.random.default_rng(1001)
X_DROPOUT = _rng.normal(size=(40, 60))
KEEP_DROPOUT = 0.8
DROPOUT_SEED = 31
RNG_SEED = 34
X_LIST = [[1.5, -2.0, 0.25, 4.0], [3.0, 0.5, -1.0, 2.5], [0.75, -0.5, 1.25, -3.0]]

# Mean preservation: positive entries in [1, 2], 4e3 of them.
X_MEAN = _rng.uniform(1.0, 2.0, size=(40, 100))
KEEP_MEAN = 0.7
MEAN_SEED = 32

# Values produced on a tensor of ones, compared with Keras's Dropout layer.
ONES_SHAPE = (40, 50)
VALUE_KEEP_PROBS = (0.8, 0.25, 0.6)
VALUE_SEED = 33

BAD_KEEP_PROBS = (0.0, -0.5, 1.5)

# ------------------------------------------------------------------------- l2
_rng = np.random.default_rng(2002)
LAYER_SIZES = (5, 4, 3, 2)  # a Dense(4) -> Dense(3) -> Dense(2) model on 5 inputs
KERNELS = [_rng.normal(size=(n_in, n_out)) for n_in, n_out in zip(LAYER_SIZES[:-1], LAYER_SIZES[1:])]
LAMBDAS = (0.01, 0.5)
W_STEP = _rng.normal(size=(6, 4))
DW_STEP = _rng.normal(size=(6, 4))
LAM_STEP = 0.05
LR_STEP = 0.1
GRADIENT_LAMBDAS = (0.01, 0.3)
NEGATIVE_LAMBDA = -0.1

# ----------------------------------------------------------------- softmax_ce
_rng = np.random.default_rng(3003)
N_CLASSES = 10
LOGITS_MODERATE = np.clip(_rng.normal(scale=4.0, size=(64, N_CLASSES)), -10.0, 10.0)
# Ordinary predictions: each label on a class the logits give probability
# LIKELY or more, where a small constant inside the log or a clip of the
# probabilities changes the loss by less than the tolerance (see softmax_ce.py).
LIKELY = 0.05
_p = np.exp(LOGITS_MODERATE - LOGITS_MODERATE.max(axis=1, keepdims=True))
_p /= _p.sum(axis=1, keepdims=True)
Y_MODERATE = np.eye(N_CLASSES)[[_rng.choice(np.flatnonzero(row >= LIKELY)) for row in _p]]

# Rows a naive exp overflows or underflows on; every entry is exact in float32.
LOGITS_EXTREME = np.array(
    [
        [1000.0, -1000.0, 0.0, 0.0],
        [10000.0, 0.0, -10000.0, 5.0],
        [-1000.0, -999.0, -998.0, -997.0],
        [1000.0, 1001.0, 999.0, 1000.0],
        [-10000.0, 10000.0, 0.0, 10000.0],
        [300000.0, -300000.0, 3.0, 2.0],
        [10000.0, 10000.0, 10000.0, 10000.0],
    ]
)
# Labels put on low-probability classes too, so the loss is large there.
Y_EXTREME = np.eye(4)[[1, 2, 0, 1, 0, 3, 2]].astype(float)

# Small inputs for the contract check.
LOGITS_SMALL = np.array([[1.0, 2.0, 3.0], [0.5, -0.5, 0.0]])
Y_SMALL = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])

# ----------------------------------------------------------------- rnn_shaping
_rng = np.random.default_rng(4004)
# Multiples of 1/8: exact in float32 and float64, so windows compare exactly.
SERIES_MULTI = _rng.integers(-400, 400, size=(60, 3)) / 8.0
LENGTH_MULTI = 7
SERIES_1D = _rng.integers(-400, 400, size=45) / 8.0
LENGTH_1D = 5
SERIES_SMALL = np.arange(24.0).reshape(12, 2)
LENGTH_SMALL = 3
BAD_LENGTHS = (0, -3, SERIES_MULTI.shape[0], SERIES_MULTI.shape[0] + 5)
# The extremes of the valid lengths: windows of one step, and a single window of T - 1 steps.
EDGE_LENGTHS = {"shortest": 1, "longest": SERIES_MULTI.shape[0] - 1}

# ------------------------------------------------------------------ tolerances
# Keras computes in float32 (relative precision ~6e-8); these accept float32 or
# float64 student work written in any style, and nothing coarser.
RTOL = 1e-5
ATOL = 1e-6
