"""Operators for NumPy code, from the mistakes this course's instructors catalogued by hand.

``mistakes.toml`` of ``regularization_rnn`` and ``keras_regularization``
list, beside operator and constant slips: the wrong axis; a mean for a
sum (or the reverse), a maximum for a minimum; absolute values for squares
(L1 for L2); the caller's array changed in place, through a copy left out
or an update written with ``-=``; a list left unconverted; NumPy's global
random state used instead of the generator passed in. One operator each.
"""
from __future__ import annotations

import ast
import copy
from typing import Iterator

from autograder.mutants.sites import Edit, Site, dotted, short

AXES = (0, 1, -1)
REDUCTIONS = {
    "sum": "mean", "mean": "sum", "max": "min", "min": "max", "amax": "amin", "amin": "amax",
    "argmax": "argmin", "argmin": "argmax", "nansum": "nanmean", "nanmean": "nansum",
}
NORMS = {"square": "abs", "abs": "square"}
CONVERSIONS = frozenset({"asarray", "array", "asanyarray", "ascontiguousarray"})
GENERATOR_METHODS = {
    "random": "random", "normal": "normal", "uniform": "uniform", "binomial": "binomial", "integers": "randint",
    "choice": "choice", "shuffle": "shuffle", "permutation": "permutation", "standard_normal": "standard_normal",
    "poisson": "poisson", "exponential": "exponential",
}
"""A ``numpy.random.Generator`` method and the function of NumPy's global random state that does its work."""
IN_PLACE = (ast.Add, ast.Sub, ast.Mult, ast.Div)


def _numpy_function(node: ast.AST, numpy: str) -> str | None:
    """``sum`` for ``np.sum`` (NumPy under its alias in the module)."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == numpy:
        return node.attr
    return None


def _constant_int(node: ast.AST) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) and type(node.operand.value) is int:
        return -node.operand.value
    return None


def _integer(value: int) -> ast.expr:
    return ast.UnaryOp(ast.USub(), ast.Constant(-value)) if value < 0 else ast.Constant(value)


def axes(site: Site) -> Iterator[Edit]:
    """``axis=`` given another of 0, 1, -1 (rows and columns confused, the last axis for the first)."""
    node = site.node
    if not (isinstance(node, ast.keyword) and node.arg == "axis"):
        return
    current = _constant_int(node.value)
    if current is None and not (isinstance(node.value, ast.Constant) and node.value.value is None):
        return
    for other in AXES:
        if other != current:
            yield Edit(ast.keyword("axis", _integer(other)), short(node), f"axis={other}")


def copies(site: Site) -> Iterator[Edit]:
    """A copy left out, so the caller's array is returned (and later changed): ``x.copy()``, ``np.copy(x)``,
    ``copy.copy(x)``, ``copy.deepcopy(x)`` are ``x``."""
    node = site.node
    if not isinstance(node, ast.Call):
        return
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr == "copy" and not node.args and not node.keywords and dotted(func.value) != "copy":
        yield Edit(func.value, short(node), short(func.value))
    elif node.args and (_numpy_function(func, site.scope.numpy) == "copy" or dotted(func) in ("copy.copy", "copy.deepcopy")):
        yield Edit(node.args[0], short(node), short(node.args[0]))


def conversions(site: Site) -> Iterator[Edit]:
    """A conversion left out: ``np.asarray(x)``, ``np.array(x)``, ``float(x)``, ``x.astype(t)`` are ``x``."""
    node = site.node
    if not isinstance(node, ast.Call):
        return
    func = node.func
    if node.args and (_numpy_function(func, site.scope.numpy) in CONVERSIONS or (isinstance(func, ast.Name) and func.id == "float")):
        yield Edit(node.args[0], short(node), short(node.args[0]))
    elif isinstance(func, ast.Attribute) and func.attr == "astype":
        yield Edit(func.value, short(node), short(func.value))


def reductions(site: Site) -> Iterator[Edit]:
    """A mean for a sum, a minimum for a maximum (NumPy's functions, arrays' methods, the built-in max and min)."""
    node = site.node
    if isinstance(node, ast.Attribute) and node.attr in REDUCTIONS:
        is_call = isinstance(site.parent, ast.Call) and site.field == "func"
        if _numpy_function(node, site.scope.numpy) or is_call:
            other = ast.Attribute(node.value, REDUCTIONS[node.attr], ast.Load())
            yield Edit(other, short(node), short(other))
    elif isinstance(node, ast.Name) and node.id in ("max", "min") and isinstance(site.parent, ast.Call) and site.field == "func":
        yield Edit(ast.Name("min" if node.id == "max" else "max", ast.Load()), node.id, "min" if node.id == "max" else "max")


def norms(site: Site) -> Iterator[Edit]:
    """L1 for L2: ``np.abs`` for ``np.square``, and the reverse."""
    node = site.node
    name = _numpy_function(node, site.scope.numpy)
    if name in NORMS:
        other = ast.Attribute(node.value, NORMS[name], ast.Load())
        yield Edit(other, short(node), short(other))


def global_random(site: Site) -> Iterator[Edit]:
    """The generator passed in ignored for NumPy's global random state: ``rng.random(s)`` is ``np.random.random(s)``."""
    node = site.node
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)):
        return
    receiver, method = node.func.value.id, node.func.attr
    if receiver in site.scope.parameters and method in GENERATOR_METHODS:
        module = ast.Attribute(ast.Name(site.scope.numpy, ast.Load()), "random", ast.Load())
        replaced = ast.Call(ast.Attribute(module, GENERATOR_METHODS[method], ast.Load()), node.args, node.keywords)
        yield Edit(replaced, short(node), short(replaced))


def _leftmost(expression: ast.expr) -> ast.BinOp | None:
    """The innermost operation at the left of ``p * a / b``: ``p * a``."""
    found = None
    while isinstance(expression, ast.BinOp):
        found, expression = expression, expression.left
    return found


def _without_leftmost(expression: ast.BinOp, parameter: str) -> ast.expr:
    """A copy of ``expression`` with its leftmost operation replaced by ``parameter``: ``p / b`` for ``p * a / b``."""
    expression = copy.deepcopy(expression)
    if not isinstance(expression.left, ast.BinOp):
        return ast.Name(parameter, ast.Load())
    parent = expression
    while isinstance(parent.left.left, ast.BinOp):
        parent = parent.left
    parent.left = ast.Name(parameter, ast.Load())
    return expression


def in_place(site: Site) -> Iterator[Edit]:
    """The caller's array changed: ``return p - a`` (or ``y = p * a / b``, or one item of a returned tuple) for
    a parameter ``p`` becomes ``p -= a`` (``p *= a``) followed by the rest of the expression on ``p``."""
    node = site.node
    if site.index is None or not isinstance(node, (ast.Return, ast.Assign)) or node.value is None:
        return
    if isinstance(node, ast.Assign) and not (len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
        return
    items = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
    for k, item in enumerate(items):
        first = _leftmost(item)
        if first is None or not isinstance(first.left, ast.Name) or first.left.id not in site.scope.parameters:
            continue
        if not isinstance(first.op, IN_PLACE):
            continue
        parameter = first.left.id
        update = ast.AugAssign(ast.Name(parameter, ast.Store()), type(first.op)(), first.right)
        rest = copy.copy(node)
        changed = _without_leftmost(item, parameter)
        rest.value = ast.Tuple([*items[:k], changed, *items[k + 1 :]], ast.Load()) if isinstance(node.value, ast.Tuple) else changed
        yield Edit([update, rest], short(node), f"{short(update)}; {short(rest)}")
