from __future__ import annotations

import pytest

from autograder.lectures.analysis import Kind, LeftOut, analyse
from autograder.lectures.cleaning import clean, clean_listing


def _analyse(code: str):
    return analyse(clean(code))


def test_listing_5_13_builds_a_compiled_model_and_leaves_its_training_out(decks):
    analysis = analyse(clean_listing(decks["002"].listings[0]))
    assert analysis.kind is Kind.KERAS_MODEL
    (model,) = analysis.constructions
    assert (model.result, model.line, model.statements, model.imports) == ("model", 2, (1, 2), (0,))
    assert (model.free, model.modules, model.first_layer, model.compiled) == ((), ("keras", "layers"), "Dense", True)
    assert analysis.left_out == (LeftOut(14, 16, "history_l2_reg = model.fit(", "training"),)


def test_the_listings_of_001_each_build_uncompiled_models_named_by_their_comments(decks):
    found = [
        [(c.result, c.comment, c.first_layer, c.compiled) for c in analyse(clean_listing(listing)).constructions]
        for listing in decks["001"].listings
    ]
    assert found == [
        [("model", "Original model", "Dense", False), ("model", "Reduced model", "Dense", False)],
        [("l2_model", "L2 model", "Dense", False)],
        [("dmodel", "Dropout model", "Dense", False)],
    ]


def test_the_dropout_mask_listing_is_an_array_computation_of_its_free_inputs(decks):
    analysis = analyse(clean_listing(decks["003"].listings[0]))
    assert analysis.kind is Kind.ARRAY
    (construction,) = analysis.constructions
    assert (construction.result, construction.statements, construction.free, construction.modules) == ("d", (0, 1), ("n", "keep_prob", "x"), ("np",))
    assert any("global random generator" in note for note in analysis.notes)


@pytest.mark.parametrize("number", [10, 12])
def test_arithmetic_without_numpy_is_not_an_exercise(decks, number):
    analysis = analyse(clean_listing(decks["003"].listings[number - 1]))
    assert (analysis.kind, analysis.reason) == (Kind.NOT_AN_EXERCISE, "it builds no Keras model and calls no NumPy function")


def test_a_listing_that_does_not_parse_is_not_an_exercise_and_says_where(decks):
    analysis = analyse(clean_listing(decks["004"].listings[0]))
    assert analysis.kind is Kind.NOT_AN_EXERCISE
    assert analysis.reason == "it does not parse: invalid syntax (line 1 of the listing)"


def test_the_functional_api_brings_the_statements_its_model_needs():
    analysis = _analyse(
        "(x_train, y_train), _ = load()\n"
        "inputs = keras.Input(shape=(n_features,))\n"
        "hidden = layers.Dense(units, activation='relu')(inputs)\n"
        "outputs = layers.Dense(1)(hidden)\n"
        "model = keras.Model(inputs, outputs)\n"
        "model.compile(optimizer='adam', loss='mse')\n"
        "model.summary()\n"
        "model.fit(x_train, y_train)\n"
    )
    (model,) = analysis.constructions
    assert (model.statements, model.free, model.first_layer, model.compiled) == ((1, 2, 3, 4, 5), ("n_features", "units"), None, True)
    assert [(left.first_line, left.why) for left in analysis.left_out] == [(1, "not needed to build the model"), (7, "output"), (8, "training")]


def test_a_sequential_built_by_add_takes_its_first_layer_from_the_first_add():
    analysis = _analyse("model = Sequential()\nmodel.add(SimpleRNN(32))\nmodel.add(Dense(1))\nmodel.compile(loss='mse')")
    (model,) = analysis.constructions
    assert (model.statements, model.first_layer, model.modules) == ((0, 1, 2, 3), "SimpleRNN", ("Sequential", "SimpleRNN", "Dense"))


@pytest.mark.parametrize("first", ["keras.Input((8,))", "layers.InputLayer((8,))", "layers.Dense(4, input_shape=(8,))", "layers.Dense(4, input_dim=8)"])
def test_a_sequential_that_declares_its_input_needs_none(first):
    analysis = _analyse(f"model = keras.Sequential([{first}, layers.Dense(1)])")
    assert analysis.constructions[0].first_layer is None


def test_a_reassigned_model_gives_each_its_own_calls():
    analysis = _analyse(
        "model = keras.Sequential([layers.Dense(4)])\nmodel.compile(loss='mse')\n"
        "model = keras.Sequential([layers.Dense(8)])\nmodel.add(layers.Dense(1))"
    )
    assert [(c.statements, c.compiled) for c in analysis.constructions] == [((0, 1), True), ((2, 3), False)]


def test_helpers_the_model_reads_come_along_and_plots_stay_out():
    analysis = _analyse(
        "reg = regularizers.l2(factor)\nmodel = keras.Sequential([layers.Dense(4, kernel_regularizer=reg)])\n"
        "history = model.fit(x, y)\nplt.plot(history.history['loss'])"
    )
    (model,) = analysis.constructions
    assert (model.statements, model.free) == ((0, 1), ("factor",))
    assert [left.why for left in analysis.left_out] == ["training", "plotting"]


@pytest.mark.parametrize("code, reason", [
    ("model.fit(x, y)\nprint(model.evaluate(x, y))", "it only imports, trains, evaluates, plots or prints"),
    ("def vectorize(seqs):\n    return np.zeros(3)", "it defines vectorize itself: paste it into the notebook as it is"),
    ("total = a + b", "it builds no Keras model and calls no NumPy function"),
    ("np.mean(x)", "it computes nothing it assigns to a name"),
])
def test_what_is_not_an_exercise_says_why(code, reason):
    assert (_analyse(code).kind, _analyse(code).reason) == (Kind.NOT_AN_EXERCISE, reason)


def test_an_array_computation_takes_what_its_last_name_needs():
    analysis = _analyse("import numpy as np\nunused = np.zeros(2)\nz = x - np.max(x, axis=-1, keepdims=True)\ne = np.exp(z)\np = e / e.sum()")
    (construction,) = analysis.constructions
    assert (construction.result, construction.statements, construction.imports, construction.free) == ("p", (2, 3, 4), (0,), ("x",))
    assert [left.first_line for left in analysis.left_out] == [2]
    assert analysis.notes == ()
