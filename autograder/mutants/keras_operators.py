"""Operators for Keras models: the names a student picks wrong, and the layer or regulariser forgotten.

Names are swapped only where Keras reads them as such: a string is an
activation where it is the value of ``activation=`` (or the argument of
``Activation``), an optimizer where it is ``optimizer=``, a loss where it is
``loss=``; a class or function where its module says so
(``keras.optimizers.Adam``, ``regularizers.l2``). A variable that happens to
be called ``l2`` is never touched.
"""
from __future__ import annotations

import ast
from typing import Iterator

from autograder.mutants.sites import Edit, Site, dotted, short, terminal

ACTIVATIONS = ("relu", "sigmoid", "tanh", "softmax", "linear")
"""The swaps of an activation; others Keras knows are swapped into these."""
KNOWN_ACTIVATIONS = frozenset({*ACTIVATIONS, "elu", "selu", "gelu", "softplus", "softsign", "swish", "silu", "leaky_relu", "exponential"})
ACTIVATION_KEYWORDS = frozenset({"activation", "recurrent_activation"})
ACTIVATION_ADDED = ("relu", "sigmoid")
"""What a layer that computes a linear output is given instead: a hidden layer's and a classifier's activation."""
LINEAR_BY_DEFAULT = frozenset({"Dense", "Conv1D", "Conv2D"})

OPTIMIZERS = ("rmsprop", "adam", "sgd")
KNOWN_OPTIMIZERS = frozenset({*OPTIMIZERS, "adamw", "adagrad", "adadelta", "adamax", "nadam", "ftrl", "lion"})
OPTIMIZER_CLASSES = ("RMSprop", "Adam", "SGD")

