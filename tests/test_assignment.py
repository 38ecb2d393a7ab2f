"""An assignment's points come from its notebook: whole under this course's tiers, any under otter's rules."""
from __future__ import annotations

import pytest

from autograder.assignment import Assignment, Exercise
from autograder.errors import UserError
from autograder.otter.scoring import CASES
from autograder.solution import Part, Solution


def test_tiers_refuse_a_fraction_of_a_point_and_otters_rules_take_it():
    solution = Solution("demo", (Part("def twice(x):\n    return 2 * x", "twice", 1.5),))
    tiered = Assignment("demo", (Exercise("twice", "Twice", ("twice",), "lecture"),))
    with pytest.raises(UserError, match="tiers need a whole number") as raised:
        tiered.with_points_of(solution)
    assert "\n" not in str(raised.value)
    split = Assignment("demo", (Exercise("twice", "Twice", ("twice",), "lecture", scoring=CASES),))
    assert split.with_points_of(solution).exercises[0].points == 1.5
