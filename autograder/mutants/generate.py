"""Mutants of a source, one change each, in the exercise's functions only.

Each operator's edit is made in place on the function's syntax tree, the
function unparsed and spliced back into the source in place of its own
lines (the rest of the source, comments and exercise markers included, is
untouched), and the edit undone. A mutant is kept when it compiles and its
function's text differs from the reference's and from every mutant kept
before it. Mutants come in source order (line, column, operator order).

A cap keeps the mutants of each operator in turn (the first of every
operator, then the second of every operator, ...) so that a capped run
still tries every kind of mistake, rather than every mistake of the first
lines.
"""
from __future__ import annotations

import ast
from dataclasses import replace
from itertools import zip_longest
from typing import Collection, Sequence

from autograder.errors import UserError
from autograder.mutants.mutant import Mutant
from autograder.mutants.operators import OPERATORS
from autograder.mutants.sites import Operator, apply, sites


def _numpy_alias(tree: ast.Module) -> str:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "numpy":
                    return alias.asname or "numpy"
    return "np"


def generate(
    source: str,
    functions: Collection[str] | None = None,
    *,
    cap: int | None = None,
    operators: Sequence[Operator] = OPERATORS,
) -> tuple[Mutant, ...]:
    """The mutants of ``source``'s top-level functions named in ``functions`` (all of them when None)."""
    tree = ast.parse(source)
    defined = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    missing = sorted(set(functions or ()) - {node.name for node in defined})
    if missing:
        raise UserError(f"The source defines no function {', '.join(missing)} to make mutants of.")
    chosen = [node for node in defined if functions is None or node.name in functions]
    lines = source.splitlines(keepends=True)
    numpy = _numpy_alias(tree)
    found: list[tuple[tuple[int, int, int], Mutant]] = []
    seen: set[str] = set()
    for function in chosen:
        first = min([function.lineno, *(d.lineno for d in function.decorator_list)]) - 1
        before, after = "".join(lines[:first]), "".join(lines[function.end_lineno :])
        reference = ast.unparse(function)
        seen.add(reference)
        for site in sites(function, numpy):
            for rank, operator in enumerate(operators):
                for edit in operator.mutate(site):
                    undo = apply(site, edit.replacement)
                    try:
                        text = ast.unparse(function)
                    finally:
                        undo()
                    if text in seen:
                        continue
                    seen.add(text)
                    mutated = f"{before}{text}\n{after}"
                    try:
                        compile(mutated, "<mutant>", "exec")
                    except (SyntaxError, ValueError):
                        continue
                    at = edit.at or site.node
                    line = getattr(at, "lineno", site.parent.lineno)
                    column = getattr(at, "col_offset", 0)
                    description = f"line {line}: {edit.before} -> {edit.after}"
                    found.append(((line, column, rank), Mutant("", operator.name, function.name, line, column, description, mutated)))
    found.sort(key=lambda item: item[0])
    return _identified(_capped([mutant for _, mutant in found], cap))


def _capped(mutants: list[Mutant], cap: int | None) -> list[Mutant]:
    if cap is None or len(mutants) <= cap:
        return mutants
    by_operator: dict[str, list[Mutant]] = {}
    for mutant in mutants:
        by_operator.setdefault(mutant.operator, []).append(mutant)
    turns = [m for round_ in zip_longest(*by_operator.values()) for m in round_ if m is not None]
    kept = {id(m) for m in turns[:cap]}
    return [m for m in mutants if id(m) in kept]


def _identified(mutants: list[Mutant]) -> tuple[Mutant, ...]:
    """Each mutant with its id: ``operator@line:column``, then ``.2``, ``.3`` for the next ones there."""
    counts: dict[str, int] = {}
    named = []
    for mutant in mutants:
        base = f"{mutant.operator}@{mutant.line}:{mutant.column}"
        counts[base] = counts.get(base, 0) + 1
        named.append(replace(mutant, id=base if counts[base] == 1 else f"{base}.{counts[base]}"))
    return tuple(named)
