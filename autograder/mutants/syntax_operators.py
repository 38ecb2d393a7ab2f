"""Operators any Python function can be given: numbers, operators, conditions, arguments.

Each is a function from a site to the edits it proposes there, with the
mistake it stands for: a constant off by one or by a factor, a sign or an
operator confused, a term or a keyword argument forgotten, a check of the
arguments left out, a condition the wrong way round, a bound off by one.
"""
from __future__ import annotations

import ast
from typing import Iterator

from autograder.mutants.sites import Edit, Site, short, terminal

ARITHMETIC: dict[type[ast.operator], tuple[type[ast.operator], ...]] = {
    ast.Add: (ast.Sub,), ast.Sub: (ast.Add,), ast.Mult: (ast.Div,), ast.Div: (ast.Mult,),
    ast.FloorDiv: (ast.Div,), ast.Pow: (ast.Mult,), ast.MatMult: (ast.Mult,),
}
COMPARISONS: dict[type[ast.cmpop], tuple[type[ast.cmpop], ...]] = {
    ast.Lt: (ast.LtE, ast.Gt), ast.LtE: (ast.Lt, ast.GtE), ast.Gt: (ast.GtE, ast.Lt), ast.GtE: (ast.Gt, ast.LtE),
    ast.Eq: (ast.NotEq,), ast.NotEq: (ast.Eq,), ast.Is: (ast.IsNot,), ast.IsNot: (ast.Is,), ast.In: (ast.NotIn,), ast.NotIn: (ast.In,),
}


def _changed(site: Site, replacement: ast.AST, at: ast.AST | None = None) -> Edit:
    return Edit(replacement, short(site.node), short(replacement), at)


def _number(node: ast.AST) -> int | float | None:
    """The value of a number as written: ``-1`` is the constant 1 under a minus sign."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _number(node.operand)
        return None if inner is None else -inner
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return node.value
    return None


def _written(value: int | float) -> ast.expr:
    return ast.UnaryOp(ast.USub(), ast.Constant(-value)) if value < 0 else ast.Constant(value)


def numbers(site: Site) -> Iterator[Edit]:
    """Integers +1, -1 and doubled; floats times and divided by ten; 0 and 1 into each other.
    A negative number is one number (the constant under its minus sign is not a site of its own);
    an axis is the axis operator's."""
    if site.keyword == "axis" or (isinstance(site.parent, ast.UnaryOp) and isinstance(site.parent.op, ast.USub)):
        return
    value = _number(site.node)
    if value is None:
        return
    if isinstance(value, int):
        candidates = [value + 1, value - 1, value * 2]
    elif value == 0:
        candidates = [1.0]
    elif value == 1:
        candidates = [10.0, 0.1, 0.0]
    else:
        candidates = [value * 10, value / 10]
    for candidate in dict.fromkeys(candidates):
        if candidate != value:
            yield _changed(site, _written(candidate))


def booleans(site: Site) -> Iterator[Edit]:
    if isinstance(site.node, ast.Constant) and isinstance(site.node.value, bool):
        yield _changed(site, ast.Constant(not site.node.value))


def arithmetic(site: Site) -> Iterator[Edit]:
    """+ and -, * and / confused; // for /, * for ** and @."""
    node = site.node
    if isinstance(node, ast.BinOp):
        for other in ARITHMETIC.get(type(node.op), ()):
            yield _changed(site, ast.BinOp(node.left, other(), node.right))
    elif isinstance(node, ast.AugAssign):
        for other in ARITHMETIC.get(type(node.op), ()):
            yield _changed(site, ast.AugAssign(node.target, other(), node.value))


def signs(site: Site) -> Iterator[Edit]:
    """A minus sign forgotten: ``-x`` is ``x``."""
    if isinstance(site.node, ast.UnaryOp) and isinstance(site.node.op, ast.USub):
        yield _changed(site, site.node.operand)


