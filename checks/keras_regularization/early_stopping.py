"""Checks of the `early_stopping` exercise: early_stopping_epochs, against the real
keras.callbacks.EarlyStopping driven epoch by epoch on the hidden histories (``references``)."""
from __future__ import annotations

from autograder.checks.api import called, check, expect_number
from . import inputs as hidden

LECTURE = 'lecture "Intro to Neural Nets: Session 4: Model Fitting", slide "Monitoring Validation Performance and then Manually Limiting Epoch Count"'
LECTURE_IDEA = 'lecture "Social Data Science: Text Data and Deep Learning: Week 4", slide "Early stopping"'
FUNCTION = "early_stopping_epochs"


def _expect(student, reference, histories):
    for name, (losses, patience, min_delta) in histories.items():
        found = called(student, FUNCTION, list(losses), patience, min_delta)
        assert isinstance(found, (tuple, list)) and len(found) == 2, "early_stopping_epochs should return (best_epoch, stopped_epoch)"
        epochs = [expect_number(n) for n in found]
        assert all(n.is_integer() for n in epochs), "the epochs should be whole numbers"
        assert epochs == reference["early_stopping"][name], f"{tuple(epochs)} for patience={patience}, min_delta={min_delta}"


@check(tier=1, says="early_stopping_epochs gives EarlyStopping's restored epoch and last epoch, counted from 1, for a loss that falls and then rises", lecture=LECTURE_IDEA)
def test_contract_early_stopping_epochs(student, reference):
    _expect(student, reference, hidden.HISTORIES)


@check(tier=2, says="early_stopping_epochs follows EarlyStopping for min_delta > 0, ties, patience 0 and a history that never stops", lecture=LECTURE)
def test_edges(student, reference):
    _expect(student, reference, hidden.EDGE_HISTORIES)
