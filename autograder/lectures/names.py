"""Which names a listing reads without defining them: its free inputs, and the modules it assumes.

A slide shows code out of its notebook: ``keras`` and ``layers`` were
imported cells earlier, ``train_data`` loaded somewhere else. The first
kind are the usual aliases (``KNOWN_IMPORTS``), which an exercise imports;
the second are what the exercise's function must take as parameters.
Names are followed in evaluation order (an assignment's value before its
target, a loop's iterable before its variable, a comprehension's own
variables kept to it), so ``x = x + 1`` reads a free ``x``.
"""
from __future__ import annotations

import ast
import builtins
from typing import Iterable, Sequence

BUILTINS = frozenset(dir(builtins))

KNOWN_IMPORTS: dict[str, str] = {
    "keras": "import keras",
    "layers": "from keras import layers",
    "models": "from keras import models",
    "regularizers": "from keras import regularizers",
    "optimizers": "from keras import optimizers",
    "losses": "from keras import losses",
    "metrics": "from keras import metrics",
    "callbacks": "from keras import callbacks",
    "activations": "from keras import activations",
    "Sequential": "from keras import Sequential",
    "Model": "from keras import Model",
    "Input": "from keras import Input",
    **{layer: f"from keras.layers import {layer}" for layer in (
        "Dense", "Dropout", "Activation", "Flatten", "Embedding", "SimpleRNN", "LSTM", "GRU", "Conv1D", "Conv2D",
        "MaxPooling1D", "MaxPooling2D", "BatchNormalization", "InputLayer",
    )},
    "np": "import numpy as np",
    "numpy": "import numpy",
    "tf": "import tensorflow as tf",
    "plt": "import matplotlib.pyplot as plt",
}
"""What an alias a lecture uses without importing it stands for, as the course's notebooks import it."""


class _Reader(ast.NodeVisitor):
    def __init__(self, bound: Iterable[str]) -> None:
        self.bound = set(bound)
        self.free: dict[str, None] = {}

    def read(self, name: str) -> None:
        if name not in self.bound and name not in BUILTINS:
            self.free.setdefault(name, None)

    def nested(self, bound: Iterable[str], nodes: Iterable[ast.AST]) -> None:
        """Visit ``nodes`` in a scope of their own: what they bind stays there, what they read free is free here too."""
        inner = _Reader(self.bound | set(bound))
        for node in nodes:
            inner.visit(node)
        for name in inner.free:
            self.read(name)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.read(node.id)
        else:
            self.bound.add(node.id)

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        for target in node.targets:
            self.visit(target)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)
        self.visit(node.target)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name):
            self.read(node.target.id)
        self.visit(node.value)
        self.visit(node.target)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        self.visit(node.target)

    def visit_For(self, node: ast.For) -> None:
        self.visit(node.iter)
        self.visit(node.target)
        for statement in (*node.body, *node.orelse):
            self.visit(statement)

    visit_AsyncFor = visit_For

    def visit_With(self, node: ast.With) -> None:
        for item in node.items:
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                self.visit(item.optional_vars)
        for statement in node.body:
            self.visit(statement)

    visit_AsyncWith = visit_With

    def visit_Import(self, node: ast.Import) -> None:
        self.bound.update(alias.asname or alias.name.split(".")[0] for alias in node.names)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self.bound.update(alias.asname or alias.name for alias in node.names)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.type is not None:
            self.visit(node.type)
        if node.name:
            self.bound.add(node.name)
        for statement in node.body:
            self.visit(statement)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        arguments = node.args
        for default in (*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)):
            self.visit(default)
        names = [a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)]
        names += [a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None]
        if isinstance(node, ast.Lambda):
            self.nested(names, [node.body])
            return
        for decorator in node.decorator_list:
            self.visit(decorator)
        self.bound.add(node.name)
        self.nested([*names, *(name for statement in node.body for name in assigned(statement))], node.body)

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for expression in (*node.bases, *(k.value for k in node.keywords), *node.decorator_list):
            self.visit(expression)
        self.bound.add(node.name)
        self.nested([], node.body)

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> None:
        first, *rest = node.generators
        self.visit(first.iter)
        results = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        self.nested([], [first.target, *first.ifs, *_generators(rest), *results])

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _comprehension


def _generators(generators: Sequence[ast.comprehension]) -> list[ast.AST]:
    """A comprehension's later generators in evaluation order: iterable, variable, conditions."""
    return [part for g in generators for part in (g.iter, g.target, *g.ifs)]


def free_names(statements: Sequence[ast.stmt], bound: Iterable[str] = ()) -> tuple[str, ...]:
    """Names the statements read before anything binds them, builtins aside, in the order first read."""
    reader = _Reader(bound)
    for statement in statements:
        reader.visit(statement)
    return tuple(reader.free)


def assigned(statement: ast.stmt) -> frozenset[str]:
    """Names the statement binds at its own level: targets, imports, definitions, loop variables."""
    reader = _Reader(())
    reader.visit(statement)
    return frozenset(reader.bound)
