"""Keras reference answers for `regularization_rnn`.

``PRECOMPUTED`` values depend on the hidden inputs only, never on what a
student returned: Keras never runs on student values in the grader. Everything
returned is plain data (numpy arrays,
floats, bools, str, dicts with str keys). Only the Keras 3 API is used, so the
same code runs under every Keras backend, with or without TensorFlow installed;
the one backend-specific piece is the autodiff in :func:`_gradient`, one branch
per backend.
``RANDOM`` and ``TOLERANCES`` say how two computations of these entries (GPU and
CPU, or two backends) may differ (:mod:`autograder.reference_agreement`).
"""
from __future__ import annotations

from types import ModuleType
from typing import Any, Callable

import numpy as np

from . import inputs
from autograder.reference_agreement import EXACT, Tolerance

FLOATX = "float32"


def _numpy(keras: ModuleType, tensor: Any) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(tensor))


def _gradient(keras: ModuleType, fn: Callable[[Any], Any], x: np.ndarray) -> np.ndarray:
    """d fn(x) / dx for a scalar ``fn`` of one tensor, by the active backend's autodiff."""
    x = np.asarray(x, dtype=FLOATX)
    backend = keras.config.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        tensor = tf.convert_to_tensor(x)
        with tf.GradientTape() as tape:
            tape.watch(tensor)
            value = fn(tensor)
        return np.asarray(tape.gradient(value, tensor))
    if backend == "jax":
        import jax
        import jax.numpy as jnp

        return np.asarray(jax.grad(fn)(jnp.asarray(x)))
    if backend == "torch":
        tensor = keras.ops.convert_to_tensor(x).detach().requires_grad_(True)  # on Keras's device, beside its other tensors
        fn(tensor).backward()
        return tensor.grad.detach().cpu().numpy()
    raise NotImplementedError(f"no autodiff route for the {backend} backend")


# --------------------------------------------------------------------- dropout
def dropout_value_sets(keras: ModuleType) -> dict[str, np.ndarray]:
    """The distinct values Keras's Dropout(rate=1-keep_prob) gives a tensor of ones in training."""
    values = {}
    ones = np.ones(inputs.ONES_SHAPE, dtype=FLOATX)
    for i, keep_prob in enumerate(inputs.VALUE_KEEP_PROBS):
        layer = keras.layers.Dropout(rate=1.0 - keep_prob, seed=100 + i)
        out = _numpy(keras, layer(ones, training=True))
        values[repr(keep_prob)] = np.unique(out).astype(np.float64)
    return values


# ------------------------------------------------------------------------- l2
def _regularised_model(keras: ModuleType, lam: float) -> Any:
    sizes = inputs.LAYER_SIZES
    model = keras.Sequential(
        [keras.Input((sizes[0],))]
        + [keras.layers.Dense(n, kernel_regularizer=keras.regularizers.L2(lam)) for n in sizes[1:]]
    )
    for layer, kernel in zip(model.layers, inputs.KERNELS):
        layer.kernel.assign(kernel.astype(FLOATX))
    return model


def l2_penalties(keras: ModuleType) -> dict[str, float]:
    """Sum of ``model.losses`` of a model whose kernels carry L2(lam) and equal inputs.KERNELS."""
    return {
        repr(lam): float(sum(float(_numpy(keras, loss)) for loss in _regularised_model(keras, lam).losses))
        for lam in inputs.LAMBDAS
    }


def l2_gradients(keras: ModuleType) -> dict[str, np.ndarray]:
    """Gradient of the first layer's regularisation loss with respect to its kernel."""
    gradients = {}
    for lam in inputs.GRADIENT_LAMBDAS:
        regularizer = _regularised_model(keras, lam).layers[0].kernel_regularizer
        gradients[repr(lam)] = _gradient(keras, regularizer, inputs.KERNELS[0])
    return gradients


