"""The scoring rule: tiers mapped onto an exercise's points; public checks recorded with their outcomes."""
from __future__ import annotations

import types

import pytest

from autograder.assignment import Exercise
from autograder.otter.scoring import CASES
from autograder.results import PublicCheck
from autograder.rubric import grade_exercise
from autograder.scoring import TIERS, CheckOutcome
from autograder.status import Status


def score(outcomes: list[CheckOutcome], points: int) -> int:
    return TIERS.score([], outcomes, points)


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


def _otter_like_checks():
    """Two public cases and a hidden one, as import-otter writes them."""
    from autograder.checks.api import collect_checks
    from autograder.otter.scoring import case as otter_case

    def case(says: str, public: bool, fails: bool):
        @otter_case(says=says, lecture="question q1", points=1, public=public)
        def test(student):
            assert not fails, "the hidden input 12345 gave the wrong answer"

        return test

    module = types.SimpleNamespace(
        __name__="q1", test_public_1=case("q1: public test 1 passes", True, False),
        test_public_2=case("q1: public test 2 passes", True, True), test_hidden_3=case("q1: hidden test 3 passes", False, True),
    )
    return collect_checks("q1", module)


def test_public_checks_are_recorded_with_their_outcome_and_hidden_ones_are_not():
    checks = _otter_like_checks()
    exercise = Exercise("q1", "q1", ("f",), "question q1", points=3, scoring=CASES)
    grade, _ = grade_exercise(exercise, checks, {"f"}, answerer=None, reference=None)
    assert grade.score == 1
    assert grade.public_checks == (PublicCheck("q1: public test 1 passes (see question q1).", True), PublicCheck("q1: public test 2 passes (see question q1).", False))
    missing, _ = grade_exercise(exercise, checks, set(), answerer=None, reference=None)
    assert [p.passed for p in missing.public_checks] == [False, False], "checks that could not run failed"


def _checks_with_a_typo():
    """A check that fails its student properly, and one whose author misspelled a name."""
    from autograder.checks.api import check, collect_checks

    hidden = types.SimpleNamespace(LABELS=[1, 2])

    @check(tier=1, says="f returns 1", lecture="L")
    def test_contract(student):
        assert student.call("f").value == 1, "f() is not 1"

    @check(tier=2, says="f handles the labels", lecture="L")
    def test_labels(student):
        assert student.call("f", hidden.LABELZ).value == 1

    return collect_checks("e", types.SimpleNamespace(__name__="e", test_contract=test_contract, test_labels=test_labels))


class AnswersOne:
    def answer(self, requests):
        from autograder.values import Returned

        return [Returned(1) for _ in requests]


def test_a_check_that_breaks_is_the_graders_error_never_the_students_failure():
    exercise = Exercise("e", "E", ("f",), "L")
    grade, _ = grade_exercise(exercise, _checks_with_a_typo(), {"f"}, AnswersOne(), reference=None)
    assert grade.status == Status.ERROR and grade.score == 0
    assert grade.feedback == (Status.ERROR.sentence,), "the student reads that it is not their fault"
    assert "LABELZ" in grade.fault and __file__ in grade.fault and "AttributeError" in grade.fault
    assert "LABELZ" not in " ".join(grade.feedback)


def test_grader_faults_are_listed_for_the_command_to_report():
    from autograder.grading import grader_faults
    from autograder.results import ExerciseGrade, SubmissionGrade

    record = SubmissionGrade("ann", "hw", "d", None, None, None, (
        ExerciseGrade("a", 2, 2, Status.GRADED), ExerciseGrade("b", 0, 2, Status.ERROR, fault="checks/hw/b.py, line 3: KeyError: 'x'"),
    ))
    assert grader_faults([record]) == [("ann", "b", "checks/hw/b.py, line 3: KeyError: 'x'")]
