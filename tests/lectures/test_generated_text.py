"""The text a generated exercise is written as: notebook cells nbgrader and the exporter read as
the course's conventions say, checks modules that import and read like hand-written ones, the
visible test passing on the reference solution. The trials (Keras models built) are given here
as the data they are, so no Keras runs."""
from __future__ import annotations

import ast
import types

import nbformat
import numpy as np
import pytest

from autograder.checks.api import collect_checks
from autograder.lectures import checks_text, notebook_text
from autograder.lectures.citation import Citation
from autograder.lectures.exercise import plan
from autograder.lectures.survey import pick, survey
from autograder.lectures.trial import ArrayTrial, KerasTrial, try_out
from autograder.source import read_source

LISTING_5_13 = KerasTrial(layers=("Dense", "Dense", "Dense"), output_shape=(None, 1), params=625, regularized=True, drops=False)
DROPOUT = KerasTrial(layers=("Dense", "Dropout", "Dense", "Dropout", "Dense"), output_shape=(None, 1), params=625, regularized=False, drops=True)


@pytest.fixture(scope="module")
def planned(decks):
    return plan(pick(survey([decks[key] for key in sorted(decks)]), [3, 4, 15]))


@pytest.fixture(scope="module")
def trials(planned):
    return [DROPOUT, LISTING_5_13, try_out(planned[2])]


def test_the_markdown_cites_the_lecture_file_and_the_listings_title(planned, trials):
    text = notebook_text.markdown(planned[1], trials[1], 2)
    assert text.startswith("## Exercise 2: Listing 5.13 Adding L2 weight regularization to the model (2 points)")
    cited = Citation.parse(planned[1].citation)
    assert f'"{cited.lecture}"' in text and f'"{cited.slide}"' in text
    assert ('*Lecture "Intro to Neural Nets: Session 4: Model Fitting", slide "Regularizing Weights Means Less Entropy", '
            '"Listing 5.13 Adding L2 weight regularization to the model".*') in text
    assert "its regularizers with their factors, its compile settings, and what it computes" in text
    assert "`from tensorflow.keras import regularizers`" in text


def test_the_markdown_of_an_uncompiled_dropout_model_asks_for_no_compile(planned, trials):
    text = notebook_text.markdown(planned[0], trials[0], 2)
    assert "the listing does not compile it, so neither does the function" in text
    assert "its dropout rates, and what it computes" in text and "compile settings" not in text


def test_the_notebook_reads_as_the_course_conventions_say(planned, trials, tmp_path):
    path = tmp_path / "week.ipynb"
    nbformat.write(notebook_text.notebook("week", planned, trials), path)
    nbformat.validate(nbformat.read(path, as_version=4))
    solution = read_source(path, "week")
    assert list(solution.exercises) == ["build_dropout_model", "build_model", "inverted_dropout"]
    assert all(part.points == 2 for part in solution.exercises.values())
    for exercise, part in zip(planned, solution.exercises.values()):
        function = ast.parse(part.code).body[0]
        assert function.name == exercise.name and ast.get_docstring(function)
        assert ast.unparse(function) == ast.unparse(ast.parse(exercise.source).body[0])
    assert solution.parts[0].code == "\n".join([
        "import numpy as np", "import keras", "from keras import layers", "from keras import regularizers",
    ])


def test_the_visible_test_of_an_array_exercise_passes_on_the_solution_and_not_on_a_mistake(planned, trials):
    exercise, trial = planned[2], trials[2]
    assert isinstance(trial, ArrayTrial) and trial.case["n"] == 6
    test = notebook_text.test_cell(exercise, trial)
    assert "np.random.seed(5)" in test
    namespace: dict = {"np": np}
    exec(exercise.source, namespace)
    exec(test, namespace)
    exec(exercise.source.replace("/ keep_prob", "* keep_prob"), namespace)
    with pytest.raises(AssertionError):
        exec(test, namespace)


def test_the_visible_test_of_a_model_keeps_the_notebooks_layers_name(planned, trials):
    test = notebook_text.test_cell(planned[1], trials[1])
    assert "model = build_model(input_dim=20)" in test and "assert model.count_params() == 625" in test
    assert "\nlayers =" not in test


def test_the_checks_package_imports_and_declares_each_exercise(planned, trials, tmp_path):
    package = tmp_path / "checks" / "week"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(checks_text.package("week", planned))
    namespace: dict = {}
    exec((package / "__init__.py").read_text(), namespace)
    assignment = namespace["ASSIGNMENT"]
    assert [e.name for e in assignment.exercises] == ["build_dropout_model", "build_model", "inverted_dropout"]
    assert assignment.exercises[1].lecture == planned[1].citation and "keras" in assignment.runtime.packages


def _module(text: str, inputs: types.ModuleType) -> types.ModuleType:
    module = types.ModuleType("generated")
    module.inputs = inputs
    exec(text.replace("from . import inputs as hidden", "hidden = inputs"), module.__dict__)
    return module


def test_each_check_module_has_a_tier_1_contract_and_tier_2_behaviour(planned, trials):
    inputs = types.ModuleType("inputs")
    exec(checks_text.inputs_module("week", planned), inputs.__dict__)
    assert inputs.BUILD_MODEL == {"first": {"input_dim": 30}, "second": {"input_dim": 7}, "third": {"input_dim": 12}}
    assert [case["n"] for case in inputs.INVERTED_DROPOUT.values()] == [3, 9, 14]
    tiers = {}
    for exercise, trial in zip(planned, trials):
        module = _module(checks_text.module(exercise, trial), inputs)
        tiers[exercise.name] = {check.name: check.tier for check in collect_checks(exercise.name, module)}
    assert tiers == {
        "build_dropout_model": {"test_contract_build_dropout_model": 1, "test_regularization": 2, "test_behaviour": 2},
        "build_model": {"test_contract_build_model": 1, "test_regularization": 2, "test_compiled": 2, "test_behaviour": 2},
        "inverted_dropout": {"test_contract_inverted_dropout": 1, "test_inputs_unchanged": 1, "test_values": 2},
    }


def test_sentences_name_the_listing_not_hidden_values(planned, trials):
    text = checks_text.module(planned[1], trials[1])
    assert "compiled as in the listing: optimizer='rmsprop', loss='binary_crossentropy', metrics=['accuracy']" in text
    assert "and its losses over a few training steps" in text
    assert "training steps" not in checks_text.module(planned[0], trials[0])
    assert "30" not in text and "input_dim=" not in text


def test_references_name_a_precomputed_entry_per_exercise(planned):
    text = checks_text.references_module("week", planned)
    ast.parse(text)
    assert 'model_cases(__file__, "build_model", inputs.BUILD_MODEL)' in text
    assert 'array_cases(__file__, "inverted_dropout", inputs.INVERTED_DROPOUT, seeded=True)' in text
    assert '"*/behaviour/train_losses": TRAINING' in text


def test_literals_are_python_with_double_quoted_strings():
    value = {"a": ("x", 1), "b": 'say "hi"'}
    assert checks_text.literal(value) == '{"a": ("x", 1), "b": "say \\"hi\\""}'
    assert eval(checks_text.literal(value)) == value