def comparisons(site: Site) -> Iterator[Edit]:
    """< for <=, < for > (keep and drop confused), == for !=, each comparison of a chain on its own."""
    node = site.node
    if not isinstance(node, ast.Compare):
        return
    for k, op in enumerate(node.ops):
        for other in COMPARISONS.get(type(op), ()):
            yield _changed(site, ast.Compare(node.left, [*node.ops[:k], other(), *node.ops[k + 1 :]], node.comparators))


def operands(site: Site) -> Iterator[Edit]:
    """A term forgotten: ``a op b`` is ``a`` or ``b`` (a rescaling, a regulariser, a stabilising shift left out);
    ``a and b`` is ``a`` or ``b``."""
    node = site.node
    if isinstance(node, ast.BinOp) and not isinstance(node.op, ast.Mod):
        yield _changed(site, node.left)
        yield _changed(site, node.right)
    elif isinstance(node, ast.BoolOp):
        for k in range(len(node.values)):
            rest = [*node.values[:k], *node.values[k + 1 :]]
            yield _changed(site, rest[0] if len(rest) == 1 else ast.BoolOp(node.op, rest))


def keywords(site: Site) -> Iterator[Edit]:
    """A keyword argument left out (``keepdims=True``, ``kernel_regularizer=...``, ``metrics=...``): its default instead."""
    if isinstance(site.node, ast.keyword) and site.node.arg is not None and site.index is not None:
        yield Edit(None, short(site.node), "(left out)")


def conditions(site: Site) -> Iterator[Edit]:
    """The condition of an ``if``, a conditional expression or a ``while`` the wrong way round."""
    if site.field != "test" or not isinstance(site.parent, (ast.If, ast.IfExp, ast.While)):
        return
    node = site.node
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield _changed(site, node.operand)
    else:
        yield _changed(site, ast.UnaryOp(ast.Not(), node))


def checks(site: Site) -> Iterator[Edit]:
    """A check of the arguments left out: an ``if`` whose body only raises, removed."""
    node = site.node
    if isinstance(node, ast.If) and not node.orelse and site.index is not None and all(isinstance(s, ast.Raise) for s in node.body):
        yield Edit(None, f"if {short(node.test, 40)}: raise ...", "(left out)")


def bounds(site: Site) -> Iterator[Edit]:
    """A bound off by one: a slice's start or stop, or an argument of ``range``, plus or minus one
    (a constant bound is the numbers operator's)."""
    node = site.node
    in_slice = isinstance(site.parent, ast.Slice) and site.field in ("lower", "upper")
    in_range = isinstance(site.parent, ast.Call) and site.field == "args" and isinstance(site.parent.func, ast.Name) and site.parent.func.id == "range"
    if (in_slice or in_range) and isinstance(node, ast.expr) and not isinstance(node, ast.Constant):
        for op in (ast.Add, ast.Sub):
            yield _changed(site, ast.BinOp(node, op(), ast.Constant(1)))


def arguments(site: Site) -> Iterator[Edit]:
    """An argument of the exercise function ignored where it is passed on: its default instead
    (``SimpleRNN(32)`` for ``SimpleRNN(units)``), or, for one without a default, 1 where it sizes a
    layer or a shape (``Dense(1)`` for ``Dense(features)``); 1 passed to ``len`` or ``range`` would only crash."""
    node = site.node
    if not (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)):
        return
    defaults = dict(site.scope.signature)
    if node.id not in defaults:
        return
    called = site.parent.func if isinstance(site.parent, ast.Call) and site.field == "args" else None
    sizes = isinstance(site.parent, ast.Tuple) or (called is not None and (terminal(called) or "")[:1].isupper())
    if defaults[node.id] is not None and (called is not None or site.keyword is not None or isinstance(site.parent, ast.Tuple)):
        yield Edit(defaults[node.id], node.id, short(defaults[node.id]))
    elif defaults[node.id] is None and sizes:
        yield Edit(ast.Constant(1), node.id, "1")
