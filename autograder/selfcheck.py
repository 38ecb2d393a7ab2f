"""``autograder selfcheck``: prove the grader scores as the instructor intends.

The reference solution and every entry of the assignment's mistake catalog
(``mistakes.toml`` beside its checks: data an instructor extends, not code in
the checks) are turned into submissions and graded through the very sandbox,
checks and rubric that grade students. Any score other than the one the
catalog expects is a disagreement, and the command exits 1.
"""
from __future__ import annotations

import argparse
import re
import tomllib
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

from autograder.assignment import Assignment, load_assignment
from autograder.course import Course, CourseError
from autograder.engine import Graded, Grader, default_workers, grade_locally
from autograder.grading import announce, sandbox_settings
from autograder.reference import KerasReferences
from autograder.sandbox.pool import SandboxPool, confinement_for
from autograder.submissions import CODE, SOLUTION, Cell, Submission

SOLUTION_NAME = "reference solution"
_SECTION = re.compile(r"^# exercise: (\w+)\n(.*?)^# end exercise\n", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Mistake:
    name: str
    exercise: str
    expected: int
    description: str
    code: str
    replace: bool = False


def load_mistakes(assignment: Assignment) -> list[Mistake]:
    path = assignment.checks_dir / "mistakes.toml"
    entries = tomllib.loads(path.read_text())["mistake"]
    mistakes = [Mistake(**entry) for entry in entries]
    names = {e.name for e in assignment.exercises}
    for mistake in mistakes:
        if mistake.exercise not in names or mistake.expected not in (0, 1, 2):
            raise CourseError(f"Mistake '{mistake.name}' in {path} names an unknown exercise or an expected score outside 0-2.")
    return mistakes


def solution_sections(source: str) -> tuple[str, dict[str, str]]:
    """The solution module's preamble and its code per exercise (between markers)."""
    sections = {m.group(1): m.group(2) for m in _SECTION.finditer(source)}
    first = _SECTION.search(source)
    return (source[: first.start()] if first else source), sections


def as_submission(name: str, preamble: str, sections: dict[str, str], mistake: Mistake | None = None) -> Submission:
    cells = [Cell(0, preamble, CODE, None)]
    for exercise, code in sections.items():
        if mistake is not None and mistake.exercise == exercise:
            code = mistake.code if mistake.replace else code + "\n" + mistake.code
        cells.append(Cell(len(cells), code, SOLUTION, exercise))
    return Submission(student_id=name, notebook=None, digest="", cells=tuple(cells))


def run(args: argparse.Namespace) -> int:
    course = Course.find(args.course)
    assignment = load_assignment(args.assignment)
    solution = course.solution_module(assignment.name)
    if not solution.is_file():
        raise CourseError(f"No reference solution at {solution}.")
    preamble, sections = solution_sections(solution.read_text())
    mistakes = load_mistakes(assignment)
    submissions = [as_submission(SOLUTION_NAME, preamble, sections)]
    submissions += [as_submission(m.name, preamble, sections, m) for m in mistakes]

    settings = sandbox_settings(args, assignment, hide=(course.root,))
    confinement = confinement_for(settings)
    announce(confinement)
    references = KerasReferences(assignment, device=args.device)
    references.warm()
    workers = default_workers()
    pool = SandboxPool(settings, workers, confinement)
    try:
        found: dict[str, Graded] = {}
        grade_locally(Grader(assignment, references, pool), submissions, workers, lambda record, runs: found.__setitem__(record.student_id, (record, runs)))
        graded = [found[s.student_id] for s in submissions]
    finally:
        pool.close()

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
            expected = mistake.expected if targeted else 2
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
