"""The scoring rule: tiers mapped onto an exercise's points."""
from __future__ import annotations

import pytest

from autograder.rubric import CheckOutcome, score


def outcomes(tier1_passes: bool, tier2_passes: bool) -> list[CheckOutcome]:
    return [
        CheckOutcome("test_idea", 1, True, "", ""),
        CheckOutcome("test_idea_edge", 1, tier1_passes, "", ""),
        CheckOutcome("test_detail", 2, tier2_passes, "", ""),
    ]


@pytest.mark.parametrize(
    "points, every_check, tier_1_only, neither",
    [(1, 1, 0, 0), (2, 2, 1, 0), (3, 3, 1, 0), (4, 4, 2, 0)],
)
def test_all_checks_earn_the_points_tier_1_half_of_them_rounded_down(points, every_check, tier_1_only, neither):
    assert score(outcomes(True, True), points) == every_check
    assert score(outcomes(True, False), points) == tier_1_only
    assert score(outcomes(False, True), points) == neither
    assert score(outcomes(False, False), points) == neither
