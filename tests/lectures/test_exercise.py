"""What --pick plans of the course's listings before anything is written: names, titles,
citations, inputs and notes; and the one-sentence refusal of a function whose inputs the
generator cannot choose."""
from __future__ import annotations

import pytest

from autograder.errors import UserError
from autograder.families.arrays.inputs import Count, Floats, Fraction
from autograder.lectures.exercise import ArrayInputs, KerasInputs, plan
from autograder.lectures.survey import pick, survey


@pytest.fixture(scope="module")
def findings(decks):
    return survey([decks[key] for key in sorted(decks)])


def test_every_keras_listing_plans_one_exercise_per_model(findings):
    planned = plan(pick(findings, [1, 2, 3, 4]))
    assert [p.name for p in planned] == ["build_original_model", "build_reduced_model", "build_l2_model", "build_dropout_model", "build_model"]
    assert [p.number for p in planned] == [1, 2, 3, 4, 5]
    assert planned[0].title == "Regularization: reducing network size (original model)"
    assert planned[4].title == "Listing 5.13 Adding L2 weight regularization to the model"
    assert planned[4].citation == 'lecture "Intro to Neural Nets: Session 4: Model Fitting", slide "Regularizing Weights Means Less Entropy"'
    assert all(p.is_keras and p.inputs == KerasInputs({"input_dim": 20}, {"first": {"input_dim": 30}, "second": {"input_dim": 7},
                                                                         "third": {"input_dim": 12}}) for p in planned)
    assert [p.compiled for p in planned] == [False, False, False, False, True]


def test_lecture_001s_uncompiled_models_are_noted(findings):
    (planned,) = plan(pick(findings, [3]))
    assert "The listing does not compile its model: the checks compare no compile settings and train nothing." in planned.notes


def test_listing_5_13s_tensorflow_import_becomes_keras_and_says_so(findings):
    (planned,) = plan(pick(findings, [4]))
    assert planned.imports == ("from keras import regularizers", "import keras", "from keras import layers")
    assert planned.notes == ("'from tensorflow.keras import regularizers' is written 'from keras import regularizers': "
                             "the same module in Keras 3, so the reference solution needs no TensorFlow.",)


def test_an_array_listing_gets_kinds_by_name_and_a_seed_for_global_random(findings):
    (planned,) = plan(pick(findings, [15]))
    assert planned.name == "inverted_dropout" and not planned.is_keras
    assert planned.inputs == ArrayInputs({"n": Count(), "keep_prob": Fraction(), "x": Floats(("n",))}, seeded=True)
    assert "x is taken to be a float array of shape (n,)." in planned.notes


def test_names_stay_unique_in_the_assignment_and_the_renamed_function_follows(findings):
    planned = plan(pick(findings, [5, 6]))
    assert [p.name for p in planned] == ["inside_a_dropout_layer", "dropout_example"]
    (again,) = plan(pick(findings, [4]), taken=["build_model"])
    assert again.name == "build_model_2" and again.source.startswith("def build_model_2(input_dim):")
    assert "Named build_model_2, since build_model is taken in this assignment." in again.notes


def test_a_model_taking_inputs_the_generator_cannot_choose_is_refused_in_one_sentence(tmp_path):
    deck_file = tmp_path / "lecture.md"
    deck_file.write_text("# Training\n\n```python\nmodel = keras.Sequential([layers.Dense(units, input_shape=(10,))])\n```\n")
    from autograder.lectures.reader import read_deck

    (finding,) = survey([read_deck(deck_file)])
    with pytest.raises(UserError, match=r"gives build_model\(units\), and the generator has no values for units: write that exercise by hand\."):
        plan([finding])
