"""Checks of the `rnn_shaping` exercise: make_sequences.

The reference windows come from ``keras.utils.timeseries_dataset_from_array``
built with all T-L windows (``data=series[:-1], targets=series[L:]``).
The dtype of X and y is free (any integer or float kind): the notebook says
so, and the visible test does not ask for the series' dtype either. Values are
compared exactly: the hidden series are multiples of 1/8, exact in float32.
"""
from __future__ import annotations

import numpy as np

from autograder.checks.api import Call, called, check, expect_array, expect_raises, expect_unchanged, result
from . import inputs as hidden

LECTURE = 'lecture "Deep learning: Regularisation & Sequential modelling", slide "Sequence dataset"'
LECTURE_SHAPE = 'lecture "Deep learning: Regularisation & Sequential modelling", slide "Recurrent Network Data"'


def _arrays(value):
    assert isinstance(value, (tuple, list)) and len(value) == 2, "make_sequences should return (X, y)"
    return expect_array(value[0], kinds="iuf"), expect_array(value[1], kinds="iuf")


def _sequences(student, series, length):
    return _arrays(result(student.call("make_sequences", series, length)))


@check(
    tier=1,
    says="make_sequences(series, sequence_length) runs on an ordinary series and returns X of shape (examples, sequence_length, features) and y of shape (examples, features)",
    lecture=LECTURE_SHAPE,
)
def test_contract_make_sequences(student):
    series, length = hidden.SERIES_SMALL, hidden.LENGTH_SMALL
    X, y = _arrays(called(student, "make_sequences", series, length))
    examples = series.shape[0] - length
    assert X.shape == (examples, length, series.shape[1]), f"X has shape {X.shape}"
    assert y.shape == (examples, series.shape[1]), f"y has shape {y.shape}"


@check(
    tier=1,
    says="For a series with several features, X holds every window of sequence_length consecutive steps, in order, and y every feature of the step right after each window, as Keras's timeseries_dataset_from_array gives them",
    lecture=LECTURE,
)
def test_windows_match_keras(student, reference):
    _assert_windows(student, hidden.SERIES_MULTI, hidden.LENGTH_MULTI, reference["windows"]["multi"])


@check(
    tier=2,
    says="A one-dimensional series is treated as one feature: X gets shape (examples, sequence_length, 1) and y shape (examples, 1)",
    lecture=LECTURE_SHAPE,
)
def test_one_feature_series(student, reference):
    _assert_windows(student, hidden.SERIES_1D, hidden.LENGTH_1D, reference["windows"]["one_feature"])


@check(
    tier=2,
    says="make_sequences accepts the shortest and the longest windows: sequence_length 1, and the series length minus 1 (one window)",
    lecture=LECTURE,
)
def test_edge_lengths(student, reference):
    for name, length in hidden.EDGE_LENGTHS.items():
        _assert_windows(student, hidden.SERIES_MULTI, length, reference["windows"][name])


@check(
    tier=2,
    says="make_sequences raises ValueError when sequence_length is not between 1 and the series length minus 1",
    lecture=LECTURE,
)
def test_rejects_bad_length(student):
    for returned in student.calls([Call.of("make_sequences", hidden.SERIES_MULTI, length) for length in hidden.BAD_LENGTHS]):
        expect_raises(returned, "ValueError")


@check(
    tier=2,
    says="make_sequences leaves the series it is given unchanged",
    lecture=LECTURE,
)
def test_series_unchanged(student):
    calls = [Call.watching("make_sequences", series, length) for series, length in ((hidden.SERIES_MULTI, hidden.LENGTH_MULTI), (hidden.SERIES_1D, hidden.LENGTH_1D))]
    for call, returned in zip(calls, student.calls(calls)):
        result(returned)
        expect_unchanged(returned, call.args[0])


def _assert_windows(student, series: np.ndarray, length: int, wanted: tuple[np.ndarray, np.ndarray]) -> None:
    """X and y exactly as Keras's windows of ``series``, shapes first."""
    wanted_X, wanted_y = wanted
    X, y = _sequences(student, series, length)
    assert X.shape == wanted_X.shape, f"X has shape {X.shape}, expected {wanted_X.shape}"
    assert y.shape == wanted_y.shape, f"y has shape {y.shape}, expected {wanted_y.shape}"
    assert np.array_equal(X.astype(np.float64), wanted_X), "windows differ from Keras's"
    assert np.array_equal(y.astype(np.float64), wanted_y), "targets differ from Keras's"
