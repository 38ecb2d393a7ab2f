"""How a check judges a student's Keras model from the probes' reports, against a reference's.

Tier 1 reads what the model says it is (``model_config``): shapes, parameter count, the
layer sequence. Tier 2 also reads its regularisers, dropout rates and compile settings, but a
student's process can make any report lie, so tier 2 rests on behaviour too
(``model_behaviour``): with the reference's hidden weights set in, a model must compute the
reference's predictions on hidden inputs, its penalty and its losses after seeded training
steps. A liar would have to compute these correctly, which is the exercise.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograder.checks.api import Student, expect_array, expect_number, result
from . import inputs as hidden

ALIASES = {"acc": "accuracy", "binary_accuracy": "accuracy", "BinaryAccuracy": "accuracy"}
"""Names Keras resolves to the same thing ('accuracy' on a sigmoid output is binary accuracy)."""


def _plain(name: Any) -> Any:
    return ALIASES.get(name, name) if isinstance(name, str) else name


def config(student: Student, function: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """The student's model's report of itself; a failed check if the builder raised or returned no Keras model."""
    report = result(student.inspect("model_config", function, (), arguments))
    assert isinstance(report, dict) and report.get("keras_model") is True, f"{function}({_shown(arguments)}) did not return a Keras model"
    return report


def _shown(arguments: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in arguments.items())


def _layers(report: dict[str, Any]) -> list[dict[str, Any]]:
    layers = report.get("layers")
    assert isinstance(layers, list) and all(isinstance(layer, dict) for layer in layers), "the model's layers are not readable"
    return [layer for layer in layers if layer.get("type") != "InputLayer"]


def expect_structure(found: dict[str, Any], wanted: dict[str, Any], arguments: dict[str, Any]) -> None:
    """Tier 1: input and output shapes, parameter count, and layer types, units and activations."""
    call = _shown(arguments)
    for key in ("input_shape", "output_shape"):
        assert found.get(key) == wanted[key], f"{key} {found.get(key)} for {call}, expected {wanted[key]}"
    sequence = [(layer.get("type"), layer.get("units"), _plain(layer.get("activation"))) for layer in _layers(found)]
    expected = [(layer["type"], layer["units"], _plain(layer["activation"])) for layer in _layers(wanted)]
    assert sequence == expected, f"layers {sequence} for {call}, expected {expected}"
    assert found.get("params") == wanted["params"], f"{found.get('params')} parameters for {call}, expected {wanted['params']}"


def _same_regularizer(found: Any, wanted: Any) -> bool:
    if wanted is None or found is None:
        return found is None and wanted is None
    factors = {k: v for k, v in found.get("factors", {}).items() if v}
    kind = "L2" if found.get("kind") == "L1L2" and set(factors) <= {"l2"} else found.get("kind")
    return kind == wanted["kind"] and set(factors) == set(wanted["factors"]) and all(
        np.isclose(factors[k], v, rtol=1e-6, atol=0) for k, v in wanted["factors"].items())


def expect_regularization(found: dict[str, Any], wanted: dict[str, Any], arguments: dict[str, Any]) -> None:
    """Tier 2: each layer's kernel, bias and activity regularisers (kind and factor) and dropout rate."""
    for index, (mine, theirs) in enumerate(zip(_layers(found), _layers(wanted)), start=1):
        for key in ("kernel_regularizer", "bias_regularizer", "activity_regularizer"):
            assert _same_regularizer(mine.get(key), theirs[key]), f"layer {index}: {key} {mine.get(key)} for {_shown(arguments)}, expected {theirs[key]}"
        if theirs["rate"] is not None:
            rate = expect_number(mine.get("rate"))
            assert np.isclose(rate, theirs["rate"], rtol=1e-6, atol=1e-9), f"layer {index}: rate {rate} for {_shown(arguments)}, expected {theirs['rate']}"


def expect_compiled(found: dict[str, Any], wanted: dict[str, Any]) -> None:
    """Tier 2: compiled with the reference's optimizer class and learning rate, loss and metrics."""
    assert found.get("compiled") is True, "the model is not compiled"
    assert found.get("optimizer") == wanted["optimizer"], f"optimizer {found.get('optimizer')}, expected {wanted['optimizer']}"
    rate = expect_number(found.get("learning_rate"))
    assert np.isclose(rate, wanted["learning_rate"], rtol=1e-6, atol=0), f"learning rate {rate}, expected {wanted['learning_rate']}"
    assert _plain(found.get("loss")) == _plain(wanted["loss"]), f"loss {found.get('loss')}, expected {wanted['loss']}"
    metrics = found.get("metrics")
    assert isinstance(metrics, list) and [_plain(m) for m in metrics] == [_plain(m) for m in wanted["metrics"]], (
        f"metrics {metrics}, expected {wanted['metrics']}")


def expect_behaviour(student: Student, function: str, arguments: dict[str, Any], case: dict[str, Any], training: bool) -> None:
    """Tier 2: with the hidden weights set, the student's model computes what the reference computed:
    ``model(x)`` and ``model.predict(x)`` (so an overridden ``predict`` or a faking layer shows),
    ``sum(model.losses)`` (a regulariser named but not applied shows), and, when ``training`` is
    deterministic across backends, the losses of seeded ``train_on_batch`` steps."""
    wanted = case["behaviour"]
    probe_args = (case["weights"], case["x"], case["x"], case["y"], hidden.STEPS, hidden.SEED)
    report = result(student.inspect("model_behaviour", function, (), arguments, probe_args))
    assert isinstance(report, dict), "the model's behaviour is not readable"
    call = _shown(arguments)
    for key in ("called", "predicted"):
        output = expect_array(report.get(key), shape=wanted[key].shape, kinds="f", finite=True)
        how = "model(x)" if key == "called" else "model.predict(x)"
        assert np.allclose(output, wanted[key], rtol=hidden.RTOL_OUTPUT, atol=hidden.ATOL_OUTPUT), f"{how} differs from the reference for {call}"
    penalty = expect_number(report.get("penalty"))
    assert np.isclose(penalty, wanted["penalty"], rtol=hidden.RTOL_PENALTY, atol=hidden.ATOL_PENALTY), f"sum(model.losses) {penalty} for {call}, expected {wanted['penalty']}"
    if training:
        losses = report.get("train_losses")
        assert isinstance(losses, list) and len(losses) == hidden.STEPS, "the training losses are not readable"
        found = np.array([expect_number(loss) for loss in losses])
        assert np.allclose(found, wanted["train_losses"], rtol=hidden.RTOL_TRAIN, atol=hidden.ATOL_TRAIN), (
            f"losses after train_on_batch {found.tolist()} for {call}, expected {wanted['train_losses']}")
