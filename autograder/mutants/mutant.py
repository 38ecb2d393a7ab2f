"""A mutant, as the grader and the instructor see it."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Mutant:
    """One change to the reference: ``source`` is the whole source with it made.

    ``id`` is ``operator@line:column`` (``.2``, ``.3`` for further changes at
    the same place), stable while the reference does not change;
    ``description`` is what an instructor reads in a list of survivors:
    ``line 12: 'relu' -> 'sigmoid'``.
    """

    id: str
    operator: str
    function: str
    line: int
    column: int
    description: str
    source: str


def tally(mutants: Iterable[Mutant]) -> dict[str, Counter[str]]:
    """How many mutants each operator made, per function: ``{function: Counter({operator: n})}``."""
    counts: dict[str, Counter[str]] = {}
    for mutant in mutants:
        counts.setdefault(mutant.function, Counter())[mutant.operator] += 1
    return counts
