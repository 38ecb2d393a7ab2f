"""Gradescope's results.json as otter-grader writes it, for an imported otter assignment.

The settings are the ``generate:`` keys of the master's ASSIGNMENT CONFIG, with otter's
defaults (``otter.run.run_autograder.autograder_config.AutograderConfig``), applied by the
rules of otter's ``GradingResults.to_gradescope_dict``. The outputs are ours: sentences,
never a hidden case's inputs or outputs.
"""
from __future__ import annotations

from dataclasses import dataclass

from autograder.assignment import Assignment
from autograder.gradescope.results import OUTPUT_LIMIT, exercise_output
from autograder.results import ExerciseGrade, SubmissionGrade
from autograder.status import Status
from autograder.text import clean_text


@dataclass(frozen=True)
class GradescopeSettings:
    """How otter shows an assignment's results on Gradescope (a :class:`~autograder.extensions.GradescopeResults`)."""

    show_hidden: bool = False
    """Per-question entries (which count hidden cases) become visible once grades are published."""
    show_all_public: bool = False
    """Per-question entries are visible at once when every case of every question is public."""
    force_public_test_summary: bool = True
    """A "Public Tests" entry even when ``show_hidden`` is on (there is always one when it is off)."""
    show_stdout: bool = False
    """The autograder's log is shown to students once grades are published."""
    points_possible: float | None = None
    """The assignment's total is rescaled to this many points."""
    score_threshold: float | None = None
    """Pass/fail: at least this fraction of the points earns them all, else 0."""
    every_case_public: bool = False
    """Not a setting but a fact about the tests, written by ``import-otter``: no case is hidden
    (otter's ``all(tf.all_public ...)``, which ``show_all_public`` needs)."""

    def results(self, assignment: Assignment, record: SubmissionGrade, grades: list[ExerciseGrade]) -> dict:
        total = float(sum(g.score for g in grades))
        return {
            "score": otter_total(self, total, float(sum(g.max_score for g in grades))),
            "tests": otter_tests(self, record, grades),
            "stdout_visibility": "after_published" if self.show_stdout else "hidden",
        }


def passed_all_public(record: SubmissionGrade, grades: list[ExerciseGrade]) -> bool:
    """Every exercise was graded and every public check passed (otter's ``passed_all_public``;
    an exercise whose checks could not run counts as failing its public cases)."""
    return record.problem is None and all(g.status == Status.GRADED and all(p.passed for p in g.public_checks) for g in grades)


def public_summary(grades: list[ExerciseGrade]) -> str:
    """The "Public Tests" output: per question, otter's "All test cases passed!" or the sentences of
    its failed public checks (or why its checks could not run). Nothing from a hidden check."""
    parts = []
    for grade in grades:
        if grade.status != Status.GRADED:
            lines = list(grade.feedback)  # the reason alone: a missing function, a timeout, ...
        else:
            lines = [p.says for p in grade.public_checks if not p.passed]
        parts.append(f"{grade.exercise} results:" + "".join(f"\n    {line}" for line in lines) if lines else f"{grade.exercise} results: All test cases passed!")
    return clean_text("\n\n".join(parts))[:OUTPUT_LIMIT]


def otter_tests(settings: GradescopeSettings, record: SubmissionGrade, grades: list[ExerciseGrade]) -> list[dict]:
    """The entries otter's ``GradingResults.to_gradescope_dict`` writes.

    A visible "Public Tests" entry with a status, unless ``show_hidden`` is on without
    ``force_public_test_summary``; then one entry per question named by the question, its score and
    max score rounded as otter rounds them, no status (Gradescope derives it from the score), hidden
    until published (``show_hidden``) or for good, and visible only under ``show_all_public`` when no
    case is hidden.
    """
    tests = []
    if not settings.show_hidden or settings.force_public_test_summary:
        status = "passed" if passed_all_public(record, grades) else "failed"
        tests.append({"name": "Public Tests", "visibility": "visible", "output": public_summary(grades), "status": status})
    visibility = "after_published" if settings.show_hidden else "hidden"
    if settings.show_all_public and settings.every_case_public:
        visibility = "visible"
    for grade in grades:
        tests.append({
            "name": grade.exercise,
            "score": round(float(grade.score), 5),
            "max_score": round(float(grade.max_score), 5),
            "visibility": visibility,
            "output": exercise_output(grade),
        })
    return tests


def otter_total(settings: GradescopeSettings, total: float, possible: float) -> float:
    """The submission's score as otter sets it: the points, rescaled to ``points_possible``, or all or
    nothing by ``score_threshold`` (a fraction of the points)."""
    score = total
    if settings.points_possible is not None:
        score = total / possible * settings.points_possible if possible else 0.0
    if settings.score_threshold is not None:
        ratio = total / possible if possible else 0.0
        score = (settings.points_possible or possible) if ratio >= settings.score_threshold else 0.0
    return float(score)
