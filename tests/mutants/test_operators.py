"""Each operator on a small function: the changes it proposes, as the instructor reads them."""
from __future__ import annotations

import pytest

from autograder.mutants.generate import generate
from autograder.mutants.operators import OPERATORS

BY_NAME = {operator.name: operator for operator in OPERATORS}


def _changes(operator: str, body: str, signature: str = "x") -> list[str]:
    """The descriptions, without their line prefix, of the operator's mutants of ``def f(signature): body``."""
    source = "import numpy as np\nfrom keras import layers, regularizers\n\n\ndef f(" + signature + "):\n" + "".join(
        f"    {line}\n" for line in body.split("\n")
    )
    return [m.description.split(": ", 1)[1] for m in generate(source, operators=[BY_NAME[operator]])]


def test_every_operator_is_named_once_and_explained():
    names = [operator.name for operator in OPERATORS]
    assert len(set(names)) == len(names) == 26
    assert all(operator.explains for operator in OPERATORS)


@pytest.mark.parametrize("body, changes", [
    ("return x + 3", ["3 -> 4", "3 -> 2", "3 -> 6"]),
    ("return x + 0", ["0 -> 1", "0 -> -1"]),
    ("return x + 1", ["1 -> 2", "1 -> 0"]),
    ("return x * 0.002", ["0.002 -> 0.02", "0.002 -> 0.0002"]),
    ("return x * 1.0", ["1.0 -> 10.0", "1.0 -> 0.1", "1.0 -> 0.0"]),
    ("return x * 0.0", ["0.0 -> 1.0"]),
    ("return x[-2]", ["-2 -> -1", "-2 -> -3", "-2 -> -4"]),
    ("return np.sum(x, axis=1)", []),
    ("return x is True", []),
])
def test_numbers(body, changes):
    assert _changes("number", body) == changes


def test_booleans():
    assert _changes("boolean", "return np.sum(x, keepdims=True)") == ["True -> False"]


@pytest.mark.parametrize("body, changes", [
    ("return x + 1", ["x + 1 -> x - 1"]),
    ("return x / 2", ["x / 2 -> x * 2"]),
    ("return x // 2", ["x // 2 -> x / 2"]),
    ("return x ** 2", ["x ** 2 -> x * 2"]),
    ("x -= 1\nreturn x", ["x -= 1 -> x += 1"]),
])
def test_arithmetic(body, changes):
    assert _changes("arithmetic", body) == changes


def test_signs():
    assert _changes("sign", "return -np.sum(x)") == ["-np.sum(x) -> np.sum(x)"]


def test_comparisons_change_each_link_of_a_chain():
    assert _changes("comparison", "return 0 < x <= 1") == [
        "0 < x <= 1 -> 0 <= x <= 1", "0 < x <= 1 -> 0 > x <= 1", "0 < x <= 1 -> 0 < x < 1", "0 < x <= 1 -> 0 < x >= 1",
    ]
    assert _changes("comparison", "return x == 1") == ["x == 1 -> x != 1"]


def test_operands_dropped():
    assert _changes("operand_dropped", "return x * m / k") == [
        "x * m / k -> x * m", "x * m / k -> k", "x * m -> x", "x * m -> m",
    ]
    assert _changes("operand_dropped", "return x and y", "x, y") == ["x and y -> y", "x and y -> x"]
    assert _changes("operand_dropped", "return 'a %s' % x") == []


def test_keywords_dropped():
    assert _changes("keyword_dropped", "return np.sum(x, axis=-1, keepdims=True)") == ["axis=-1 -> (left out)", "keepdims=True -> (left out)"]


def test_arguments_ignored_for_their_default_or_one_where_they_size_a_layer():
    assert _changes("argument_ignored", "return layers.Dense(units), layers.Dropout(rate=rate)", "x, units=16, rate=0.5") == [
        "units -> 16", "rate -> 0.5",
    ]
    assert _changes("argument_ignored", "return layers.Dense(x), (x, 2), len(x)") == ["x -> 1", "x -> 1"]


