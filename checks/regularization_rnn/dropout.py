"""Checks of the `dropout` exercise: dropout_mask, inverted_dropout.

Statistical tolerances (every check of this module together).
A correct mask has independent Bernoulli(p) entries, whatever numpy method
draws them, so a kept fraction p̂ over n entries obeys Hoeffding's inequality
    P(|p̂ - p| >= t) <= 2 exp(-2 n t²).
The module makes M such comparisons (COMPARISONS below): two masks of
300 x 300, each compared overall (n = 9e4), row by row (300 rows, n = 300)
and column by column (300 columns, n = 300): 2 * 601 = 1202; plus one mean
comparison and one count comparison (below): M = 1204.
Giving each comparison the failure probability delta / M with delta = 1e-6,
the union bound makes the chance that a correct solution fails any of them
below 1e-6, when
    t(n) = sqrt(ln(2 M / delta) / (2 n)),   ln(2 * 1204 / 1e-6) ≈ 21.6:
overall t ≈ 0.011, per row and per column t ≈ 0.190.
That still catches what matters: a keep rate off by 0.03 overall (the
catalogue's smallest error is 0.05), a mask constant along a row or shared
by all rows (fractions 0 or 1, at least 0.2 > 0.190 from both keep_probs
used, 0.8 and 0.3, so either mask alone catches it, whatever the draw), and
"keep" and "drop" confused (0.8 vs 0.2).
The sizes are the smallest that keep these margins: larger masks buy a
tighter overall bound that no catalogued mistake needs, at a cost per
submission that grows with their size.
The mean of inverted dropout's output y_i = x_i m_i / p, with y_i in
[0, x_i / p], obeys Hoeffding's bound for bounded variables,
    P(|ȳ - x̄| >= t) <= 2 exp(-2 n² t² / Σ (x_i/p)²),
and gets the same share delta / M: t = sqrt(ln(2M/delta) Σ (x_i/p)² / (2 n²)) ≈ 0.11
for n = 4e3 entries of mean about 1.5 at p = 0.7 (missing or wrong rescaling
moves it by 0.45 or more).
Entries drawn one by one, not an exact count kept: the kept counts of K = 8
masks of n = 1000 entries at p = 0.5 are independent Binomial(1000, 0.5), so
all K are equal with probability sum_k P(k)^K <= max_k P(k)^(K-1) =
0.0252^7 ≈ 6.5e-12, below delta / M; a mask that keeps exactly round(p n)
entries has K equal counts every time.
The other events a correct solution could trip are far rarer: two independent
masks of 1e4 entries agree with probability at most (p² + (1-p)²)^1e4 = 2^-1e4
at p = 0.5 (2400 entries at p = 0.8: 0.68^2400), and a 2000-entry output
of ones lacks a 0 or a 1/p value with probability below 0.8^2000 < 1e-190.
"""
from __future__ import annotations

import math

import numpy as np

from autograder.checks.api import Call, Rng, called, check, expect_array, expect_raises, expect_unchanged, result
from . import inputs as hidden

LECTURE = 'lecture "Regularization and more topics related to training: Deep Learning", slide "Inverted Dropout"'
LECTURE_MASK = 'lecture "Regularization and more topics related to training: Deep Learning", slide "Inside a Dropout Layer"'
LECTURE_PREDICTION = 'lecture "Regularization and more topics related to training: Deep Learning", slide "During Prediction Time"'
LECTURE_EXAMPLE = 'lecture "Regularization and more topics related to training: Deep Learning", slide "Dropout Example"'

COMPARISONS = len(hidden.KEEP_PROBS) * (1 + sum(hidden.MASK_SHAPE)) + 2
DELTA = 1e-6
_LOG_TERM = math.log(2 * COMPARISONS / DELTA)


def hoeffding_tolerance(n: int) -> float:
    """Deviation of a mean of n independent [0, 1] variables allowed at delta / COMPARISONS."""
    return math.sqrt(_LOG_TERM / (2 * n))


def _pair(value, shape):
    """inverted_dropout's (output, mask), both of ``shape``, or a failed check."""
    assert isinstance(value, (tuple, list)) and len(value) == 2, "inverted_dropout should return (output, mask)"
    out = expect_array(value[0], shape=shape, kinds="f")
    mask = expect_array(value[1], shape=shape, kinds="b")
    return out, mask


def _training_output(returned, shape):
    return _pair(result(returned), shape)


def _same_values(found: np.ndarray, wanted: np.ndarray) -> bool:
    """Equal as sets of numbers, each value within tolerance of one in the other set."""
    found, wanted = np.unique(found.astype(np.float64)), np.asarray(wanted, dtype=np.float64)
    near = lambda a, b: np.isclose(a[:, None], b[None, :], rtol=hidden.RTOL, atol=hidden.ATOL).any(axis=1)
    return bool(near(found, wanted).all() and near(wanted, found).all())


