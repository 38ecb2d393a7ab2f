"""Where a mutation may go, and how an operator describes one.

A site is a node of an exercise function's body with the place it holds in
its parent, so one change can be made and undone in place. Some parts of a
function are never sites: its docstring, imports (the course's, not the
student's), the messages of ``raise`` and f-strings (changing them changes
no behaviour a check can see), signatures and annotations (the notebook
gives them to the student), and operator tokens (the node that holds one is
the site).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Union

Replacement = Union[ast.AST, list[ast.stmt], None]
"""A node in the site's place, statements spliced in its place in a list, or None: removed from its list."""

TOKENS = (ast.expr_context, ast.operator, ast.cmpop, ast.unaryop, ast.boolop)
SKIPPED_FIELDS = frozenset({"decorator_list", "returns", "annotation", "type_comment", "type_params"})


@dataclass(frozen=True)
class Scope:
    """What a site's surroundings tell an operator: the exercise function's name and signature (each
    parameter with its default expression, or None), the parameters a site can read (a nested
    function's too), NumPy's alias."""

    function: str
    signature: tuple[tuple[str, ast.expr | None], ...]
    parameters: frozenset[str]
    numpy: str


@dataclass(frozen=True)
class Site:
    node: ast.AST
    parent: ast.AST
    field: str
    index: int | None
    scope: Scope

    @property
    def keyword(self) -> str | None:
        """The keyword argument this node is the value of: ``activation`` in ``Dense(1, activation='relu')``."""
        return self.parent.arg if isinstance(self.parent, ast.keyword) and self.field == "value" else None

    def argument_of(self) -> str | None:
        """The called name this node is a positional argument of, and only the first: ``Activation`` in ``Activation('relu')``."""
        if isinstance(self.parent, ast.Call) and self.field == "args" and self.index == 0:
            return terminal(self.parent.func)
        return None


@dataclass(frozen=True)
class Edit:
    """One change an operator proposes; ``at`` is the node the change is about when not the site's own."""

    replacement: Replacement
    before: str
    after: str
    at: ast.AST | None = None


Mutate = Callable[[Site], Iterable[Edit]]


@dataclass(frozen=True)
class Operator:
    """A mutation operator: its name in reports, the mistake it stands for, and what it proposes at a site."""

    name: str
    explains: str
    mutate: Mutate


def dotted(node: ast.AST) -> str | None:
    """``keras.regularizers.l2`` for that attribute chain; None when it does not start from a name."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def terminal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def short(node: ast.AST | str, limit: int = 60) -> str:
    """Source text for a description, cut to ``limit`` characters."""
    text = node if isinstance(node, str) else ast.unparse(node)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_docstring(statement: ast.stmt, index: int) -> bool:
    return index == 0 and isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) and isinstance(statement.value.value, str)


def sites(function: ast.FunctionDef | ast.AsyncFunctionDef, numpy: str) -> Iterator[Site]:
    """Every site of a function's body, parents before children, in source order."""
    yield from _within(function, _scope(function, numpy))


def _scope(function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, numpy: str, outer: Scope | None = None) -> Scope:
    """A nested function or lambda keeps the exercise function's name and reads its parameters too."""
    arguments = function.args
    names = {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}
    names |= {a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None}
    if outer is not None:
        return Scope(outer.function, outer.signature, outer.parameters | names, numpy)
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults = [None] * (len(positional) - len(arguments.defaults)) + list(arguments.defaults)
    signature = [(a.arg, d) for a, d in zip(positional, defaults)] + [(a.arg, d) for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults)]
    return Scope(function.name, tuple(signature), frozenset(names), numpy)


def _within(node: ast.AST, scope: Scope) -> Iterator[Site]:
    for field, value in ast.iter_fields(node):
        if field in SKIPPED_FIELDS:
            continue
        children = value if isinstance(value, list) else [value]
        for index, child in enumerate(children):
            if not isinstance(child, ast.AST) or isinstance(child, (*TOKENS, ast.arguments)):
                continue
            if field == "body" and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _is_docstring(child, index):
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom, ast.JoinedStr)):
                continue
            yield Site(child, node, field, index if isinstance(value, list) else None, scope)
            if isinstance(child, ast.Raise):
                continue
            inner = _scope(child, scope.numpy, scope) if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) else scope
            yield from _within(child, inner)


def apply(site: Site, replacement: Replacement) -> Callable[[], None]:
    """Makes the change in place; returns what undoes it."""
    current = getattr(site.parent, site.field)
    if site.index is None:
        setattr(site.parent, site.field, replacement)
    else:
        spliced = replacement if isinstance(replacement, list) else [] if replacement is None else [replacement]
        setattr(site.parent, site.field, [*current[: site.index], *spliced, *current[site.index + 1 :]])
    return lambda: setattr(site.parent, site.field, current)
