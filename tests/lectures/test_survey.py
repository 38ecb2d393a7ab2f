from __future__ import annotations

import pytest

from autograder.errors import UserError
from autograder.lectures.analysis import Kind
from autograder.lectures.survey import pick, survey


@pytest.fixture(scope="module")
def findings(decks):
    return survey([decks[key] for key in sorted(decks)])


def test_the_survey_numbers_every_listing_of_every_deck_in_order(findings):
    assert [f.number for f in findings] == list(range(1, 18))
    assert [f.deck.file[:3] for f in findings] == ["001"] * 3 + ["002"] + ["003"] * 12 + ["004"]


def test_every_listing_that_builds_a_keras_model_is_an_exercise(findings):
    keras = [f for f in findings if f.analysis.kind is Kind.KERAS_MODEL]
    assert [f.number for f in keras] == [1, 2, 3, 4]
    assert all(f.is_exercise and f.cleaned.parses for f in keras)
    assert [p.signature for f in keras for p in f.proposals] == [
        "build_original_model(input_dim)", "build_reduced_model(input_dim)", "build_l2_model(input_dim)",
        "build_dropout_model(input_dim)", "build_model(input_dim)",
    ]


def test_the_course_has_fourteen_exercises_among_seventeen_listings(findings):
    assert sum(f.is_exercise for f in findings) == 14
    assert [f.number for f in findings if not f.is_exercise] == [14, 16, 17]


def test_pick_returns_the_chosen_findings_in_the_order_chosen_once_each(findings):
    assert [f.number for f in pick(findings, [4, 2, 4])] == [4, 2]


@pytest.mark.parametrize("number, says", [
    (99, "There is no listing 99: the survey lists 1 to 17."),
    (17, "Listing 17 (Output many things at once!) is not an exercise: it does not parse"),
])
def test_pick_refuses_what_the_survey_cannot_give_in_one_sentence(findings, number, says):
    with pytest.raises(UserError, match=says.replace("(", r"\(").replace(")", r"\)")):
        pick(findings, [number])


def test_pick_from_nothing_says_there_is_nothing():
    with pytest.raises(UserError, match="the survey lists none"):
        pick((), [1])
