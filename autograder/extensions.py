"""Where another grader's rules plug into the core: the few protocols it calls, declared in one place.

An assignment names its implementations (an otter-grader import names otter's, in
:mod:`autograder.otter`); the core never names a grader. Keep these few.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, Sequence

if TYPE_CHECKING:
    from autograder.assignment import Assignment
    from autograder.checks.api import Check
    from autograder.results import ExerciseGrade, SubmissionGrade
    from autograder.scoring import CheckOutcome


class Scoring(Protocol):
    """How an exercise's check outcomes become its score (:data:`autograder.scoring.TIERS` by default)."""

    def score(self, checks: Sequence["Check"], outcomes: Sequence["CheckOutcome"], points: float) -> float:
        """The exercise's score out of ``points``; ``outcomes`` are the checks', in their order."""
        ...

    def public(self, checks: Sequence["Check"]) -> list["Check"]:
        """The checks the student also has in the released notebook: their pass or fail is kept
        per exercise (and may be shown on its own, as Gradescope's "Public Tests")."""
        ...


class GradescopeResults(Protocol):
    """How Gradescope's results.json shows an assignment, where it shows it its own way (by default
    one visible test per exercise, :mod:`autograder.gradescope.results`)."""

    def results(self, assignment: "Assignment", record: "SubmissionGrade", grades: list["ExerciseGrade"]) -> dict:
        """``score``, ``tests`` and ``stdout_visibility`` of results.json (the core adds the notes)."""
        ...


class CellSetup(Protocol):
    """What the student's process runs with a notebook's cells, where another grader runs more
    around them (otter: its data files written beside the notebook first, its seed set at the
    start of every cell); by default the cells alone."""

    def cells(self, cells: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """The code to run, in order, as (cell index, source): ``cells`` with what this grader adds.
        Code added as a cell of its own takes an index no cell of the notebook has, so no exercise
        owns it and nothing it prints or raises is shown to a student."""
        ...
