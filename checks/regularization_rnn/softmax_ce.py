"""Checks of the `softmax_ce` exercise: softmax, softmax_cross_entropy, softmax_cross_entropy_grad.

References: ``keras.activations.softmax``, ``keras.losses.CategoricalCrossentropy(from_logits=True)``
(mean over the batch) and its autodiff gradient with respect to the logits.

Patched logs score 1, by decision. ``np.log(p + 1e-7)`` and
``np.log(np.clip(p, 1e-12, 1))`` are the cross-entropy (the tier-1 idea) made
finite by a constant, the way Keras's own ``from_logits=False`` loss clips at
its epsilon 1e-7, instead of by log-softmax. They differ from the true loss by
about 1e-7 / p where the labelled class has probability p, so the tier-1 case
holds ordinary predictions, every label on a class of probability 0.05 or more
(a change below 2e-6 per example, against a tolerance of 1.3e-5), and the
tier-2 extreme logits, where p underflows to 0 and the patched losses come out
near 16 or 28 instead of 1000 or more, take the point for stability away.
"""
from __future__ import annotations

import numpy as np

from autograder.checks.api import Call, called, check, expect_array, expect_number, expect_unchanged, result
from . import inputs as hidden

LECTURE_SOFTMAX = 'lecture "Python with Keras, Regularization", slide "Softmax function"'
LECTURE_CE = 'lecture "Python with Keras, Regularization", slide "Categorical cross-entropy"'

CASES = {
    "moderate": (hidden.LOGITS_MODERATE, hidden.Y_MODERATE),
    "extreme": (hidden.LOGITS_EXTREME, hidden.Y_EXTREME),
}


def _close(found: np.ndarray, wanted: np.ndarray) -> bool:
    return bool(np.allclose(found, wanted, rtol=hidden.RTOL, atol=hidden.ATOL))


def _close_number(found: float, wanted: float) -> bool:
    return abs(found - wanted) <= hidden.ATOL + hidden.RTOL * abs(wanted)


def _softmax(student, case):
    z, _ = CASES[case]
    return expect_array(result(student.call("softmax", z)), shape=z.shape, kinds="f")


def _loss(student, case):
    z, y = CASES[case]
    return expect_number(result(student.call("softmax_cross_entropy", z, y)), finite=False)


@check(
    tier=1,
    says="softmax(z) runs on ordinary logits and returns a float array of the logits' shape",
    lecture=LECTURE_SOFTMAX,
)
def test_contract_softmax(student):
    z = hidden.LOGITS_SMALL
    expect_array(called(student, "softmax", z), shape=z.shape, kinds="f")


@check(
    tier=1,
    says="softmax_cross_entropy(logits, y_onehot) runs on ordinary logits and returns a finite number",
    lecture=LECTURE_CE,
)
def test_contract_softmax_cross_entropy(student):
    expect_number(called(student, "softmax_cross_entropy", hidden.LOGITS_SMALL, hidden.Y_SMALL))


@check(
    tier=1,
    says="softmax_cross_entropy_grad(logits, y_onehot) runs on ordinary logits and returns a float array of the logits' shape",
    lecture=LECTURE_CE,
)
def test_contract_softmax_cross_entropy_grad(student):
    z = hidden.LOGITS_SMALL
    expect_array(called(student, "softmax_cross_entropy_grad", z, hidden.Y_SMALL), shape=z.shape, kinds="f")


@check(
    tier=1,
    says="softmax of a batch of logits matches keras.activations.softmax, row by row",
    lecture=LECTURE_SOFTMAX,
)
def test_softmax_matches_keras(student, reference):
    found = _softmax(student, "moderate")
    assert _close(found, reference["softmax"]["moderate"]["softmax"]), "softmax differs from Keras"


@check(
    tier=1,
    says="softmax_cross_entropy matches Keras's CategoricalCrossentropy(from_logits=True), the mean over the batch",
    lecture=LECTURE_CE,
)
def test_loss_matches_keras(student, reference):
    found = _loss(student, "moderate")
    wanted = reference["softmax"]["moderate"]["loss"]
    assert _close_number(found, wanted), f"loss {found}, Keras gives {wanted}"


@check(
    tier=2,
    says="softmax stays finite and correct on very large positive and negative logits (subtract the row maximum before exp, as Exercise 3 shows)",
    lecture=LECTURE_CE,
)
def test_softmax_extreme_logits(student, reference):
    found = _softmax(student, "extreme")
    assert np.all(np.isfinite(found)), "softmax gives NaN or infinity"
    assert _close(found, reference["softmax"]["extreme"]["softmax"]), "softmax differs from Keras"


@check(
    tier=2,
    says="softmax_cross_entropy stays finite and correct on very large logits (use log-sum-exp, not the log of a softmax)",
    lecture=LECTURE_CE,
)
def test_loss_extreme_logits(student, reference):
    found = _loss(student, "extreme")
    wanted = reference["softmax"]["extreme"]["loss"]
    assert np.isfinite(found), "loss is NaN or infinite"
    assert _close_number(found, wanted), f"loss {found}, Keras gives {wanted}"


@check(
    tier=2,
    says="softmax_cross_entropy_grad equals the gradient of the mean cross-entropy with respect to the logits",
    lecture=LECTURE_CE,
)
def test_gradient_matches_keras(student, reference):
    gradients = student.calls([Call.of("softmax_cross_entropy_grad", z, y) for z, y in CASES.values()])
    for (case, (z, y)), returned in zip(CASES.items(), gradients):
        found = expect_array(result(returned), shape=z.shape, kinds="f")
        assert np.all(np.isfinite(found)), f"gradient has NaN or infinity ({case} logits)"
        assert _close(found, reference["softmax"][case]["gradient"]), f"gradient differs from Keras's ({case} logits)"


@check(
    tier=2,
    says="softmax, softmax_cross_entropy and softmax_cross_entropy_grad leave the logits and labels they are given unchanged",
    lecture=LECTURE_CE,
)
def test_inputs_unchanged(student):
    calls = [
        Call(function, args, see_arguments=True)
        for z, y in CASES.values()
        for function, args in (("softmax", (z,)), ("softmax_cross_entropy", (z, y)), ("softmax_cross_entropy_grad", (z, y)))
    ]
    for call, returned in zip(calls, student.calls(calls)):
        expect_unchanged(returned, *call.args)
