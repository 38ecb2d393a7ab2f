"""An exercise's score from the outcomes of its checks, by the scoring it declares.

``tiers`` (this course's 0/1/2 rule): every tier-1 and tier-2 check passes,
all the points; every tier-1 check passes and a tier-2 check fails, half;
a tier-1 check fails, 0. ``cases`` (otter-grader's): each passing check earns
its own points. ``all_or_nothing`` (otter's ``all_or_nothing: true``): every
check passes, all the points, else 0. Under every scoring a missing function
or a student process that died, hung or ran out of memory scores 0.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from autograder.assignment import Exercise
from autograder.checks.api import Check, call_check
from autograder.protocol import Answerer, SandboxFailure, Student
from autograder.results import ExerciseGrade, PublicCheck
from autograder.rounds import run_side_by_side
from autograder.status import Status


@dataclass(frozen=True)
class CheckOutcome:
    check: str
    tier: int
    passed: bool
    sentence: str
    detail: str
    """For instructors only (selfcheck, logs): may name hidden values."""
    points: int = 0
    """What the check earns when it passes, under ``cases`` scoring."""


def run_checks(checks: list[Check], answerer: Answerer, reference: Any) -> list[CheckOutcome]:
    """Every check's outcome, the checks run side by side (:mod:`autograder.rounds`);
    a SandboxFailure propagates, since nothing after it can be trusted."""
    return run_side_by_side([_judged(check, reference) for check in checks], answerer)


def _judged(check: Check, reference: Any) -> Callable[[Student], CheckOutcome]:
    def judge(student: Student) -> CheckOutcome:
        try:
            call_check(check, {"student": student, "reference": reference})
        except SandboxFailure:
            raise
        except AssertionError as failed:
            return CheckOutcome(check.name, check.tier, False, check.spec.sentence_after(failed), str(failed)[:500], check.spec.points)
        except Exception as broken:  # a value the check could not handle counts against the student
            detail = f"{type(broken).__name__}: {str(broken)[:400]}"
            return CheckOutcome(check.name, check.tier, False, check.spec.sentence, detail, check.spec.points)
        return CheckOutcome(check.name, check.tier, True, check.spec.sentence, "", check.spec.points)

    return judge


SCORINGS = ("tiers", "cases", "all_or_nothing")


def score(outcomes: list[CheckOutcome], points: int, scoring: str = "tiers") -> int:
    """An exercise's score out of ``points``, the ``points`` of its test cell in the notebook.

    Every check passes: ``points``. Every tier-1 check passes and a tier-2
    check fails: ``points // 2``. A tier-1 check fails: 0. So a 2-point
    exercise scores 2, 1 or 0 as the lectures' grading does; 3 points give 3,
    1 or 0 and 4 points 4, 2 or 0. Tier 1 is the idea the lecture teaches and
    earns at most half: the other half (rounded up) is for the full behaviour.
    ``cases`` and ``all_or_nothing`` follow otter-grader (see the module's docstring).
    """
    if scoring == "cases":
        return min(points, sum(o.points for o in outcomes if o.passed))
    if scoring == "all_or_nothing":
        return points if all(o.passed for o in outcomes) else 0
    if any(not o.passed and o.tier == 1 for o in outcomes):
        return 0
    if any(not o.passed for o in outcomes):
        return points // 2
    return points


def lost_point_sentences(outcomes: list[CheckOutcome]) -> tuple[str, ...]:
    """Failed checks' sentences, tier 1 first, each once."""
    failed = sorted((o for o in outcomes if not o.passed), key=lambda o: o.tier)
    return tuple(dict.fromkeys(o.sentence for o in failed))


def public_checks(checks: list[Check], outcomes: list[CheckOutcome]) -> tuple[PublicCheck, ...]:
    """The public checks with whether each passed; one without an outcome (the checks could not
    run: a missing function, a dead process) failed, as otter fails every case then."""
    passed = {o.check for o in outcomes if o.passed}
    return tuple(PublicCheck(c.spec.sentence, c.name in passed) for c in checks if c.spec.public)


def grade_exercise(
    exercise: Exercise,
    checks: list[Check],
    defined: set[str],
    answerer: Answerer,
    reference: Any,
    printed: str = "",
) -> tuple[ExerciseGrade, list[CheckOutcome]]:
    """Score one exercise from its checks, or 0 with the reason they could not run."""
    missing = [f for f in exercise.functions if f not in defined]
    if missing:
        names = ", ".join(f"`{f}`" for f in missing)
        sentence = f"{names} {'is' if len(missing) == 1 else 'are'} not defined as a function after running your notebook up to this exercise."
        return ExerciseGrade(exercise.name, 0, exercise.points, Status.MISSING, (sentence,), printed, public_checks(checks, [])), []
    try:
        outcomes = run_checks(checks, answerer, reference)
    except SandboxFailure as failure:
        sentences = (failure.reason.sentence,)
        return ExerciseGrade(exercise.name, 0, exercise.points, failure.reason, sentences, printed, public_checks(checks, [])), []
    grade = ExerciseGrade(
        exercise.name, score(outcomes, exercise.points, exercise.scoring), exercise.points, Status.GRADED,
        lost_point_sentences(outcomes), printed, public_checks(checks, outcomes),
    )
    return grade, outcomes
