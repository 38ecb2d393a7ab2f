"""Probes: functions the sandbox applies to what a student's function returned,
so that a check learns about an object (a Keras model) that cannot cross the
boundary. Each takes the returned value (and plain-data arguments) and gives
back plain data; it runs in the student's process, so what it reports is as
hostile as anything else from there, and checks judge it as such.

Part of the sandbox runtime: imports only what the zygote preloads, lazily.
"""
from __future__ import annotations

from typing import Any, Callable

PROBES: dict[str, Callable[..., Any]] = {}
"""Probe name -> function(value, *arguments) -> plain data."""


def _keras() -> Any:
    import keras

    return keras


def _name(value: Any) -> str | None:
    """What names a loss, metric or activation, whatever form the student gave it in."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dict):  # a metric or loss object as get_compile_config serialises it
        config = value.get("config")
        return str((config.get("name") if isinstance(config, dict) else None) or value.get("class_name"))
    return str(getattr(value, "name", None) or getattr(value, "__name__", None) or type(value).__name__)


def _regularizer(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    config = value.get_config() if hasattr(value, "get_config") else {}
    return {"kind": type(value).__name__, "factors": {str(k): float(v) for k, v in config.items() if isinstance(v, (int, float))}}


def _layer(layer: Any) -> dict[str, Any]:
    """What a layer says it is: type, size, activation, rate, regularisers, sequence output."""
    return {
        "type": type(layer).__name__,
        "units": getattr(layer, "units", None),
        "activation": _name(getattr(layer, "activation", None)),
        "rate": getattr(layer, "rate", None),
        "kernel_regularizer": _regularizer(getattr(layer, "kernel_regularizer", None)),
        "bias_regularizer": _regularizer(getattr(layer, "bias_regularizer", None)),
        "activity_regularizer": _regularizer(getattr(layer, "activity_regularizer", None)),
        "return_sequences": getattr(layer, "return_sequences", None),
    }


def _shape(shape: Any) -> list[int | None]:
    return [None if n is None else int(n) for n in shape]


def model_config(model: Any) -> dict[str, Any]:
    """A Keras model's structure and compile settings as plain data; ``{"keras_model": False}`` for anything else."""
    keras = _keras()
    if not isinstance(model, keras.Model):
        return {"keras_model": False, "type": type(model).__name__}
    optimizer = getattr(model, "optimizer", None)
    compiled = bool(getattr(model, "compiled", False))
    config = model.get_compile_config() if compiled else None
    metrics = (config or {}).get("metrics") or []
    return {
        "keras_model": True,
        "type": type(model).__name__,
        "input_shape": _shape(model.input_shape),
        "output_shape": _shape(model.output_shape),
        "params": int(model.count_params()),
        "layers": [_layer(layer) for layer in model.layers],
        "compiled": compiled,
        "optimizer": type(optimizer).__name__ if compiled and optimizer is not None else None,
        "learning_rate": float(optimizer.learning_rate) if compiled and optimizer is not None else None,
        "loss": _name(keras.losses.get(model.loss) if isinstance(model.loss, str) else model.loss) if compiled else None,
        "metrics": [_name(metric) for metric in (metrics if isinstance(metrics, (list, tuple)) else [metrics])],
    }


def model_behaviour(model: Any, weights: list[Any], x: Any, train_x: Any, train_y: Any, steps: int, seed: int) -> dict[str, Any]:
    """What the model computes once the given weights are set: its inference output by
    ``model(x)`` and by ``model.predict(x)``, ``sum(model.losses)``, and the losses of
    ``steps`` seeded ``train_on_batch`` steps on (train_x, train_y)."""
    import numpy as np

    keras = _keras()
    model.set_weights([np.asarray(w, dtype="float32") for w in weights])
    called = keras.ops.convert_to_numpy(model(x.astype("float32"), training=False))
    predicted = model.predict(x.astype("float32"), verbose=0)
    penalty = float(sum(float(keras.ops.convert_to_numpy(loss)) for loss in model.losses))
    keras.utils.set_random_seed(seed)
    losses = []
    for _ in range(steps):
        reported = model.train_on_batch(train_x.astype("float32"), train_y.astype("float32"))
        losses.append(float(reported[0] if isinstance(reported, (list, tuple)) else reported))
    return {
        "called": np.asarray(called, dtype=np.float64),
        "predicted": np.asarray(predicted, dtype=np.float64),
        "penalty": penalty,
        "train_losses": losses,
    }


PROBES.update(model_config=model_config, model_behaviour=model_behaviour)
