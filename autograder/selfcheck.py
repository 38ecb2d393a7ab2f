"""``autograder selfcheck``: prove the grader scores as the instructor intends.

The reference solution and every entry of the assignment's mistake catalog
(:mod:`autograder.mistakes`) are turned into submissions and graded through the very
sandbox, checks and rubric that grade students. Any score other than the one the
catalog expects is a disagreement, and the command exits 1.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

from autograder.assignment import Assignment, load_assignment
from autograder.cli import sandbox_settings
from autograder.course import Course
from autograder.export_solution import require_current
from autograder.engine import Graded
from autograder.errors import UserError
from autograder.local_workers import default_workers, grade_locally, start_fork_server
from autograder.mistakes import Mistake, load_mistakes, with_mistake
from autograder.sandbox.settings import SandboxSettings
from autograder.solution import Solution, installed
from autograder.submissions import CODE, SOLUTION, Cell, Submission
from autograder.workers import prepare_here

SOLUTION_NAME = "reference solution"


def as_submission(name: str, solution: Solution) -> Submission:
    """The solution's cells as a submission: exercise cells as solution cells, the rest as plain code."""
    cells = tuple(
        Cell(i, part.code, CODE if part.exercise is None else SOLUTION, part.exercise) for i, part in enumerate(solution.parts)
    )
    return Submission(student_id=name, notebook=None, digest="", cells=cells)


@dataclass(frozen=True)
class Verdict:
    """One exercise of one proof submission: what the catalog expects and what the grader gave."""

    mistake: str
    exercise: str
    expected: int
    got: int
    sentence: str
    detail: str
    """Why the checks failed, for the instructor only (it may name hidden values)."""

    @property
    def agrees(self) -> bool:
        return self.got == self.expected


def prove(assignment: Assignment, settings: SandboxSettings, device: str = "auto") -> list[Verdict]:
    """The solution and each catalogued mistake graded as students are; one verdict per exercise
    of the solution and per targeted exercise of a mistake (and any other exercise a mistake changed)."""
    start_fork_server()
    solution = installed(assignment.course, assignment.name)
    mistakes = load_mistakes(assignment)
    submissions = [as_submission(SOLUTION_NAME, solution)] + [as_submission(m.name, with_mistake(solution, m)) for m in mistakes]
    found: dict[str, Graded] = {}
    setup = prepare_here(assignment, settings, device, outcomes=True)
    grade_locally(setup, submissions, default_workers(), lambda record, runs: found.__setitem__(record.student_id, (record, runs)))
    expected_of: dict[str, Mistake | None] = {SOLUTION_NAME: None} | {m.name: m for m in mistakes}
    verdicts = []
    for submission in submissions:
        record, runs = found[submission.student_id]
        mistake = expected_of[record.student_id]
        for grade in record.exercises:
            targeted = mistake is not None and mistake.exercise == grade.exercise
            expected = mistake.expected if targeted else grade.max_score
            if not targeted and mistake is not None and grade.score == expected:
                continue
            detail = grade.fault or "; ".join(f"{o.check}: {o.detail}" for o in runs[grade.exercise].outcomes if not o.passed) or str(grade.status)
            verdicts.append(Verdict(record.student_id, grade.exercise, expected, grade.score, grade.feedback[0] if grade.feedback else "—", detail))
    return verdicts


def run(args: argparse.Namespace) -> int:
    course = Course.find(args.course)
    require_current(course, args.assignment)
    assignment = load_assignment(args.assignment, course)
    verdicts = prove(assignment, sandbox_settings(args, assignment.runtime, hide=(course.root,)), args.device)
    console = Console(width=max(Console().width, 160))
    table = Table(title=f"selfcheck {assignment.name}")
    for column in ("mistake", "exercise", "expected", "got", "feedback"):
        table.add_column(column, overflow="fold")
    for verdict in verdicts:
        sentence = verdict.sentence if verdict.agrees else f"{verdict.sentence}  [DISAGREES: {verdict.detail}]"
        table.add_row(verdict.mistake, verdict.exercise, str(verdict.expected), str(verdict.got), sentence,
                      style=None if verdict.agrees else "bold red")
    console.print(table)
    disagreements = sum(not v.agrees for v in verdicts)
    print(f"selfcheck: {len(load_mistakes(assignment))} mistakes and the reference solution, {disagreements} disagreement(s).")
    if args.mutants:
        _mutants(args, assignment, console, hide=(course.root,))
    return 1 if disagreements else 0


def _mutants(args: argparse.Namespace, assignment: Assignment, console: Console, hide: tuple) -> None:
    """``--mutants``: each exercise's mutants graded, the report printed (it never changes the exit status)."""
    from autograder.mutants import report
    from autograder.mutants.analysis import analyse

    if args.cap < 1:
        raise UserError("--cap must be at least 1.")
    scores = analyse(assignment, sandbox_settings(args, assignment.runtime, hide=hide), args.device, args.cap, args.exercise)
    report.render(console, assignment.name, scores, args.cap)
