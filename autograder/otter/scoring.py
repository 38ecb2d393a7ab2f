"""otter-grader's scoring of a question: each case's points, or all or nothing.

A check made by :func:`case` carries the otter case's points, as otter resolved them (often a
fraction: a question's ``points`` split among its cases), and whether students have it (a public
case). ``Cases`` (otter's ``TestFile.score``): the points of every passing case, summed in order,
at most the question's, rounded as otter reports scores. ``AllOrNothing`` (otter's
``all_or_nothing: true``): every case passes, the question's points, else 0.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from autograder.checks.api import Check, check
from autograder.results import PLACES
from autograder.scoring import CheckOutcome


@dataclass(frozen=True)
class OtterCase:
    points: float
    public: bool


def case(says: str, lecture: str, points: float, public: bool) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """A check that is one otter test case: tier 1 (otter has no tiers), worth ``points``."""

    def mark(func: Callable[..., None]) -> Callable[..., None]:
        func.__otter_case__ = OtterCase(points, public)  # type: ignore[attr-defined]
        return check(tier=1, says=says, lecture=lecture)(func)

    return mark


def case_of(check_: Check) -> OtterCase:
    return getattr(check_.func, "__otter_case__", OtterCase(0, False))


class _Public:
    def public(self, checks: Sequence[Check]) -> list[Check]:
        return [c for c in checks if case_of(c).public]


class Cases(_Public):
    def score(self, checks: Sequence[Check], outcomes: Sequence[CheckOutcome], points: float) -> float:
        earned = sum(case_of(c).points for c, o in zip(checks, outcomes, strict=True) if o.passed)
        return min(points, round(earned, PLACES))


class AllOrNothing(_Public):
    def score(self, checks: Sequence[Check], outcomes: Sequence[CheckOutcome], points: float) -> float:
        return points if all(o.passed for o in outcomes) else 0


CASES = Cases()
ALL_OR_NOTHING = AllOrNothing()
