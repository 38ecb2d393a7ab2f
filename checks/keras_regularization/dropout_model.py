"""Checks of the `dropout_model` exercise: build_dropout_model, on every argument set of
``inputs.DROPOUT_CASES``.

Dropout masks are drawn by the backend's own generator, so they differ between the grader's
backend and the sandbox's even under one seed. What is deterministic is compared: the rate
each Dropout layer reports, inference (dropout is the identity there, so predictions with the
hidden weights must match), and the training losses where the rate is 0.
"""
from __future__ import annotations

from autograder.checks.api import check
from . import inputs as hidden
from . import models

LECTURE = 'lecture "Python with Keras, Regularization", slide "Regularization: adding dropout"'
LECTURE_LAYER = 'lecture "Regularization and more topics related to training: Deep Learning", slide "Dropout as a layer"'
FUNCTION = "build_dropout_model"


@check(tier=1, says="build_dropout_model returns a Keras model of Dense relu, Dropout, Dense relu, Dropout, Dense sigmoid of one unit, with the input, output and parameter count the arguments ask for", lecture=LECTURE)
def test_contract_build_dropout_model(student, reference):
    for name, arguments in hidden.DROPOUT_CASES.items():
        models.expect_structure(models.config(student, FUNCTION, arguments), reference["dropout_model"][name]["config"], arguments)


@check(tier=2, says="Each Dropout layer drops with probability rate (rate = 1 - keep_prob), and no layer is regularised", lecture=LECTURE_LAYER)
def test_rates(student, reference):
    for name, arguments in hidden.DROPOUT_CASES.items():
        models.expect_regularization(models.config(student, FUNCTION, arguments), reference["dropout_model"][name]["config"], arguments)


@check(tier=2, says="The model is compiled with optimizer='rmsprop', loss='binary_crossentropy' and metrics=['accuracy']", lecture=LECTURE)
def test_compiled(student, reference):
    for name, arguments in hidden.DROPOUT_CASES.items():
        models.expect_compiled(models.config(student, FUNCTION, arguments), reference["dropout_model"][name]["config"])


@check(tier=2, says="With given weights the model predicts like the reference (dropout is off at inference), and trains like it when the rate is 0", lecture=LECTURE_LAYER)
def test_behaviour(student, reference):
    for name, arguments in hidden.DROPOUT_CASES.items():
        models.expect_behaviour(student, FUNCTION, arguments, reference["dropout_model"][name], training=arguments.get("rate") == 0.0)