def test_conditions_negated():
    assert _changes("condition_negated", "if not x:\n    return 1\nreturn 2 if x else 3") == ["not x -> x", "x -> not x"]


def test_checks_dropped():
    assert _changes("check_dropped", "if x < 0:\n    raise ValueError('negative')\nreturn x") == ["if x < 0: raise ... -> (left out)"]
    assert _changes("check_dropped", "if x < 0:\n    x = 0\nreturn x") == []


def test_bounds_off_by_one():
    assert _changes("off_by_one", "return [x[i:i + n] for i in range(m)]", "x, n, m") == [
        "i -> i + 1", "i -> i - 1", "i + n -> i + n + 1", "i + n -> i + n - 1", "m -> m + 1", "m -> m - 1",
    ]
    assert _changes("off_by_one", "return x[1:]") == []


@pytest.mark.parametrize("body, changes", [
    ("return layers.Dense(1, activation='relu')", ["'relu' -> 'sigmoid'", "'relu' -> 'tanh'", "'relu' -> 'softmax'", "'relu' -> 'linear'"]),
    ("return layers.Activation('softmax')", ["'softmax' -> 'relu'", "'softmax' -> 'sigmoid'", "'softmax' -> 'tanh'", "'softmax' -> 'linear'"]),
    ("return layers.Dense(1, activation=keras.activations.tanh)",
     ["keras.activations.tanh -> keras.activations.relu", "keras.activations.tanh -> keras.activations.sigmoid",
      "keras.activations.tanh -> keras.activations.softmax", "keras.activations.tanh -> keras.activations.linear"]),
    ("return layers.Dense(3)", ["layers.Dense(3) -> layers.Dense(3, activation='relu')", "layers.Dense(3) -> layers.Dense(3, activation='sigmoid')"]),
    ("return {'relu': x}", []),
])
def test_activations(body, changes):
    assert _changes("activation", body) == changes


def test_optimizers_and_losses_only_where_keras_reads_them():
    assert _changes("optimizer", "x.compile(optimizer='rmsprop', loss='rmsprop')") == ["'rmsprop' -> 'adam'", "'rmsprop' -> 'sgd'"]
    assert _changes("optimizer", "return keras.optimizers.Adam(0.1)") == ["keras.optimizers.Adam -> keras.optimizers.RMSprop", "keras.optimizers.Adam -> keras.optimizers.SGD"]
    assert _changes("loss", "x.compile(loss='mse', optimizer='mse')") == [
        "'mse' -> 'binary_crossentropy'", "'mse' -> 'categorical_crossentropy'", "'mse' -> 'sparse_categorical_crossentropy'", "'mse' -> 'mae'",
    ]
    assert _changes("loss", "return keras.losses.MeanSquaredError()")[:1] == ["keras.losses.MeanSquaredError -> keras.losses.BinaryCrossentropy"]


def test_regularizers_by_module_string_and_keyword():
    assert _changes("regularizer", "return layers.Dense(1, kernel_regularizer=regularizers.l2(0.1))") == [
        "kernel_regularizer= -> bias_regularizer=", "kernel_regularizer= -> activity_regularizer=",
        "regularizers.l2 -> regularizers.l1", "regularizers.l2 -> regularizers.l1_l2",
    ]
    assert _changes("regularizer", "return layers.Dense(1, bias_regularizer='l1')")[2:] == ["'l1' -> 'l2'", "'l1' -> 'l1_l2'"]
    assert _changes("regularizer", "l2 = x.l2\nreturn l2") == []


