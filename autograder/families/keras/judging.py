"""How a check judges a student's Keras model from the probes' reports, against a reference model's.

Tier 1 reads what the model says it is (``model_config``): input and output
shapes, parameter count, the layer sequence with units and activations. Tier 2
also reads its regularisers, dropout rates and compile settings, but a
student's process can make any report lie, so tier 2 rests on behaviour too
(``model_behaviour``): with the reference's hidden weights set in, a model must
compute the reference's predictions on hidden inputs, its penalty, and, where
the reference is compiled and draws nothing at random, its losses after seeded
training steps. A liar would have to compute these correctly, which is the
exercise.

Generated checks call these on every argument set of their exercise; the
references they compare with come from :mod:`autograder.families.keras.references`.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograder.checks.api import Student, StudentRaised, expect_array, expect_number
from autograder.reference_agreement import Tolerance

ALIASES = {"acc": "accuracy", "binary_accuracy": "accuracy", "BinaryAccuracy": "accuracy"}
"""Names Keras resolves to the same thing ('accuracy' on a sigmoid output is binary accuracy)."""


OUTPUT = Tolerance(1e-4, 1e-5)
"""Predictions of one float32 network on two backends. Rounding (eps 6e-8 an operation) in a
sum of n products grows like sqrt(n) * 6e-8 relative in practice and n * 6e-8 at worst: under
2e-6 for the fan-ins up to a few hundred of lecture models, and a tanh or sigmoid shrinks it. 1e-4
relative plus 1e-5 absolute is far above that and far below what a wrong weight, unit count or
activation changes (order 1e-1)."""
PENALTY = Tolerance(1e-4, 1e-9)
"""sum(model.losses) sums squares in float32: relative error under n * 6e-8 for n up to 1e3
squares. A factor off by one digit is off by 90%. A model without regularisers has a penalty of
exactly 0, which the absolute part leaves no room around."""
TRAINING = Tolerance(1e-3, 1e-5)
"""Losses after three seeded RMSprop (or other) steps: an optimiser's step is about its learning
rate whatever the gradient, so rounding that flips the sign of a near-zero gradient moves a
weight by at most two steps and the loss by less than 1e-6; 1e-3 relative is above this and
below what a wrong loss, optimiser or regulariser changes."""


def close(tolerance: Tolerance, found: Any, wanted: Any) -> bool:
    return bool(np.allclose(found, wanted, rtol=tolerance.rtol, atol=tolerance.atol))


def _plain(name: Any) -> Any:
    return ALIASES.get(name, name) if isinstance(name, str) else name


def shown(arguments: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in arguments.items())


def config(student: Student, function: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """The student's model's report of itself; a failed check if the builder raised (the student
    reads which function raised what) or returned no Keras model."""
    returned = student.inspect("model_config", function, (), arguments)
    if returned.error is not None:
        raise StudentRaised(returned.error, function)
    report = returned.value
    assert isinstance(report, dict) and report.get("keras_model") is True, f"{function}({shown(arguments)}) did not return a Keras model"
    return report


def layers(report: dict[str, Any]) -> list[dict[str, Any]]:
    found = report.get("layers")
    assert isinstance(found, list) and all(isinstance(layer, dict) for layer in found), "the model's layers are not readable"
    return [layer for layer in found if layer.get("type") != "InputLayer"]


def expect_structure(found: dict[str, Any], wanted: dict[str, Any], arguments: dict[str, Any]) -> None:
    """Tier 1: input and output shapes, parameter count, and layer types, order, units and activations."""
    call = shown(arguments)
    for key in ("input_shape", "output_shape"):
        assert found.get(key) == wanted[key], f"{key} {found.get(key)} for {call}, expected {wanted[key]}"
    sequence = [(layer.get("type"), layer.get("units"), _plain(layer.get("activation"))) for layer in layers(found)]
    expected = [(layer["type"], layer["units"], _plain(layer["activation"])) for layer in layers(wanted)]
    assert sequence == expected, f"layers {sequence} for {call}, expected {expected}"
    assert found.get("params") == wanted["params"], f"{found.get('params')} parameters for {call}, expected {wanted['params']}"


def _same_regularizer(found: Any, wanted: Any) -> bool:
    if wanted is None or found is None:
        return found is None and wanted is None
    factors = {k: v for k, v in found.get("factors", {}).items() if v}
    kind = "L2" if found.get("kind") == "L1L2" and set(factors) <= {"l2"} else found.get("kind")
    kind = "L1" if found.get("kind") == "L1L2" and set(factors) == {"l1"} else kind
    return kind == wanted["kind"] and set(factors) == set(wanted["factors"]) and all(
        np.isclose(factors[k], v, rtol=1e-6, atol=0) for k, v in wanted["factors"].items())


def expect_regularization(found: dict[str, Any], wanted: dict[str, Any], arguments: dict[str, Any]) -> None:
    """Tier 2: each layer's kernel, bias and activity regularisers (kind and factor) and dropout rate."""
    for index, (mine, theirs) in enumerate(zip(layers(found), layers(wanted)), start=1):
        for key in ("kernel_regularizer", "bias_regularizer", "activity_regularizer"):
            assert _same_regularizer(mine.get(key), theirs[key]), f"layer {index}: {key} {mine.get(key)} for {shown(arguments)}, expected {theirs[key]}"
        if theirs["rate"] is not None:
            rate = expect_number(mine.get("rate"))
            assert np.isclose(rate, theirs["rate"], rtol=1e-6, atol=1e-9), f"layer {index}: rate {rate} for {shown(arguments)}, expected {theirs['rate']}"


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


def behaviour(student: Student, function: str, arguments: dict[str, Any], case: dict[str, Any], steps: int, seed: int) -> dict[str, Any]:
    """The student's model's behaviour report with the case's hidden weights, inputs and targets."""
    probe_args = (case["weights"], case["x"], case["x"], case["y"], steps, seed)
    returned = student.inspect("model_behaviour", function, (), arguments, probe_args)
    if returned.error is not None:
        raise StudentRaised(returned.error, function)
    assert isinstance(returned.value, dict), "the model's behaviour is not readable"
    return returned.value


def expect_behaviour(
    report: dict[str, Any], wanted: dict[str, Any], arguments: dict[str, Any], training: bool,
    output: Tolerance = OUTPUT, penalty: Tolerance = PENALTY, trained: Tolerance = TRAINING,
) -> None:
    """Tier 2: with the hidden weights set, the student's model computes what the reference computed:
    ``model(x)`` and ``model.predict(x)`` (so an overridden ``predict`` or a faking layer shows),
    ``sum(model.losses)`` (a regulariser named but not applied shows), and, when ``training``, the
    losses of the seeded ``train_on_batch`` steps."""
    call = shown(arguments)
    for key in ("called", "predicted"):
        found = expect_array(report.get(key), shape=wanted[key].shape, kinds="f", finite=True)
        how = "model(x)" if key == "called" else "model.predict(x)"
        assert close(output, found, wanted[key]), f"{how} differs from the reference for {call}"
    found_penalty = expect_number(report.get("penalty"))
    assert close(penalty, found_penalty, wanted["penalty"]), f"sum(model.losses) {found_penalty} for {call}, expected {wanted['penalty']}"
    if training:
        losses = report.get("train_losses")
        assert isinstance(losses, list) and len(losses) == len(wanted["train_losses"]), "the training losses are not readable"
        found_losses = np.array([expect_number(loss) for loss in losses])
        assert close(trained, found_losses, wanted["train_losses"]), (
            f"losses after train_on_batch {found_losses.tolist()} for {call}, expected {wanted['train_losses']}")
