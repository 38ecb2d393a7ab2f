"""``selfcheck --mutants``: how many of an exercise's mutants its checks kill.

Each exercise's solution cell gets its mutants (:func:`autograder.mutants.generate.generate`,
at most ``cap``); each mutant is graded as a submission by the local workers, as students
are, together with the solution itself. A mutant scored below full marks is killed; one
with full marks is then questioned again in a sandbox of this process, beside the
solution (:mod:`autograder.mutants.equivalence`): equivalent when every answer it gave
the checks is the solution's, a survivor otherwise. An exercise's score is the share of
its non-equivalent mutants killed.
"""
from __future__ import annotations

from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import Enum
from typing import Any

from autograder.assignment import Assignment
from autograder.engine import Graded
from autograder.errors import UserError
from autograder.local_workers import default_workers, grade_locally, start_fork_server
from autograder.mutants.equivalence import Questioner, same
from autograder.mutants.generate import generate
from autograder.mutants.submissions import Target, of_target, submission
from autograder.reference import KerasReferences
from autograder.sandbox.sandboxes import SandboxPool
from autograder.sandbox.settings import SandboxSettings
from autograder.solution import Solution, installed
from autograder.workers import WorkerSetup, prepare_here

DEFAULT_CAP = 40
REFERENCE = "reference"


class Verdict(Enum):
    KILLED = "killed"
    SURVIVED = "survived"
    EQUIVALENT = "equivalent"


@dataclass(frozen=True)
class Outcome:
    target: Target
    verdict: Verdict
    score: int
    detail: str
    """Why the checks failed it, for the instructor (a killed mutant)."""


@dataclass(frozen=True)
class ExerciseScore:
    exercise: str
    points: int
    reference_score: int
    outcomes: tuple[Outcome, ...]
    repeatable: bool = True
    """The solution gave the same answers twice: equivalence could be judged."""

    def of(self, verdict: Verdict) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.verdict is verdict)

    @property
    def score(self) -> float | None:
        """Killed among the non-equivalent mutants; None when there are none."""
        judged = len(self.of(Verdict.KILLED)) + len(self.of(Verdict.SURVIVED))
        return len(self.of(Verdict.KILLED)) / judged if judged else None


def targets(assignment: Assignment, solution: Solution, cap: int | None, exercises: Collection[str] | None) -> list[Target]:
    """Every chosen exercise's mutants, at most ``cap`` each; a UserError for an exercise the assignment lacks."""
    known = [e.name for e in assignment.exercises]
    unknown = sorted(set(exercises or ()) - set(known))
    if unknown:
        raise UserError(f"'{assignment.name}' has no exercise {', '.join(unknown)} (it has {', '.join(known)}).")
    chosen = [name for name in known if not exercises or name in exercises]
    return [Target(name, mutant) for name in chosen for mutant in generate(solution.exercises[name].code, cap=cap)]


def _detail(graded: Graded, exercise: str) -> str:
    record, runs = graded
    run = runs.get(exercise)
    failed = [f"{o.check}: {o.detail}" for o in (run.outcomes if run else ()) if not o.passed]
    grade = next(g for g in record.exercises if g.exercise == exercise)
    return "; ".join(failed) or str(grade.status.value)


def _score(graded: Graded, exercise: str) -> int:
    return next(g.score for g in graded[0].exercises if g.exercise == exercise)


def _equivalence(
    questioner: Questioner, solution: Solution, survivors: dict[str, list[Target]],
) -> tuple[dict[str, bool], set[str]]:
    """Per exercise whether the solution answered alike twice; the student ids of the equivalent survivors."""
    repeatable: dict[str, bool] = {}
    equivalent: set[str] = set()
    for exercise, found in survivors.items():
        own = submission(solution, exercise, solution.exercises[exercise].code, REFERENCE)
        first, second = questioner.answers(own, exercise), questioner.answers(own, exercise)
        repeatable[exercise] = first is not None and same(first, second)
        if not repeatable[exercise]:
            continue
        for target in found:
            answers: Any = questioner.answers(of_target(solution, target), exercise)
            if answers is not None and same(answers, first):
                equivalent.add(target.student_id)
    return repeatable, equivalent


def _questioner(setup: WorkerSetup, assignment: Assignment) -> Questioner:
    references = KerasReferences(assignment, device=setup.device, cache_dir=setup.cache)
    return Questioner(assignment, references, SandboxPool(setup.settings, 1, setup.confinement, setup.world))


def analyse(
    assignment: Assignment, settings: SandboxSettings, device: str = "auto", cap: int | None = DEFAULT_CAP,
    exercises: Collection[str] | None = None,
) -> tuple[ExerciseScore, ...]:
    """Each chosen exercise's mutants graded and judged."""
    start_fork_server()
    solution = installed(assignment.course, assignment.name)
    chosen = targets(assignment, solution, cap, exercises)
    names = [e.name for e in assignment.exercises if not exercises or e.name in exercises]
    own = {name: submission(solution, name, solution.exercises[name].code, f"{name}:{REFERENCE}") for name in names}
    found: dict[str, Graded] = {}
    setup = prepare_here(assignment, settings, device, outcomes=True)
    starting = ThreadPoolExecutor(1)
    questioner = starting.submit(_questioner, setup, assignment)  # its sandbox starts (seconds, for Keras) while the workers grade
    starting.shutdown(wait=False)
    points = {e.name: e.points for e in assignment.exercises}
    try:
        grade_locally(setup, [*own.values(), *(of_target(solution, t) for t in chosen)], default_workers(),
                      lambda record, runs: found.__setitem__(record.student_id, (record, runs)))
        full = {t.student_id for t in chosen if _score(found[t.student_id], t.exercise) == points[t.exercise]}
        survivors: dict[str, list[Target]] = {}
        for target in chosen:
            if target.student_id in full:
                survivors.setdefault(target.exercise, []).append(target)
        repeatable, equivalent = _equivalence(questioner.result(), solution, survivors)
    finally:
        if questioner.exception() is None:
            questioner.result().close()
    scores = []
    for name in names:
        outcomes = []
        for target in (t for t in chosen if t.exercise == name):
            graded = found[target.student_id]
            verdict = Verdict.KILLED if target.student_id not in full else (
                Verdict.EQUIVALENT if target.student_id in equivalent else Verdict.SURVIVED)
            outcomes.append(Outcome(target, verdict, _score(graded, name), _detail(graded, name) if verdict is Verdict.KILLED else ""))
        scores.append(ExerciseScore(name, points[name], _score(found[own[name].student_id], name), tuple(outcomes), repeatable.get(name, True)))
    return tuple(scores)
