"""What grading produces, and where it is kept while a run goes on.

Each finished submission is appended to ``results.jsonl`` at once, so an
interrupted run loses nothing it finished; a re-run skips every student whose
record matches the notebook and checks it would grade now.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterable

from autograder.files import write_atomically
from autograder.status import Status, status_of

RESULTS_FILE = "results.jsonl"


@dataclass(frozen=True)
class PublicCheck:
    """One public check of an exercise (a test the student also has) and whether it passed."""

    says: str
    passed: bool


PLACES = 5
"""Points are shown to this many decimal places: otter-grader rounds the scores it reports
(Gradescope's results) and its questions' point values so."""


def points_text(value: float) -> str:
    """Points as a person reads them and as otter writes them: a whole number without a decimal
    point ("2", as this course's points always are), else the fraction to :data:`PLACES` places
    ("0.5", "0.66667"). Every output that prints a score or a maximum writes it so."""
    rounded = round(float(value), PLACES)
    return str(int(rounded)) if rounded.is_integer() else repr(rounded)


@dataclass(frozen=True)
class ExerciseGrade:
    exercise: str
    score: float
    """A whole number under this course's tiers; a fraction where otter's rules give one (an
    imported otter question's cases split its points). Records written before are whole."""
    max_score: float
    status: Status
    """GRADED, or why the checks could not run (see :class:`~autograder.status.Status`)."""
    feedback: tuple[str, ...] = ()
    """One sentence per lost point, naming the property and its lecture."""
    printed: str = ""
    public_checks: tuple[PublicCheck, ...] = ()
    """Every public check of the exercise, failed when the checks could not run; what a
    "Public Tests" summary may show. Hidden checks are never listed here."""
    fault: str = ""
    """With status ``error``: what broke in the grader, with its file and line. For instructors
    (the grade command's summary, logs); no student output shows it."""


@dataclass(frozen=True)
class SubmissionGrade:
    student_id: str
    assignment: str
    digest: str
    """Hash of the notebook bytes and the checks: the key that decides regrading."""
    notebook: str | None
    problem: str | None
    """Why the notebook could not be read at all, or None."""
    note: str | None
    """Something the student should know that cost nothing (a renamed notebook)."""
    exercises: tuple[ExerciseGrade, ...] = field(default_factory=tuple)
    seconds: float = 0.0
    timestamp: datetime | None = None
    """When the student submitted (UTC, no zone), from timestamp.txt; None when
    unknown. Goes to the gradebook, where due dates and late penalties read it."""

    @property
    def total(self) -> float:
        return sum(e.score for e in self.exercises)

    @property
    def max_total(self) -> float:
        return sum(e.max_score for e in self.exercises)

    def to_json(self) -> str:
        data = {**asdict(self), "timestamp": self.timestamp.isoformat() if self.timestamp else None}
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict) -> "SubmissionGrade":
        """A record as ``to_json`` wrote it; one written before timestamps or public checks
        were kept has none."""
        exercises = tuple(
            ExerciseGrade(**{**e, "status": status_of(e["status"]), "feedback": tuple(e["feedback"]),
                             "public_checks": tuple(PublicCheck(**p) for p in e.get("public_checks", ()))})
            for e in data.pop("exercises")
        )
        stamp = data.pop("timestamp", None)
        return cls(**data, exercises=exercises, timestamp=datetime.fromisoformat(stamp) if stamp is not None else None)


class ResultStore:
    """Append-only record of finished submissions for one output folder."""

    def __init__(self, out_dir: Path) -> None:
        self.path = Path(out_dir) / RESULTS_FILE

    def load(self) -> dict[str, SubmissionGrade]:
        """The last complete record of each student; a line cut short by a kill is ignored."""
        records: dict[str, SubmissionGrade] = {}
        if not self.path.exists():
            return records
        text = self.path.read_text()
        if text and not text.endswith("\n"):
            complete = text[: text.rfind("\n") + 1]
            self.path.write_text(complete)
            text = complete
        for line in text.splitlines():
            try:
                record = SubmissionGrade.from_dict(json.loads(line))
            except (ValueError, TypeError, KeyError):
                continue
            records[record.student_id] = record
        return records

    def append(self, record: SubmissionGrade) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a") as stream:
            stream.write(record.to_json() + "\n")
            stream.flush()

    def rewrite(self, records: Iterable[SubmissionGrade]) -> None:
        """Compact the file to one line per student, atomically."""
        write_atomically(self.path, "".join(r.to_json() + "\n" for r in records))
