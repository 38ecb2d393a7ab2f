"""Checks of the `l2` exercise: l2_penalty, l2_gradient_term, sgd_step_l2.

The reference is Keras: a model whose Dense kernels carry
``keras.regularizers.L2(lam)`` and hold the hidden kernels; its ``model.losses``
sum to the penalty, the regulariser's autodiff gradient is the gradient term,
and Keras's SGD optimizer takes the step.
"""
from __future__ import annotations

import numpy as np

from autograder.checks.api import Call, called, check, expect_array, expect_number, expect_raises, expect_unchanged, result
from . import inputs as hidden

LECTURE = 'lecture "Regularization and more topics related to training: Deep Learning", slide "L2 Regularization"'
LECTURE_BACKPROP = 'lecture "Regularization and more topics related to training: Deep Learning", slide "Let\'s look at Backprop for one weight"'


def _close_number(found: float, wanted: float) -> bool:
    return abs(found - wanted) <= hidden.ATOL + hidden.RTOL * abs(wanted)


_W = np.arange(6.0).reshape(2, 3) / 10


@check(
    tier=1,
    says="l2_penalty(weights, lam) runs on a list of ordinary kernels and returns a number",
    lecture=LECTURE,
)
def test_contract_l2_penalty(student):
    expect_number(called(student, "l2_penalty", [_W, _W.T], 0.01))


@check(
    tier=1,
    says="l2_gradient_term(W, lam) runs on an ordinary kernel and returns a float array of the kernel's shape",
    lecture=LECTURE_BACKPROP,
)
def test_contract_l2_gradient_term(student):
    expect_array(called(student, "l2_gradient_term", _W, 0.01), shape=_W.shape, kinds="f")


@check(
    tier=1,
    says="sgd_step_l2(W, dW, lam, lr) runs on an ordinary kernel and returns a float array of the kernel's shape",
    lecture=LECTURE_BACKPROP,
)
def test_contract_sgd_step_l2(student):
    expect_array(called(student, "sgd_step_l2", _W, np.ones_like(_W), 0.01, 0.1), shape=_W.shape, kinds="f")


@check(
    tier=1,
    says="l2_penalty equals what keras.regularizers.L2(lam) adds to a model's losses: lam times the sum of the squared kernel entries of every layer",
    lecture=LECTURE,
)
def test_penalty_matches_keras(student, reference):
    wanted = reference["l2_penalties"]
    for lam, returned in zip(hidden.LAMBDAS, student.calls([Call.of("l2_penalty", list(hidden.KERNELS), lam) for lam in hidden.LAMBDAS])):
        found = expect_number(result(returned))
        assert _close_number(found, wanted[repr(lam)]), f"penalty {found} for lam={lam}, Keras gives {wanted[repr(lam)]}"


@check(
    tier=1,
    says="l2_penalty is 0 when lam is 0",
    lecture=LECTURE,
)
def test_penalty_zero_lambda(student):
    found = expect_number(result(student.call("l2_penalty", list(hidden.KERNELS), 0.0)))
    assert abs(found) <= 1e-12, f"penalty {found} for lam=0"


@check(
    tier=2,
    says="l2_penalty of an empty list of kernels (a model with no regularised layer) is 0.0",
    lecture=LECTURE,
)
def test_penalty_of_no_kernels(student):
    found = expect_number(result(student.call("l2_penalty", [], hidden.LAMBDAS[0])))
    assert found == 0.0, f"penalty {found} for no kernels"


@check(
    tier=2,
    says="l2_gradient_term equals the gradient of the L2 penalty with respect to the kernel",
    lecture=LECTURE_BACKPROP,
)
def test_gradient_matches_keras(student, reference):
    wanted = reference["l2_gradients"]
    W = hidden.KERNELS[0]
    for lam, returned in zip(hidden.GRADIENT_LAMBDAS, student.calls([Call.of("l2_gradient_term", W, lam) for lam in hidden.GRADIENT_LAMBDAS])):
        found = expect_array(result(returned), shape=W.shape, kinds="f")
        assert np.allclose(found, wanted[repr(lam)], rtol=hidden.RTOL, atol=hidden.ATOL), f"gradient differs for lam={lam}"


@check(
    tier=2,
    says="With lam = 0, l2_gradient_term is zero and sgd_step_l2 takes the plain step W - lr * dW",
    lecture=LECTURE_BACKPROP,
)
def test_zero_lambda_gradient_and_step(student):
    W, dW = hidden.W_STEP, hidden.DW_STEP
    gradient, step = student.calls([Call.of("l2_gradient_term", W, 0.0), Call.of("sgd_step_l2", W, dW, 0.0, hidden.LR_STEP)])
    found = expect_array(result(gradient), shape=W.shape, kinds="f", finite=True)
    assert np.all(found == 0.0), "gradient is not zero for lam=0"
    stepped = expect_array(result(step), shape=W.shape, kinds="f")
    assert np.allclose(stepped, W - hidden.LR_STEP * dW, rtol=hidden.RTOL, atol=hidden.ATOL), "the step for lam=0 is not W - lr * dW"


@check(
    tier=2,
    says="sgd_step_l2 returns W minus the learning rate times the sum of the loss gradient and the L2 gradient, as Keras's SGD does",
    lecture=LECTURE_BACKPROP,
)
def test_sgd_step_matches_keras(student, reference):
    W = hidden.W_STEP
    found = expect_array(result(student.call("sgd_step_l2", W, hidden.DW_STEP, hidden.LAM_STEP, hidden.LR_STEP)), shape=W.shape, kinds="f")
    assert np.allclose(found, reference["sgd_step"], rtol=hidden.RTOL, atol=hidden.ATOL), "the step differs from Keras's SGD"


@check(
    tier=2,
    says="sgd_step_l2 returns the new weights and leaves the W it was given unchanged",
    lecture=LECTURE_BACKPROP,
)
def test_sgd_step_leaves_w(student):
    W, dW = hidden.W_STEP, hidden.DW_STEP
    (returned,) = student.calls([Call.watching("sgd_step_l2", W, dW, hidden.LAM_STEP, hidden.LR_STEP)])
    result(returned)
    expect_unchanged(returned, W, dW)


@check(
    tier=2,
    says="l2_penalty and l2_gradient_term raise ValueError for a negative lam",
    lecture=LECTURE,
)
def test_rejects_negative_lambda(student):
    for returned in student.calls([
        Call.of("l2_penalty", list(hidden.KERNELS), hidden.NEGATIVE_LAMBDA),
        Call.of("l2_gradient_term", hidden.KERNELS[0], hidden.NEGATIVE_LAMBDA),
    ]):
        expect_raises(returned, "ValueError")
