from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from autograder.lectures.analysis import analyse
from autograder.lectures.cleaning import clean, clean_listing
from autograder.lectures.deck import Deck, Listing, Location
from autograder.lectures.proposal import Parameter, propose


def _proposals(deck: Deck, listing: Listing):
    cleaned = clean_listing(listing)
    return propose(deck, listing, cleaned, analyse(cleaned))


def _load(proposal) -> dict:
    namespace: dict = {}
    exec(compile(proposal.module(), "<proposal>", "exec"), namespace)
    return namespace


@pytest.fixture(scope="module")
def keras():
    return pytest.importorskip("keras")


def _describe(model) -> dict:
    """What the probes compare: layers (type, units, activation, rate, regulariser), shapes, parameters, compile settings."""
    def regularizer(layer):
        found = getattr(layer, "kernel_regularizer", None)
        return None if found is None else (type(found).__name__, found.get_config())

    layers = [
        (type(layer).__name__, getattr(layer, "units", None), getattr(getattr(layer, "activation", None), "__name__", None),
         getattr(layer, "rate", None), regularizer(layer))
        for layer in model.layers
    ]
    config = model.get_compile_config() if model.compiled else {}
    optimizer = {k: v for k, v in config["optimizer"]["config"].items() if k != "name"} if config else None
    return {"layers": layers, "params": model.count_params(), "output": tuple(model.output_shape),
            "compiled": (config.get("loss"), config.get("metrics"), optimizer),
            "optimizer": type(model.optimizer).__name__ if model.compiled else None}


def test_listing_5_13_becomes_build_model_of_input_dim(decks):
    (proposal,) = _proposals(decks["002"], decks["002"].listings[0])
    assert proposal.signature == "build_model(input_dim)"
    assert proposal.parameters == (Parameter("input_dim", "the number of input features: the listing's Sequential declares no input shape"),)
    assert proposal.imports == ("from tensorflow.keras import regularizers", "import keras", "from keras import layers")
    assert proposal.returns == "model"
    function = ast.parse(proposal.source).body[0]
    assert isinstance(function, ast.FunctionDef) and [a.arg for a in function.args.args] == ["input_dim"]
    docstring = ast.get_docstring(function)
    assert "Listing 5.13 Adding L2 weight regularization to the model" in docstring
    assert 'Lecture "Intro to Neural Nets: Session 4: Model Fitting", slide' in docstring.replace("\n", " ")
    assert ".txt" not in docstring, "a student has the lecture, not the course's file"
    assert 'slide "Regularizing Weights Means Less Entropy"' in docstring.replace("\n", " ")
    assert "fit" not in proposal.source


def test_build_model_builds_and_compiles_the_listings_model(decks, keras):
    (proposal,) = _proposals(decks["002"], decks["002"].listings[0])
    built = _load(proposal)["build_model"](20)

    listing_code = clean_listing(decks["002"].listings[0]).code.split("history_l2_reg")[0]
    namespace = {"keras": keras, "layers": keras.layers}
    exec(listing_code, namespace)
    expected = namespace["model"]
    expected.build((None, 20))

    assert _describe(built) == _describe(expected)
    assert _describe(built)["params"] == 20 * 16 + 16 + 16 * 16 + 16 + 16 + 1
    assert _describe(built)["layers"][0] == ("Dense", 16, "relu", None, ("L2", {"l2": pytest.approx(0.002)}))
    assert _describe(built)["optimizer"] == "RMSprop"


@pytest.mark.parametrize("number, names, params", [
    (1, ["build_original_model", "build_reduced_model"], [20 * 16 + 16 + 16 * 16 + 16 + 17, 20 * 4 + 4 + 4 * 4 + 4 + 5]),
    (2, ["build_l2_model"], [20 * 16 + 16 + 16 * 16 + 16 + 17]),
    (3, ["build_dropout_model"], [20 * 16 + 16 + 16 * 16 + 16 + 17]),
])
def test_every_model_of_001_becomes_a_function_that_builds_it(decks, keras, number, names, params):
    proposals = _proposals(decks["001"], decks["001"].listings[number - 1])
    assert [p.name for p in proposals] == names
    for proposal, count in zip(proposals, params):
        model = _load(proposal)[proposal.name](20)
        assert model.count_params() == count and not model.compiled
        assert "not compiled, as in the listing" in proposal.source