def sgd_step(keras: ModuleType) -> np.ndarray:
    """Keras's SGD applied once to W with the gradient dW + d(L2(lam)(W))/dW."""
    regularizer = keras.regularizers.L2(inputs.LAM_STEP)
    gradient = inputs.DW_STEP.astype(FLOATX) + _gradient(keras, regularizer, inputs.W_STEP)
    variable = keras.Variable(inputs.W_STEP.astype(FLOATX))
    optimizer = keras.optimizers.SGD(learning_rate=inputs.LR_STEP)
    optimizer.apply_gradients([(keras.ops.convert_to_tensor(gradient), variable)])
    return _numpy(keras, keras.ops.add(variable.value, 0.0)).astype(np.float64)  # a plain tensor: no Variable __array__


# ----------------------------------------------------------------- softmax_ce
def _softmax(keras: ModuleType, logits: np.ndarray) -> np.ndarray:
    return _numpy(keras, keras.activations.softmax(keras.ops.convert_to_tensor(logits.astype(FLOATX)), axis=-1))


def _cross_entropy(keras: ModuleType, logits: np.ndarray, y: np.ndarray) -> float:
    loss = keras.losses.CategoricalCrossentropy(from_logits=True)
    return float(_numpy(keras, loss(y.astype(FLOATX), logits.astype(FLOATX))))


def _cross_entropy_gradient(keras: ModuleType, logits: np.ndarray, y: np.ndarray) -> np.ndarray:
    loss = keras.losses.CategoricalCrossentropy(from_logits=True)
    labels = keras.ops.convert_to_tensor(y.astype(FLOATX))
    return _gradient(keras, lambda z: loss(labels, z), logits)


def softmax_values(keras: ModuleType) -> dict[str, Any]:
    cases = {
        "moderate": (inputs.LOGITS_MODERATE, inputs.Y_MODERATE),
        "extreme": (inputs.LOGITS_EXTREME, inputs.Y_EXTREME),
    }
    return {
        name: {
            "softmax": _softmax(keras, z),
            "loss": _cross_entropy(keras, z, y),
            "gradient": _cross_entropy_gradient(keras, z, y),
        }
        for name, (z, y) in cases.items()
    }


# ----------------------------------------------------------------- rnn_shaping
def _windows(series: np.ndarray, length: int) -> tuple[np.ndarray, np.ndarray]:
    """All T-L windows and their next steps, as ``timeseries_dataset_from_array(data=series[:-1],
    targets=series[L:], sequence_length=L, shuffle=False)`` gives them, by plain indexing.

    The function needs tf.data or grain, which a grader with only torch or JAX lacks. Its
    semantics (Keras's ``timeseries_dataset_utils``): with stride and sampling rate 1 it yields
    ``len(data) - (L - 1)`` windows, fewer if ``targets`` is shorter; window i is
    ``data[i:i+L]`` and its target ``targets[i]``. With ``data = series[:-1]`` that is T-L windows
    ``series[i:i+L]`` with targets ``series[i+L]``: the last window ends at T-2, its target is
    T-1. (The documented ``data=series[:-L]`` would stop L-1 windows early.) The equality
    with the real function is tested wherever TensorFlow is installed.
    """
    starts = np.arange(len(series) - length)
    x = series[starts[:, None] + np.arange(length)[None, :]]
    return x.astype(np.float64), series[length:].astype(np.float64)


def windows(keras: ModuleType) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return {
        "multi": _windows(inputs.SERIES_MULTI, inputs.LENGTH_MULTI),
        # A 1-D series is one feature: Keras is given it with its feature axis.
        "one_feature": _windows(inputs.SERIES_1D[:, None], inputs.LENGTH_1D),
        **{name: _windows(inputs.SERIES_MULTI, length) for name, length in inputs.EDGE_LENGTHS.items()},
    }


PRECOMPUTED: dict[str, Callable[[ModuleType], Any]] = {
    "dropout_value_sets": dropout_value_sets,
    "l2_penalties": l2_penalties,
    "l2_gradients": l2_gradients,
    "sgd_step": sgd_step,
    "softmax": softmax_values,
    "windows": windows,
}

RANDOM = ("dropout_value_sets",)
"""Drawn by Keras's Dropout from a seed: each backend and device draws its own masks."""
TOLERANCES = {
    "windows": EXACT,
    "*": Tolerance(inputs.RTOL, inputs.ATOL),
}
"""Windows are compared exactly by the checks; every other entry with the assignment's one tolerance."""