LOSSES = ("binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "mse", "mae")
KNOWN_LOSSES = frozenset({*LOSSES, "mean_squared_error", "mean_absolute_error", "huber", "hinge", "kl_divergence", "poisson"})
LOSS_CLASSES = ("BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "MeanSquaredError", "MeanAbsoluteError")

REGULARIZERS = {
    "l1": ("l2", "l1_l2"), "l2": ("l1", "l1_l2"), "l1_l2": ("l1", "l2"),
    "L1": ("L2", "L1L2"), "L2": ("L1", "L1L2"), "L1L2": ("L1", "L2"),
}
REGULARIZER_KEYWORDS = ("kernel_regularizer", "bias_regularizer", "activity_regularizer")
RECURRENT = ("SimpleRNN", "LSTM", "GRU")


def _strings(site: Site, known: frozenset[str], swaps: tuple[str, ...]) -> Iterator[Edit]:
    value = site.node.value
    if value.lower() in known:
        for other in swaps:
            if other != value.lower():
                yield Edit(ast.Constant(other), repr(value), repr(other))


def _module_names(site: Site, module: str, names: tuple[str, ...]) -> Iterator[Edit]:
    """``keras.optimizers.Adam`` for ``keras.optimizers.RMSprop``: an attribute of ``module`` swapped for the others in ``names``."""
    node = site.node
    if isinstance(node, ast.Attribute) and node.attr in names and (dotted(node.value) or "").split(".")[-1] == module:
        for other in names:
            if other != node.attr:
                yield Edit(ast.Attribute(node.value, other, ast.Load()), short(node), short(ast.Attribute(node.value, other, ast.Load())))


def _is_string(site: Site) -> bool:
    return isinstance(site.node, ast.Constant) and isinstance(site.node.value, str)


def activations(site: Site) -> Iterator[Edit]:
    """An activation swapped (relu, sigmoid, tanh, softmax, linear), or one given to a layer that is linear by default."""
    node = site.node
    if _is_string(site) and (site.keyword in ACTIVATION_KEYWORDS or site.argument_of() == "Activation"):
        yield from _strings(site, KNOWN_ACTIVATIONS, ACTIVATIONS)
    yield from _module_names(site, "activations", ACTIVATIONS)
    if isinstance(node, ast.Call) and terminal(node.func) in LINEAR_BY_DEFAULT and len(node.args) <= 1:
        if not any(k.arg == "activation" for k in node.keywords):
            for activation in ACTIVATION_ADDED:
                added = ast.Call(node.func, node.args, [*node.keywords, ast.keyword("activation", ast.Constant(activation))])
                yield Edit(added, short(node), short(added))


def optimizers(site: Site) -> Iterator[Edit]:
    if _is_string(site) and site.keyword == "optimizer":
        yield from _strings(site, KNOWN_OPTIMIZERS, OPTIMIZERS)
    yield from _module_names(site, "optimizers", OPTIMIZER_CLASSES)


def losses(site: Site) -> Iterator[Edit]:
    if _is_string(site) and site.keyword == "loss":
        yield from _strings(site, KNOWN_LOSSES, LOSSES)
    yield from _module_names(site, "losses", LOSS_CLASSES)


def regularizers(site: Site) -> Iterator[Edit]:
    """L1 for L2 and the like, as a function or class of ``regularizers`` or a string; and the regulariser
    put on the wrong weights (``bias_regularizer`` for ``kernel_regularizer``)."""
    node = site.node
    if _is_string(site) and site.keyword in REGULARIZER_KEYWORDS and node.value in REGULARIZERS:
        for other in REGULARIZERS[node.value]:
            yield Edit(ast.Constant(other), repr(node.value), repr(other))
    if isinstance(node, ast.Attribute) and node.attr in REGULARIZERS:
        yield from _module_names(site, "regularizers", (node.attr, *REGULARIZERS[node.attr]))
    if isinstance(node, ast.keyword) and node.arg in REGULARIZER_KEYWORDS:
        for other in REGULARIZER_KEYWORDS:
            if other != node.arg:
                yield Edit(ast.keyword(other, node.value), f"{node.arg}=", f"{other}=")


def _sequential_list(node: ast.AST) -> ast.List | ast.Tuple | None:
    if isinstance(node, ast.Call) and terminal(node.func) == "Sequential" and node.args and isinstance(node.args[0], (ast.List, ast.Tuple)):
        return node.args[0]
    return None


def layers(site: Site) -> Iterator[Edit]:
    """A layer left out: an element of a Sequential's list, a ``model.add(...)``, or a functional ``x = Layer(...)(x)``."""
    node = site.node
    given = _sequential_list(node)
    if given is not None:
        for k, layer in enumerate(given.elts):
            fewer = type(given)([*given.elts[:k], *given.elts[k + 1 :]], ast.Load())
            yield Edit(ast.Call(node.func, [fewer, *node.args[1:]], node.keywords), short(layer), "(left out)", at=layer)
    elif isinstance(node, ast.Expr) and site.index is not None and isinstance(node.value, ast.Call):
        func = node.value.func
        if isinstance(func, ast.Attribute) and func.attr == "add" and node.value.args:
            yield Edit(None, short(node), "(left out)")
    elif isinstance(node, ast.Assign) and site.index is not None and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        value = node.value
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Call) and any(
            isinstance(a, ast.Name) and a.id == node.targets[0].id for a in value.args
        ):
            yield Edit(None, short(node), "(left out)")


def layer_order(site: Site) -> Iterator[Edit]:
    """Two neighbouring layers of a Sequential's list in the wrong order (a Dropout before its Dense)."""
    node = site.node
    given = _sequential_list(node)
    if given is None:
        return
    for k in range(len(given.elts) - 1):
        first, second = given.elts[k], given.elts[k + 1]
        swapped = type(given)([*given.elts[:k], second, first, *given.elts[k + 2 :]], ast.Load())
        yield Edit(ast.Call(node.func, [swapped, *node.args[1:]], node.keywords), f"{short(first, 30)}, {short(second, 30)}",
                   f"{short(second, 30)}, {short(first, 30)}", at=first)


def recurrent(site: Site) -> Iterator[Edit]:
    """Another recurrent layer: LSTM or GRU for SimpleRNN, and the like."""
    node = site.node
    if isinstance(node, ast.Call) and terminal(node.func) in RECURRENT:
        for other in RECURRENT:
            if other != terminal(node.func):
                func = ast.Attribute(node.func.value, other, ast.Load()) if isinstance(node.func, ast.Attribute) else ast.Name(other, ast.Load())
                yield Edit(ast.Call(func, node.args, node.keywords), short(node.func), short(func))


def compile_dropped(site: Site) -> Iterator[Edit]:
    """The model never compiled: a ``model.compile(...)`` statement left out."""
    node = site.node
    if isinstance(node, ast.Expr) and site.index is not None and isinstance(node.value, ast.Call):
        func = node.value.func
        if isinstance(func, ast.Attribute) and func.attr == "compile":
            yield Edit(None, short(node), "(left out)")
