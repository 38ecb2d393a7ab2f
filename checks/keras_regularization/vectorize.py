"""Checks of the `vectorize` exercise: vectorize_sequences (multi-hot rows, lecture 001)."""
from __future__ import annotations

import numpy as np

from autograder.checks.api import called, check, expect_array, expect_raises
from . import inputs as hidden

LECTURE = 'lecture "Python with Keras, Regularization", slide "Data Wrangling"'
FUNCTION = "vectorize_sequences"


def _values(student, sequences, wanted):
    found = expect_array(called(student, FUNCTION, sequences, hidden.DIMENSION), shape=wanted.shape, kinds="biuf")
    assert np.array_equal(found, wanted), "the rows differ from the multi-hot encoding"
    return found


@check(tier=1, says="vectorize_sequences gives one row per sequence, 1.0 at each index in it and 0.0 elsewhere", lecture=LECTURE)
def test_contract_vectorize_sequences(student, reference):
    _values(student, hidden.SEQUENCES, reference["vectors"]["ordinary"])


@check(tier=2, says="vectorize_sequences returns float32", lecture=LECTURE)
def test_dtype(student, reference):
    found = _values(student, hidden.SEQUENCES, reference["vectors"]["ordinary"])
    assert found.dtype == np.float32, f"dtype {found.dtype}"


@check(tier=2, says="An empty sequence gives a row of zeros, and an index repeated in a sequence still gives 1.0", lecture=LECTURE)
def test_empty_and_repeated(student, reference):
    _values(student, hidden.EMPTY_SEQUENCES, reference["vectors"]["empty"])
    _values(student, hidden.REPEATED, reference["vectors"]["repeated"])


@check(tier=2, says="vectorize_sequences raises ValueError for a negative index and for an index of at least dimension", lecture=LECTURE)
def test_out_of_range(student):
    for sequences in hidden.OUT_OF_RANGE:
        expect_raises(student.call(FUNCTION, sequences, hidden.DIMENSION), "ValueError")
