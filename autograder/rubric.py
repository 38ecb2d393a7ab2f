"""Judging one exercise: its checks run against the student, their outcomes scored by the
exercise's :class:`~autograder.extensions.Scoring` (this course's tiers unless it names another).

A check fails a student only through the check API's own failure: an assertion, or an
``expect_*`` helper that turns a wrong type or shape into one. Anything else a check raises
is the grader's fault: the exercise gets status ``error`` (never kept, graded again by the
next run) and the fault, with its file and line, goes to the instructor, never to the student.
Under every scoring a missing function or a student process that died, hung or ran out of
memory scores 0, with the sentence that says why.
"""
from __future__ import annotations

import traceback
from typing import Any, Callable

from autograder.assignment import Exercise
from autograder.checks.api import Check, call_check
from autograder.protocol import Answerer, SandboxFailure, Student
from autograder.results import ExerciseGrade, PublicCheck
from autograder.rounds import run_side_by_side
from autograder.scoring import CheckOutcome
from autograder.status import Status


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
            return CheckOutcome(check.name, check.tier, False, check.spec.sentence_after(failed), str(failed)[:500])
        except Exception as broken:  # the check's own bug, or a value it did not expect: the grader's fault
            fault = fault_of(broken, check)
            return CheckOutcome(check.name, check.tier, False, check.spec.sentence, fault, fault=fault)
        return CheckOutcome(check.name, check.tier, True, check.spec.sentence, "")

    return judge


def fault_text(error: BaseException) -> str:
    """Where the grader broke, for the instructor: the deepest frame of our own code (a check, its
    package, this package), not of a library's, with the exception."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "site-packages" not in f.filename and "/lib/python" not in f.filename] or frames
    where = f"{ours[-1].filename}, line {ours[-1].lineno}" if ours else "?"
    return f"{where}: {type(error).__name__}: {str(error)[:300]}"


def fault_of(error: BaseException, check: Check) -> str:
    return f"check {check.exercise}.{check.name}, {fault_text(error)}"


def lost_point_sentences(outcomes: list[CheckOutcome]) -> tuple[str, ...]:
    """Failed checks' sentences, tier 1 first, each once."""
    failed = sorted((o for o in outcomes if not o.passed), key=lambda o: o.tier)
    return tuple(dict.fromkeys(o.sentence for o in failed))


def public_checks(exercise: Exercise, checks: list[Check], outcomes: list[CheckOutcome]) -> tuple[PublicCheck, ...]:
    """The exercise's public checks with whether each passed; one without an outcome (the checks
    could not run: a missing function, a dead process) failed, as otter fails every case then."""
    passed = {o.check for o in outcomes if o.passed}
    return tuple(PublicCheck(c.spec.sentence, c.name in passed) for c in exercise.scoring.public(checks))


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
        return ExerciseGrade(exercise.name, 0, exercise.points, Status.MISSING, (sentence,), printed, public_checks(exercise, checks, [])), []
    try:
        outcomes = run_checks(checks, answerer, reference)
    except SandboxFailure as failure:
        sentences = (failure.reason.sentence,)
        return ExerciseGrade(exercise.name, 0, exercise.points, failure.reason, sentences, printed, public_checks(exercise, checks, [])), []
    faults = [o.fault for o in outcomes if o.fault]
    if faults:
        return ExerciseGrade(exercise.name, 0, exercise.points, Status.ERROR, (Status.ERROR.sentence,), printed, fault=faults[0]), outcomes
    grade = ExerciseGrade(
        exercise.name, exercise.scoring.score(checks, outcomes, exercise.points), exercise.points, Status.GRADED,
        lost_point_sentences(outcomes), printed, public_checks(exercise, checks, outcomes),
    )
    return grade, outcomes
