"""The probes that report on a student's Keras model, and the ``tensorflow.keras`` shim.

The probes' logic is checked in this process on small models whose reports
are computed here by hand; the shim only exists inside the sandbox, so it is
checked there, with the Keras assignment's own sandbox settings. The fakes the
issue names (a layer or ``Lambda`` faking the output, an overridden
``predict``, a regulariser named but not applied) are catalogued mistakes of
``keras_regularization`` and proven by ``tests/checks/test_checks.py`` and
``selfcheck``.
"""
from __future__ import annotations

import numpy as np
import pytest

from autograder.assignment import load_assignment
from autograder.families.keras.probes import PROBES
from autograder.protocol import Student
from autograder.sandbox.confinement import detect
from autograder.sandbox.sandboxes import SandboxPool
from autograder.sandbox.settings import SandboxSettings

keras = pytest.importorskip("keras")


def _classifier() -> "keras.Model":
    model = keras.Sequential([
        keras.Input((3,)),
        keras.layers.Dense(2, activation="relu", kernel_regularizer=keras.regularizers.L2(0.01)),
        keras.layers.Dropout(0.25),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def test_config_of_anything_but_a_model_says_so():
    assert PROBES["model_config"](3) == {"keras_model": False, "type": "int"}


def test_config_reports_structure_regularizers_rates_and_compile_settings():
    report = PROBES["model_config"](_classifier())
    assert report["keras_model"] is True and report["compiled"] is True
    assert report["input_shape"] == [None, 3] and report["output_shape"] == [None, 1]
    assert report["params"] == (3 * 2 + 2) + (2 * 1 + 1)
    assert [(layer["type"], layer["units"], layer["activation"]) for layer in report["layers"]] == [
        ("Dense", 2, "relu"), ("Dropout", None, None), ("Dense", 1, "sigmoid")]
    first, dropout, last = report["layers"]
    assert first["kernel_regularizer"] == {"kind": "L2", "factors": {"l2": pytest.approx(0.01)}}
    assert last["kernel_regularizer"] is None and dropout["rate"] == 0.25
    assert (report["optimizer"], report["learning_rate"]) == ("RMSprop", pytest.approx(0.001))
    assert report["loss"] == "binary_crossentropy" and "accuracy" in report["metrics"]


def test_behaviour_reports_what_the_given_weights_compute():
    """y = x W + b with W = [[1], [2]], b = 0.5 and L2(0.5) on W: outputs, penalty and
    the first training step's loss (mean squared error plus the penalty) by hand."""
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, kernel_regularizer=keras.regularizers.L2(0.5))])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    weights = [np.array([[1.0], [2.0]]), np.array([0.5])]
    x = np.array([[1.0, 1.0], [0.0, 1.0]])
    y = np.array([[3.0], [2.0]])
    report = PROBES["model_behaviour"](model, weights, x, x, y, 2, 7)
    assert np.allclose(report["called"], [[3.5], [2.5]]) and np.allclose(report["predicted"], [[3.5], [2.5]])
    assert report["penalty"] == pytest.approx(0.5 * (1 + 4))
    assert report["train_losses"] == [pytest.approx(0.25 + 2.5, rel=1e-5)] * 2  # learning rate 0: the weights stay


def test_behaviour_shows_an_overridden_predict():
    class Lying(keras.Sequential):
        def predict(self, *args, **kwargs):
            return np.zeros((2, 1))

    model = Lying([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((2, 2))
    report = PROBES["model_behaviour"](model, [np.ones((2, 1)), np.zeros(1)], x, x, np.ones((2, 1)), 1, 7)
    assert np.allclose(report["called"], 2.0) and np.allclose(report["predicted"], 0.0)


@pytest.mark.skipif(not detect().confined, reason="the shim is checked in the confined sandbox")
def test_tensorflow_keras_in_the_sandbox_is_keras_itself():
    assignment = load_assignment("keras_regularization")
    settings = SandboxSettings(timeout=60, memory_mb=2048, runtime=assignment.runtime)
    source = (
        "import keras\nimport tensorflow as tf\nfrom tensorflow.keras import layers, regularizers\n"
        "def same():\n"
        "    return [tf.keras is keras, layers is keras.layers, regularizers is keras.regularizers,\n"
        "            tf.keras.Sequential is keras.Sequential, hasattr(tf, 'constant')]\n"
        "def build(spelling):\n"
        "    k = tf.keras if spelling == 'tensorflow' else keras\n"
        "    model = k.Sequential([k.Input((4,)), k.layers.Dense(3, activation='relu'), k.layers.Dense(1)])\n"
        "    model.compile(optimizer='rmsprop', loss='mse')\n"
        "    return model\n"
    )
    pool = SandboxPool(settings, 1)
    try:
        with pool.checkout() as sandbox, sandbox.session([(0, source)], ["same", "build"]) as session:
            assert Student(session).call("same").value == [True, True, True, True, False]
            spelled_tf = Student(session).inspect("model_config", "build", ("tensorflow",)).value
            spelled_keras = Student(session).inspect("model_config", "build", ("keras",)).value
    finally:
        pool.close()
    assert spelled_tf["keras_model"] is True and spelled_tf == spelled_keras