@check(
    tier=1,
    says="dropout_mask(shape, keep_prob, rng) runs on ordinary input and returns a boolean array of the requested shape",
    lecture=LECTURE_MASK,
)
def test_contract_dropout_mask(student):
    expect_array(called(student, "dropout_mask", (4, 5), 0.5, Rng(0)), shape=(4, 5), kinds="b")


@check(
    tier=1,
    says="inverted_dropout(x, keep_prob, rng) runs on an ordinary array and returns (output, mask): a float array and a boolean array, both of x's shape",
    lecture=LECTURE,
)
def test_contract_inverted_dropout(student):
    x = np.arange(20.0).reshape(4, 5) - 7.0
    _pair(called(student, "inverted_dropout", x, 0.5, Rng(1)), x.shape)


@check(
    tier=1,
    says="The fraction of entries dropout_mask keeps matches keep_prob, over the whole mask and along every row and column",
    lecture=LECTURE_MASK,
)
def test_kept_fraction(student):
    rows, cols = hidden.MASK_SHAPE
    masks = student.calls([Call.of("dropout_mask", hidden.MASK_SHAPE, p, Rng(seed)) for p, seed in zip(hidden.KEEP_PROBS, hidden.MASK_SEEDS)])
    for keep_prob, returned in zip(hidden.KEEP_PROBS, masks):
        mask = expect_array(result(returned), shape=hidden.MASK_SHAPE, kinds="b")
        overall = np.count_nonzero(mask) / mask.size
        assert abs(overall - keep_prob) < hoeffding_tolerance(rows * cols), f"kept {overall:.4f} overall for keep_prob={keep_prob}"
        per_row = np.count_nonzero(mask, axis=1) / cols
        worst = np.abs(per_row - keep_prob).max()
        assert worst < hoeffding_tolerance(cols), f"a row keeps {worst:.3f} away from keep_prob={keep_prob}"
        per_column = np.count_nonzero(mask, axis=0) / rows
        worst = np.abs(per_column - keep_prob).max()
        assert worst < hoeffding_tolerance(rows), f"a column keeps {worst:.3f} away from keep_prob={keep_prob}"


@check(
    tier=1,
    says="Two calls of dropout_mask on one generator draw two different masks",
    lecture=LECTURE_MASK,
)
def test_fresh_mask_per_call(student):
    rng = Rng(hidden.SAME_GENERATOR_SEED)
    first, second = (
        expect_array(result(r), shape=hidden.SMALL_SHAPE, kinds="b")
        for r in student.calls([Call.of("dropout_mask", hidden.SMALL_SHAPE, hidden.SMALL_KEEP, rng)] * 2)
    )
    assert not np.array_equal(first, second), "the same mask twice from one generator"


@check(
    tier=2,
    says="dropout_mask draws only from the generator it is given, so two generators with the same seed give the same mask",
    lecture=LECTURE_MASK,
)
def test_reproducible_with_seed(student):
    first, second = (
        expect_array(result(r), kinds="b")
        for r in student.calls([Call.of("dropout_mask", hidden.SMALL_SHAPE, hidden.SMALL_KEEP, Rng(hidden.SAME_SEED)) for _ in range(2)])
    )
    assert np.array_equal(first, second), "two generators with one seed gave different masks"


@check(
    tier=2,
    says="dropout_mask draws every entry on its own, so the number of entries kept varies from mask to mask (it is keep_prob only on average)",
    lecture=LECTURE_EXAMPLE,
)
def test_entries_drawn_independently(student):
    rng = Rng(hidden.COUNT_SEED)
    counts = set()
    for returned in student.calls([Call.of("dropout_mask", hidden.COUNT_SHAPE, hidden.COUNT_KEEP, rng)] * hidden.COUNT_MASKS):
        mask = expect_array(result(returned), shape=hidden.COUNT_SHAPE, kinds="b")
        counts.add(int(np.count_nonzero(mask)))
    assert len(counts) > 1, f"every one of {hidden.COUNT_MASKS} masks kept exactly {counts.pop()} entries"


@check(
    tier=2,
    says="In training, inverted_dropout returns the input times the mask it returns, divided by keep_prob",
    lecture=LECTURE,
)
def test_output_is_masked_and_rescaled(student):
    x = hidden.X_DROPOUT
    out, mask = _training_output(student.call("inverted_dropout", x, hidden.KEEP_DROPOUT, Rng(hidden.DROPOUT_SEED)), x.shape)
    assert np.allclose(out, x * mask / hidden.KEEP_DROPOUT, rtol=hidden.RTOL, atol=hidden.ATOL), "output is not x * mask / keep_prob"


@check(
    tier=2,
    says="Training outputs are rescaled by 1/keep_prob, so on average they equal the input",
    lecture=LECTURE,
)
def test_preserves_mean(student):
    x, keep_prob = hidden.X_MEAN, hidden.KEEP_MEAN
    out, _ = _training_output(student.call("inverted_dropout", x, keep_prob, Rng(hidden.MEAN_SEED)), x.shape)
    n = x.size
    tolerance = math.sqrt(_LOG_TERM * np.sum((x / keep_prob) ** 2) / (2 * n * n))
    assert abs(out.mean() - x.mean()) < tolerance, f"output mean {out.mean():.4f}, input mean {x.mean():.4f}"


