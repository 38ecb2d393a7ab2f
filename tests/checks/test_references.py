"""Facts about the assignments' reference answers that their checks rely on."""
from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from autograder.assignment import load_assignment

RNN = load_assignment("regularization_rnn")
rnn_inputs = RNN.part("inputs")
_windows = RNN.part("references")._windows


@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="timeseries_dataset_from_array needs tf.data: TensorFlow is not installed here")
@pytest.mark.parametrize("series, length", [
    (rnn_inputs.SERIES_MULTI, rnn_inputs.LENGTH_MULTI),
    (rnn_inputs.SERIES_1D[:, None], rnn_inputs.LENGTH_1D),
    (rnn_inputs.SERIES_SMALL, rnn_inputs.LENGTH_SMALL),
    (np.arange(10.0)[:, None], 1),
    (np.arange(10.0)[:, None], 9),
])
def test_windows_by_indexing_equal_keras_timeseries_dataset_from_array(series, length):
    import keras

    dataset = keras.utils.timeseries_dataset_from_array(
        data=series[:-1], targets=series[length:], sequence_length=length, batch_size=len(series), shuffle=False)
    batches = [(np.asarray(x), np.asarray(y)) for x, y in dataset.as_numpy_iterator()]
    x, y = np.concatenate([b[0] for b in batches]), np.concatenate([b[1] for b in batches])
    found_x, found_y = _windows(series, length)
    assert found_x.shape == x.shape == (len(series) - length, length, series.shape[1])
    assert np.array_equal(found_x, x) and np.array_equal(found_y, y)
