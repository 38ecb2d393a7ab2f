"""An assignment's mistake catalog: ``mistakes.toml`` beside its checks, data an instructor extends.

Each ``[[mistake]]`` names an exercise, the score the mistake must get, a description, and the
code appended after (or, with ``replace``, put instead of) that exercise's solution cell.
``selfcheck`` proves each one; the sample classes use the ones that cost points.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass

from autograder.assignment import Assignment
from autograder.course import CourseError
from autograder.solution import Solution


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
