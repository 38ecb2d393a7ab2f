"""What a generated array exercise's references hold: the reference solution's answer on each
hidden case, computed once in the grader under the seed the checks use."""
from __future__ import annotations

from types import ModuleType
from typing import Any, Callable

import numpy as np

from autograder.families.arrays.judging import SEED
from autograder.families.reference_solution import reference_function
from autograder.sandbox.wire import from_bytes, to_bytes


def answer(function: Callable[..., Any], arguments: dict[str, Any], seeded: bool) -> Any:
    """The function's answer as it crosses the wire (a NumPy scalar arrives as a 0-d array), on
    copies of the inputs, as the sandbox's calls get them: the hidden cases stay as drawn."""
    copies = [np.copy(given) if isinstance(given, np.ndarray) else given for given in arguments.values()]
    if seeded:
        np.random.seed(SEED)
    return from_bytes(to_bytes(function(*copies)))


def array_cases(references_file: str, function: str, cases: dict[str, dict[str, Any]], seeded: bool) -> Callable[[ModuleType], dict[str, Any]]:
    """A ``PRECOMPUTED`` entry: the reference solution's ``function`` on each hidden case (Keras unused)."""

    def compute(keras: ModuleType) -> dict[str, Any]:
        found = reference_function(references_file, function)
        return {name: answer(found, arguments, seeded) for name, arguments in cases.items()}

    return compute