@check(
    tier=2,
    says="On a tensor of ones, inverted_dropout in training produces the same values as Keras's Dropout layer",
    lecture='lecture "Python with Keras, Regularization", slide "Regularization: adding dropout"',
)
def test_values_match_keras(student, reference):
    ones = np.ones(hidden.ONES_SHAPE)
    keras_values = reference["dropout_value_sets"]
    outputs = student.calls([Call.of("inverted_dropout", ones, p, Rng(hidden.VALUE_SEED + i)) for i, p in enumerate(hidden.VALUE_KEEP_PROBS)])
    for keep_prob, returned in zip(hidden.VALUE_KEEP_PROBS, outputs):
        out, _ = _training_output(returned, ones.shape)
        wanted = keras_values[repr(keep_prob)]
        assert _same_values(out, wanted), f"values {np.unique(out)[:6]} for keep_prob={keep_prob}, Keras gives {wanted}"


@check(
    tier=2,
    says="At prediction time (training=False) inverted_dropout returns its input unchanged with an all-True mask",
    lecture=LECTURE_PREDICTION,
)
def test_prediction_mode_is_identity(student):
    x = hidden.X_DROPOUT
    returned = student.call("inverted_dropout", x, hidden.KEEP_DROPOUT, Rng(hidden.DROPOUT_SEED), training=False)
    value = result(returned)
    assert isinstance(value, (tuple, list)) and len(value) == 2, "inverted_dropout should return (output, mask)"
    out = expect_array(value[0], shape=x.shape, kinds="f")
    mask = expect_array(value[1], shape=x.shape, kinds="b")
    assert np.allclose(out, x, rtol=hidden.RTOL, atol=hidden.ATOL), "output differs from the input at prediction time"
    assert mask.all(), "mask drops entries at prediction time"


@check(
    tier=2,
    says="inverted_dropout leaves the x it is given unchanged, in training and at prediction time",
    lecture=LECTURE,
)
def test_leaves_x_unchanged(student):
    x = hidden.X_DROPOUT
    for returned in student.calls([Call.watching("inverted_dropout", x, hidden.KEEP_DROPOUT, Rng(hidden.DROPOUT_SEED), training=t) for t in (True, False)]):
        result(returned)
        expect_unchanged(returned, x)


@check(
    tier=2,
    says="inverted_dropout also takes x as a nested Python list, as an array of the same values",
    lecture=LECTURE,
)
def test_accepts_a_list(student):
    x = hidden.X_LIST
    values = np.asarray(x)
    training, prediction = student.calls([Call.of("inverted_dropout", x, hidden.KEEP_DROPOUT, Rng(hidden.DROPOUT_SEED), training=t) for t in (True, False)])
    out, mask = _training_output(training, values.shape)
    assert np.allclose(out, values * mask / hidden.KEEP_DROPOUT, rtol=hidden.RTOL, atol=hidden.ATOL), "training output of a list is not x * mask / keep_prob"
    out, _ = _pair(result(prediction), values.shape)
    assert np.allclose(out, values, rtol=hidden.RTOL, atol=hidden.ATOL), "prediction output of a list is not its values"


@check(
    tier=2,
    says="inverted_dropout draws its mask from the generator it is given: generators with one seed give one mask, and two calls on one generator give two different masks",
    lecture=LECTURE_MASK,
)
def test_inverted_dropout_draws_from_rng(student):
    x, keep_prob = hidden.X_DROPOUT, hidden.KEEP_DROPOUT
    shared = Rng(hidden.RNG_SEED)
    generators = (Rng(hidden.RNG_SEED), Rng(hidden.RNG_SEED), shared, shared)
    first, again, one, two = (_training_output(r, x.shape)[1] for r in student.calls([Call.of("inverted_dropout", x, keep_prob, g) for g in generators]))
    assert np.array_equal(first, again), "two generators with one seed gave different masks"
    assert not np.array_equal(one, two), "the same mask twice from one generator"


@check(
    tier=2,
    says="With keep_prob=1 inverted_dropout keeps everything and returns its input",
    lecture=LECTURE,
)
def test_keep_everything(student):
    x = hidden.X_DROPOUT
    out, mask = _training_output(student.call("inverted_dropout", x, 1.0, Rng(hidden.DROPOUT_SEED)), x.shape)
    assert mask.all(), "entries dropped with keep_prob=1"
    assert np.allclose(out, x, rtol=hidden.RTOL, atol=hidden.ATOL), "output differs from the input with keep_prob=1"


@check(
    tier=2,
    says="inverted_dropout raises ValueError for a keep_prob outside (0, 1]",
    lecture=LECTURE,
)
def test_rejects_bad_keep_prob(student):
    x = hidden.X_DROPOUT[:4, :4]
    for returned in student.calls([Call.of("inverted_dropout", x, p, Rng(0)) for p in hidden.BAD_KEEP_PROBS]):
        expect_raises(returned, "ValueError")
