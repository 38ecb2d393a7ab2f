"""``autograder selfcheck``: prove the grader scores as the instructor intends.

The reference solution and every entry of the assignment's mistake catalog
(``mistakes.toml`` beside its checks: data an instructor extends, not code in
the checks) are turned into submissions and graded through the very sandbox,
checks and rubric that grade students. Any score other than the one the
catalog expects is a disagreement, and the command exits 1.
"""
from __future__ import annotations

import argparse
import tomllib
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

from autograder.assignment import Assignment, load_assignment
from autograder.course import Course, CourseError
from autograder.engine import Graded
from autograder.grading import announce, sandbox_settings
from autograder.local_workers import default_workers, grade_locally, start_fork_server, worker_setup
from autograder.reference import KerasReferences
from autograder.sandbox.settings import confinement_for
from autograder.solution import Solution, installed
from autograder.submissions import CODE, SOLUTION, Cell, Submission

SOLUTION_NAME = "reference solution"


@dataclass(frozen=True)
class Mistake:
    name: str
    exercise: str
    expected: int
    description: str
    code: str
    replace: bool = False


def load_mistakes(assignment: Assignment) -> list[Mistake]:
    """The catalog's mistakes; an empty catalog (an imported otter assignment's, at first) proves the solution alone."""
    path = assignment.checks_dir / "mistakes.toml"
    try:
        mistakes = [Mistake(**entry) for entry in tomllib.loads(path.read_text()).get("mistake", [])]
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError) as error:
        raise CourseError(f"{path} is not a mistake catalog of [[mistake]] tables ({type(error).__name__}: {error}).") from None
    points = {e.name: e.points for e in assignment.exercises}
    for mistake in mistakes:
        if mistake.exercise not in points or not 0 <= mistake.expected <= points[mistake.exercise]:
            raise CourseError(f"Mistake '{mistake.name}' in {path} names an unknown exercise or a score its exercise cannot get.")
    return mistakes


def with_mistake(solution: Solution, mistake: Mistake) -> Solution:
    """The solution with the mistake's code after (or, with ``replace``, instead of) its exercise's cell."""
    code = solution.exercises[mistake.exercise].code
    return solution.with_code(mistake.exercise, mistake.code if mistake.replace else code + "\n" + mistake.code)


def as_submission(name: str, solution: Solution) -> Submission:
    """The solution's cells as a submission: exercise cells as solution cells, the rest as plain code."""
    cells = tuple(
        Cell(i, part.code, CODE if part.exercise is None else SOLUTION, part.exercise) for i, part in enumerate(solution.parts)
    )
    return Submission(student_id=name, notebook=None, digest="", cells=cells)


def run(args: argparse.Namespace) -> int:
    course = Course.find(args.course)
    assignment = load_assignment(args.assignment)
    start_fork_server()
    solution = installed(assignment.name)
    mistakes = load_mistakes(assignment)
    submissions = [as_submission(SOLUTION_NAME, solution)]
    submissions += [as_submission(m.name, with_mistake(solution, m)) for m in mistakes]

    settings = sandbox_settings(args, assignment, hide=(course.root,))
    confinement = confinement_for(settings)
    announce(confinement)
    references = KerasReferences(assignment, device=args.device)
    references.warm()
    found: dict[str, Graded] = {}
    setup = worker_setup(assignment.name, settings, confinement, args.device, outcomes=True)
    grade_locally(setup, submissions, default_workers(), lambda record, runs: found.__setitem__(record.student_id, (record, runs)))
    graded = [found[s.student_id] for s in submissions]

    console = Console(width=max(Console().width, 160))
    table = Table(title=f"selfcheck {assignment.name} ({references.describe()})")
    for column in ("mistake", "exercise", "expected", "got", "feedback"):
        table.add_column(column, overflow="fold")
    disagreements = 0
    expected_of = {SOLUTION_NAME: None} | {m.name: m for m in mistakes}
    for record, runs in graded:
        mistake = expected_of[record.student_id]
        for grade in record.exercises:
            targeted = mistake is not None and mistake.exercise == grade.exercise
            expected = mistake.expected if targeted else grade.max_score
            if not targeted and mistake is not None and grade.score == expected:
                continue
            wrong = grade.score != expected
            disagreements += wrong
            sentence = grade.feedback[0] if grade.feedback else "—"
            if wrong:
                detail = "; ".join(f"{o.check}: {o.detail}" for o in runs[grade.exercise].outcomes if not o.passed)
                sentence += f"  [DISAGREES: {detail or grade.status}]"
            style = "bold red" if wrong else None
            table.add_row(record.student_id, grade.exercise, str(expected), str(grade.score), sentence, style=style)
    console.print(table)
    print(f"selfcheck: {len(mistakes)} mistakes and the reference solution, {disagreements} disagreement(s).")
    return 1 if disagreements else 0
