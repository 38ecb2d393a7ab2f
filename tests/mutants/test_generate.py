from __future__ import annotations

import ast
from collections import Counter

import pytest

from autograder.errors import UserError
from autograder.mutants.generate import generate
from autograder.mutants.mutant import tally
from autograder.mutants.operators import OPERATORS

SOURCE = '''"""A module."""
import numpy as np

SCALE = 2


# exercise: scaled, 2 points
def helper(v):
    return v * 3


def scaled(x, factor=2.0):
    """Scaled x; the docstring says 3 + 4."""
    import math
    if factor < 0:
        raise ValueError(f"factor {factor + 1} must be >= 0")
    y = np.asarray(x) * factor  # a comment
    return np.sum(y, axis=0) + math.pi
# end exercise


def other(a):
    return a + 1
'''


def _function_lines(source: str, name: str) -> tuple[int, int]:
    node = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == name)
    return node.lineno, node.end_lineno


def test_mutants_change_only_the_functions_named_and_keep_the_rest_byte_for_byte():
    mutants = generate(SOURCE, ["scaled"])
    assert mutants and {m.function for m in mutants} == {"scaled"}
    first, last = _function_lines(SOURCE, "scaled")
    lines = SOURCE.split("\n")
    for mutant in mutants:
        mutated = mutant.source.split("\n")
        assert mutated[: first - 1] == lines[: first - 1]
        tail = len(lines) - last
        assert mutated[-tail:] == lines[-tail:]
        assert "# exercise: scaled, 2 points" in mutant.source and "# end exercise" in mutant.source


def test_docstrings_imports_and_error_messages_are_never_mutated():
    for mutant in generate(SOURCE, ["scaled"]):
        function = next(n for n in ast.parse(mutant.source).body if isinstance(n, ast.FunctionDef) and n.name == "scaled")
        assert ast.get_docstring(function) == "Scaled x; the docstring says 3 + 4."
        assert "import math" in ast.unparse(function)
        text = ast.unparse(function)
        assert "raise" not in text or "factor {factor + 1} must be >= 0" in text


def test_every_mutant_compiles_differs_from_the_reference_and_from_every_other():
    mutants = generate(SOURCE)
    reference = {ast.unparse(n) for n in ast.parse(SOURCE).body if isinstance(n, ast.FunctionDef)}
    sources = [m.source for m in mutants]
    assert len(set(sources)) == len(sources)
    for mutant in mutants:
        compile(mutant.source, "<mutant>", "exec")
        changed = {ast.unparse(n) for n in ast.parse(mutant.source).body if isinstance(n, ast.FunctionDef)}
        assert len(changed - reference) == 1


def test_mutants_come_in_source_order_with_unique_stable_ids():
    mutants = generate(SOURCE)
    assert [(m.line, m.column) for m in mutants] == sorted((m.line, m.column) for m in mutants)
    assert len({m.id for m in mutants}) == len(mutants)
    assert mutants == generate(SOURCE)
    assert all(m.id.split("@")[0] == m.operator and m.description.startswith(f"line {m.line}: ") for m in mutants)


def test_the_functions_default_to_all_of_them():
    assert {m.function for m in generate(SOURCE)} == {"helper", "scaled", "other"}


def test_a_function_that_is_not_there_is_one_sentence():
    with pytest.raises(UserError, match="defines no function missing, nope"):
        generate(SOURCE, ["scaled", "nope", "missing"])


def test_a_mutant_that_would_empty_a_body_is_dropped():
    mutants = generate("def check(x):\n    if x < 0:\n        raise ValueError('negative')\n")
    assert "check_dropped" not in {m.operator for m in mutants}


def test_a_cap_keeps_every_operator_represented_in_turn():
    everything = generate(SOURCE, ["scaled"])
    operators = Counter(m.operator for m in everything)
    capped = generate(SOURCE, ["scaled"], cap=len(operators))
    assert len(capped) == len(operators) and {m.operator for m in capped} == set(operators)
    assert [m.id for m in capped] == [m.id for m in everything if m in capped]
    assert generate(SOURCE, ["scaled"], cap=10_000) == everything


def test_operators_can_be_chosen():
    chosen = [op for op in OPERATORS if op.name == "axis"]
    assert {m.operator for m in generate(SOURCE, operators=chosen)} == {"axis"}


def test_tally_counts_per_function_and_operator():
    counts = tally(generate(SOURCE))
    assert counts["other"] == Counter({"number": 2, "arithmetic": 1, "operand_dropped": 2, "in_place": 1})
    assert sum(counts["scaled"].values()) == len(generate(SOURCE, ["scaled"]))
