"""What the tests that grade sample classes share: options, a secret no student may find, reading grades.csv."""
from __future__ import annotations

import csv
from pathlib import Path

SECRET = "grader-token-3e1f0c"
"""In the grader's environment while a class is graded: no student may find it."""
ESCAPES = (Path("/etc/autograder-escaped"), Path("/tmp/escaped"), Path("/escaped"))
GRADE_OPTIONS = ("--timeout", "3", "--memory", "768", "--workers", "2")


def grades_csv(out: Path) -> dict[tuple[str, str], dict]:
    """grades.csv by (student, exercise)."""
    with (out / "grades.csv").open() as stream:
        return {(row["student_id"], row["exercise"]): row for row in csv.DictReader(stream)}
