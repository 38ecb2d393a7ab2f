"""What an assignment cites, for the tests that hold citations to the course's decks."""
from __future__ import annotations

from autograder.assignment import Assignment
from autograder.checks.api import collect_checks
from autograder.scoring import TIERS


def lecture_citations(assignment: Assignment) -> dict[str, str]:
    """Each lecture citation of the assignment's exercises and checks, with who makes it. An
    exercise imported from another grader (scored by its rules) cites where its question came
    from, not a lecture, and is left out."""
    found: dict[str, str] = {}
    for exercise in assignment.exercises:
        if exercise.scoring is not TIERS:
            continue
        found.setdefault(exercise.lecture, f"exercise {exercise.name}")
        for check in collect_checks(exercise.name, assignment.modules[exercise.name]):
            found.setdefault(check.spec.lecture, f"{exercise.name}.{check.name}")
    return found
