from __future__ import annotations

import ast

import pytest

from autograder.lectures.names import assigned, free_names


def _free(code: str, bound=()) -> tuple[str, ...]:
    return free_names(ast.parse(code).body, bound)


@pytest.mark.parametrize("code, free", [
    ("mask = np.random.rand(n) < keep_prob\nd = x * mask", ("np", "n", "keep_prob", "x")),
    ("x = x + 1", ("x",)),
    ("x += 1", ("x",)),
    ("import numpy as np\nfrom keras import layers\ny = np.ones(3) + layers.Dense(k)", ("k",)),
    ("y = [i * k for i in range(m) if i > t]", ("m", "t", "k")),
    ("y = {key: v for key, v in pairs}", ("pairs",)),
    ("for j in js:\n    s = j + w", ("js", "w")),
    ("f = lambda a, b=c: a + b + z", ("c", "z")),
    ("def g(a, b=c):\n    t = a + z\n    return t", ("c", "z")),
    ("with open(p) as handle:\n    data = handle.read()", ("p",)),
    ("try:\n    r = f()\nexcept E as error:\n    r = error", ("f", "E")),
    ("print(len(xs), max(ys))", ("xs", "ys")),
    ("class M(Base):\n    units = n", ("Base", "n")),
])
def test_free_names_are_the_names_read_before_anything_binds_them_in_order(code, free):
    assert _free(code) == free


def test_free_names_keep_the_order_each_name_is_first_read():
    assert _free("a = b + c\nd = c + e + b") == ("b", "c", "e")


def test_names_bound_outside_are_not_free():
    assert _free("y = x * 2", bound=("x",)) == ()


@pytest.mark.parametrize("code, names", [
    ("model = keras.Sequential()", {"model"}),
    ("a, (b, c) = t", {"a", "b", "c"}),
    ("import numpy as np, os.path", {"np", "os"}),
    ("from keras import layers as L", {"L"}),
    ("def f(x):\n    y = x", {"f"}),
    ("model.compile(loss='mse')", set()),
    ("for i in r:\n    total = i", {"i", "total"}),
])
def test_assigned_names_are_what_a_statement_binds_at_its_own_level(code, names):
    assert assigned(ast.parse(code).body[0]) == names
