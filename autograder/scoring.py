"""An exercise's score from what its checks concluded: this course's tiers.

Every check is tier 1 (the idea the lecture teaches) or tier 2 (the full behaviour). Every
check passes: the exercise's points. Every tier-1 check passes and a tier-2 check fails:
``points // 2``. A tier-1 check fails: 0. So a 2-point exercise scores 2, 1 or 0 as the
lectures' grading does; 3 points give 3, 1 or 0 and 4 points 4, 2 or 0: tier 1 earns at
most half, the other half (rounded up) is for the full behaviour.

Another grader's rules (otter-grader's points per case) come in through the
:class:`~autograder.extensions.Scoring` an exercise declares.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from autograder.checks.api import Check


@dataclass(frozen=True)
class CheckOutcome:
    check: str
    tier: int
    passed: bool
    sentence: str
    """What the student reads when it failed."""
    detail: str
    """For instructors only (selfcheck, logs): may name hidden values."""
    fault: str = ""
    """The check itself raised something other than a failed assertion: the grader's fault, with
    its file and line (instructors only). Such an outcome neither passes nor fails the student."""


class Tiers:
    """This course's rule (see the module's docstring)."""

    def score(self, checks: Sequence[Check], outcomes: Sequence[CheckOutcome], points: int) -> int:
        if any(not o.passed and o.tier == 1 for o in outcomes):
            return 0
        if any(not o.passed for o in outcomes):
            return points // 2
        return points

    def public(self, checks: Sequence[Check]) -> list[Check]:
        """None: the visible test cells of our notebooks are not checks the grader runs."""
        return []


TIERS = Tiers()
