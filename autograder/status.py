"""How an exercise ended, in one vocabulary: the engine and the sandbox choose a status, the
rubric scores it, every output shows it in the same words with the same sentence."""
from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Stored by its value (``results.jsonl`` of earlier runs reads back unchanged)."""

    GRADED = "graded"
    MISSING = "missing"
    """A function the exercise asks for is not defined after the notebook ran."""
    TIMEOUT = "timeout"
    MEMORY = "memory"
    CRASHED = "crashed"
    ERROR = "error"
    """The grader's own fault: never kept, graded again by the next run."""
    NO_NOTEBOOK = "no notebook"
    UNREADABLE = "unreadable"
    NOT_GRADED = "not graded"
    """An exercise a record lacks (an older checks package): shown, never dropped."""

    @property
    def text(self) -> str:
        """The status as every output shows it (CSV, feedback, report, exports)."""
        return _TEXT[self]

    @property
    def sentence(self) -> str | None:
        """What a student reads when the exercise ended this way without its checks' sentences."""
        return _SENTENCES.get(self)


_TEXT = {
    Status.GRADED: "graded",
    Status.MISSING: "function not defined",
    Status.TIMEOUT: "timed out",
    Status.MEMORY: "stopped: too much memory",
    Status.CRASHED: "crashed",
    Status.ERROR: "grader error",
    Status.NO_NOTEBOOK: "no notebook",
    Status.UNREADABLE: "notebook unreadable",
    Status.NOT_GRADED: "not graded",
}
_SENTENCES = {
    Status.TIMEOUT: "Your code for this exercise ran past the time limit and was stopped.",
    Status.MEMORY: "Your code for this exercise used more memory than allowed and was stopped.",
    Status.CRASHED: "The process running your code for this exercise ended unexpectedly (it exited or was killed).",
    Status.ERROR: "The grader itself failed while judging this exercise (not your code's fault); ask your instructor to look at it.",
}


def status_of(value: str) -> Status | str:
    """A stored status as the enum, or as it was when no member has that value (shown as it is)."""
    try:
        return Status(value)
    except ValueError:
        return value
