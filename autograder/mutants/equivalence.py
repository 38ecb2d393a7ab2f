"""Whether a mutant that kept full marks is equivalent to the reference solution: it gave the same
answer to every question the exercise's checks asked (every call's value, raised exception and
arguments after it, every probe's report) as the reference solution did.

The answers are collected in the sandbox, as grading asks them: the exercise's own checks run
against a student process of the submission, through the same per-exercise cache of probe
reports, with an answerer between them that keeps each answer. The checks are deterministic
given their answers, so the same answers mean the same questions too. The reference solution
is questioned twice: when its two runs differ (a computation that is not repeatable in the
sandbox), nothing can be judged equivalent, and the caller is told.

Values are compared exactly (NaN equal to NaN); an exception by its type, not its message; a
Python float, int or bool and the NumPy scalar of its own type are one value (the wire brings
the one as itself and the other as a 0-d array, but ``np.float64`` is a Python float and every
check reads both as the same number).
"""
from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any, Sequence

import numpy as np

from autograder.assignment import Assignment
from autograder.checks.api import Check, collect_checks
from autograder.protocol import Answerer, Remembering, Request, SandboxFailure
from autograder.reference import References
from autograder.rubric import grade_exercise
from autograder.sandbox.sandboxes import SandboxBroken, SandboxPool
from autograder.sandbox.session import CellsDied
from autograder.submissions import Submission
from autograder.values import RaisedError


class Recorder:
    """Passes questions on and keeps every answer, in order."""

    def __init__(self, answerer: Answerer) -> None:
        self._answerer = answerer
        self.answers: list[Any] = []

    def answer(self, requests: Sequence[Request]) -> list[Any]:
        answers = self._answerer.answer(requests)
        self.answers.extend(answers)
        return answers


_SCALARS = {float: np.dtype(np.float64), int: np.dtype(np.int64), bool: np.dtype(np.bool_)}


def _as_array(value: Any) -> Any:
    """A Python scalar as the 0-d array its NumPy scalar crosses the wire as."""
    dtype = _SCALARS.get(type(value))
    return np.asarray(value, dtype=dtype) if dtype is not None else value


def same(a: Any, b: Any) -> bool:
    """Equal as answers: arrays by shape, dtype and values (NaN equal to NaN), exceptions by type."""
    if isinstance(a, np.ndarray) != isinstance(b, np.ndarray):
        a, b = _as_array(a), _as_array(b)
    if isinstance(a, RaisedError) or isinstance(b, RaisedError):
        return isinstance(a, RaisedError) and isinstance(b, RaisedError) and (a.type_name, a.lineage) == (b.type_name, b.lineage)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)) or a.shape != b.shape or a.dtype != b.dtype:
            return False
        return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if is_dataclass(a) and not isinstance(a, type):
        return type(a) is type(b) and all(same(getattr(a, f.name), getattr(b, f.name)) for f in fields(a))
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if type(a) is float and type(b) is float and a != a and b != b:
        return True
    return type(a) is type(b) and a == b


class Questioner:
    """One sandbox in this process that puts an exercise's checks to submissions and keeps the answers."""

    def __init__(self, assignment: Assignment, references: References, pool: SandboxPool) -> None:
        self.assignment = assignment
        self.references = references
        self.pool = pool
        self._checks: dict[str, list[Check]] = {}

    def _checks_of(self, exercise: str) -> list[Check]:
        if exercise not in self._checks:
            self._checks[exercise] = collect_checks(exercise, self.assignment.modules[exercise])
        return self._checks[exercise]

    def answers(self, submission: Submission, exercise: str) -> list[Any] | None:
        """Every answer the exercise's checks got from the submission; None when its process or sandbox failed."""
        target = self.assignment.exercise(exercise)
        cells = submission.cells_to_run(self.assignment)
        try:
            with self.pool.checkout() as sandbox:
                with sandbox.session(cells, list(target.functions), sandbox.settings.cells_seconds(1)) as session:
                    recorder = Recorder(Remembering(session))
                    grade_exercise(target, self._checks_of(exercise), session.defined, recorder, self.references)
                    return None if session.dead else recorder.answers
        except (SandboxFailure, CellsDied, SandboxBroken, OSError, ValueError):
            return None

    def close(self) -> None:
        self.pool.close()