def test_the_l2_listing_keeps_its_repaired_regularizer(decks, keras):
    (proposal,) = _proposals(decks["001"], decks["001"].listings[1])
    model = _load(proposal)["build_l2_model"](10)
    assert [type(layer.kernel_regularizer).__name__ for layer in model.layers] == ["L2", "L2", "NoneType"]
    assert "keras.Input((input_dim,))," in proposal.source and proposal.source.index("keras.Input") < proposal.source.index("# Layer 1")


def test_the_dropout_mask_becomes_a_function_of_its_free_inputs(decks):
    (proposal,) = _proposals(decks["003"], decks["003"].listings[0])
    assert (proposal.signature, proposal.imports, proposal.returns) == ("inside_a_dropout_layer(n, keep_prob, x)", ("import numpy as np",), "d")
    x = np.arange(1.0, 7.0)
    np.random.seed(3)
    found = _load(proposal)["inside_a_dropout_layer"](6, 0.5, x)
    np.random.seed(3)
    assert np.array_equal(found, x * (np.random.rand(6) < 0.5))


def test_a_labelled_listing_cites_its_label(decks):
    (proposal,) = _proposals(decks["003"], decks["003"].listings[10])
    assert proposal.name == "inverted_dropout"
    assert '"During Training"' in proposal.source


DECK = Deck(Path("w.md"), "Week 5", None, (), ())


def _propose(code: str, **listing):
    listing = Listing(1, code, Location("w.md", 1, 1), listing.pop("slide", "Models"), **listing)
    cleaned = clean(code)
    return propose(DECK, listing, cleaned, analyse(cleaned))


def test_a_sequential_built_by_add_gets_its_input_in_an_add(keras):
    (proposal,) = _propose("from keras.models import Sequential\nmodel = Sequential()\nmodel.add(layers.SimpleRNN(8))\nmodel.add(layers.Dense(2))")
    assert proposal.signature == "build_model(sequence_length, features)"
    assert "    model = Sequential()\n    model.add(keras.Input((sequence_length, features)))\n" in proposal.source
    assert _load(proposal)["build_model"](5, 3).output_shape == (None, 2)


def test_layers_on_one_line_get_their_input_on_that_line(keras):
    (proposal,) = _propose("model = keras.Sequential([layers.Flatten(), layers.Dense(3)])\nmodel.compile(loss='mse')")
    assert proposal.signature == "build_model(input_shape)"
    assert "model = keras.Sequential([keras.Input(input_shape), layers.Flatten(), layers.Dense(3)])" in proposal.source
    assert _load(proposal)["build_model"]((4, 2)).count_params() == 4 * 2 * 3 + 3


def test_the_functional_api_takes_its_free_inputs(keras):
    (proposal,) = _propose(
        "inputs = keras.Input(shape=(n_features,))\nx = layers.Dense(units)(inputs)\n"
        "model = keras.Model(inputs, layers.Dense(1)(x))\nmodel.compile(optimizer='adam', loss='mse')\nmodel.fit(a, b)"
    )
    assert proposal.signature == "build_model(n_features, units)"
    model = _load(proposal)["build_model"](6, 4)
    assert model.count_params() == 6 * 4 + 4 + 4 + 1 and model.compiled


def test_two_unnamed_models_get_distinct_names():
    proposals = _propose("model = keras.Sequential([keras.Input((2,)), layers.Dense(1)])\nmodel = keras.Sequential([keras.Input((3,)), layers.Dense(1)])")
    assert [p.signature for p in proposals] == ["build_model()", "build_model_2()"]


def test_every_proposal_parses_and_what_is_not_an_exercise_proposes_nothing(decks):
    for deck in decks.values():
        for listing in deck.listings:
            cleaned = clean_listing(listing)
            analysis = analyse(cleaned)
            proposals = propose(deck, listing, cleaned, analysis)
            assert bool(proposals) == (analysis.kind.name != "NOT_AN_EXERCISE")
            for proposal in proposals:
                ast.parse(proposal.module())
