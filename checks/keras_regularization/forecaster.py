"""Checks of the `forecaster` exercise: build_forecaster, on every argument set of
``inputs.FORECASTER_CASES`` (one feature and several)."""
from __future__ import annotations

from autograder.checks.api import check
from . import inputs as hidden
from . import models

LECTURE = 'lecture "Deep learning: Regularisation & Sequential modelling", slide "Recurrent Network Data"'
LECTURE_REGRESSION = 'lecture "Deep learning: Regularisation & Sequential modelling", slide "Multi-class classification"'
FUNCTION = "build_forecaster"


@check(tier=1, says="build_forecaster returns a Keras model of SimpleRNN(units) then a linear Dense with one unit per feature, taking (sequence_length, features) windows", lecture=LECTURE)
def test_contract_build_forecaster(student, reference):
    for name, arguments in hidden.FORECASTER_CASES.items():
        models.expect_structure(models.config(student, FUNCTION, arguments), reference["forecaster"][name]["config"], arguments)


@check(tier=2, says="The forecaster is compiled with optimizer='rmsprop' and loss='mse', and no layer is regularised", lecture=LECTURE_REGRESSION)
def test_compiled(student, reference):
    for name, arguments in hidden.FORECASTER_CASES.items():
        wanted = reference["forecaster"][name]["config"]
        found = models.config(student, FUNCTION, arguments)
        models.expect_compiled(found, wanted)
        models.expect_regularization(found, wanted, arguments)


@check(tier=2, says="With given weights the forecaster predicts and trains like the reference model", lecture=LECTURE)
def test_behaviour(student, reference):
    for name, arguments in hidden.FORECASTER_CASES.items():
        models.expect_behaviour(student, FUNCTION, arguments, reference["forecaster"][name], training=True)
