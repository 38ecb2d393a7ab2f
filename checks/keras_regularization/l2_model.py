"""Checks of the `l2_model` exercise: build_l2_model (Listing 5.13), on every argument set of
``inputs.L2_CASES``; the reference models are in ``references``."""
from __future__ import annotations

from autograder.checks.api import check
from . import inputs as hidden
from . import models

LECTURE = 'lecture "Intro to Neural Nets: Session 4: Model Fitting", slide "Regularizing Weights Means Less Entropy"'
LECTURE_KERAS = 'lecture "Python with Keras, Regularization", slide "Regularization: weight regularization"'
FUNCTION = "build_l2_model"


@check(tier=1, says="build_l2_model returns a Keras model with the input, output, parameter count and layers (Dense relu, Dense relu, Dense sigmoid of one unit) the arguments ask for", lecture=LECTURE)
def test_contract_build_l2_model(student, reference):
    for name, arguments in hidden.L2_CASES.items():
        models.expect_structure(models.config(student, FUNCTION, arguments), reference["l2_model"][name]["config"], arguments)


@check(tier=2, says="Both hidden Dense layers, and only they, carry keras.regularizers.L2(l2) on their kernels, and none does when l2 is 0", lecture=LECTURE_KERAS)
def test_regularizers(student, reference):
    for name, arguments in hidden.L2_CASES.items():
        models.expect_regularization(models.config(student, FUNCTION, arguments), reference["l2_model"][name]["config"], arguments)


@check(tier=2, says="The model is compiled with optimizer='rmsprop', loss='binary_crossentropy' and metrics=['accuracy']", lecture=LECTURE)
def test_compiled(student, reference):
    for name, arguments in hidden.L2_CASES.items():
        models.expect_compiled(models.config(student, FUNCTION, arguments), reference["l2_model"][name]["config"])


@check(tier=2, says="With given weights the model predicts, penalises (sum(model.losses)) and trains like the reference model", lecture=LECTURE_KERAS)
def test_behaviour(student, reference):
    for name, arguments in hidden.L2_CASES.items():
        models.expect_behaviour(student, FUNCTION, arguments, reference["l2_model"][name], training=True)