def test_layers_dropped_from_a_list_an_add_and_a_functional_chain():
    assert _changes("layer_dropped", "return keras.Sequential([layers.Dense(2), layers.Dense(1)])") == [
        "layers.Dense(2) -> (left out)", "layers.Dense(1) -> (left out)",
    ]
    assert _changes("layer_dropped", "m = keras.Sequential()\nm.add(layers.Dense(2))\nm.add(layers.Dense(1))\nreturn m") == [
        "m.add(layers.Dense(2)) -> (left out)", "m.add(layers.Dense(1)) -> (left out)",
    ]
    assert _changes("layer_dropped", "h = layers.Dense(2)(x)\nh = layers.Dense(3)(h)\nreturn h") == ["h = layers.Dense(3)(h) -> (left out)"]


def test_layer_order_layer_swapped_and_compile_dropped():
    assert _changes("layer_order", "return keras.Sequential([layers.Dense(2), layers.Dropout(0.5)])") == [
        "layers.Dense(2), layers.Dropout(0.5) -> layers.Dropout(0.5), layers.Dense(2)",
    ]
    assert _changes("layer_swapped", "return layers.SimpleRNN(4)") == ["layers.SimpleRNN -> layers.LSTM", "layers.SimpleRNN -> layers.GRU"]
    assert _changes("compile_dropped", "x.compile(loss='mse')\nreturn x") == ["x.compile(loss='mse') -> (left out)"]


@pytest.mark.parametrize("body, changes", [
    ("return np.sum(x, axis=-1)", ["axis=-1 -> axis=0", "axis=-1 -> axis=1"]),
    ("return np.sum(x, axis=0)", ["axis=0 -> axis=1", "axis=0 -> axis=-1"]),
    ("return np.sum(x, axis=None)", ["axis=None -> axis=0", "axis=None -> axis=1", "axis=None -> axis=-1"]),
    ("return np.sum(x, axis=k)", []),
])
def test_axes(body, changes):
    assert _changes("axis", body) == changes


def test_copies_removed():
    assert _changes("copy_removed", "a = x.copy()\nb = np.copy(x)\nc = copy.deepcopy(x)\nreturn a, b, c") == [
        "x.copy() -> x", "np.copy(x) -> x", "copy.deepcopy(x) -> x",
    ]


def test_conversions_removed():
    assert _changes("conversion_removed", "a = np.asarray(x, dtype=float)\nreturn float(a.astype('float32').sum())") == [
        "np.asarray(x, dtype=float) -> x", "float(a.astype('float32').sum()) -> a.astype('float32').sum()", "a.astype('float32') -> a",
    ]


def test_reductions_and_norms():
    assert _changes("reduction", "return np.sum(x) + x.max() + max(x, 1)") == ["np.sum -> np.mean", "x.max -> x.min", "max -> min"]
    assert _changes("norm", "return np.sum(np.square(x))") == ["np.square -> np.abs"]


def test_the_generator_passed_in_ignored_for_the_global_random_state():
    assert _changes("global_random", "return rng.random(x) < 0.5, other.random(x)", "x, rng") == [
        "rng.random(x) -> np.random.random(x)",
    ]
    assert _changes("global_random", "return rng.integers(0, 5)", "rng") == ["rng.integers(0, 5) -> np.random.randint(0, 5)"]


def test_in_place_updates_of_a_parameter():
    assert _changes("in_place", "return W - lr * g", "W, lr, g") == ["return W - lr * g -> W -= lr * g; return W"]
    assert _changes("in_place", "return (x * m / k, m)", "x, m, k") == ["return (x * m / k, m) -> x *= m; return (x / k, m)"]
    assert _changes("in_place", "y = z - 1\nreturn y", "x") == []


def test_an_in_place_mutant_changes_the_callers_array():
    (mutant,) = generate("def step(W, g):\n    return W - 0.5 * g\n", operators=[BY_NAME["in_place"]])
    namespace: dict = {}
    exec(mutant.source, namespace)
    import numpy as np

    W = np.ones(3)
    namespace["step"](W, np.ones(3))
    assert np.array_equal(W, [0.5, 0.5, 0.5])
