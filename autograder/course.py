"""Where a course keeps things (nbgrader's layout) and where grades go."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autograder.errors import UserError


class CourseError(UserError):
    """A path the caller gave that does not exist or is not what it should be."""


@dataclass(frozen=True)
class Course:
    root: Path

    @classmethod
    def find(cls, start: Path | None = None) -> "Course":
        """The nearest folder upwards holding ``nbgrader_config.py``, else the current one."""
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / "nbgrader_config.py").exists():
                return cls(folder)
        return cls(here)

    @property
    def is_nbgrader_course(self) -> bool:
        return (self.root / "nbgrader_config.py").exists()

    @property
    def source(self) -> Path:
        return self.root / "assignments"

    @property
    def release(self) -> Path:
        return self.root / "release"

    @property
    def submitted(self) -> Path:
        return self.root / "submitted"

    @property
    def feedback(self) -> Path:
        return self.root / "feedback"

    @property
    def gradebook(self) -> Path:
        return self.root / "gradebook.db"

    def grades(self, assignment: str) -> Path:
        return self.root / "grades" / assignment

    def source_notebook(self, assignment: str) -> Path:
        return self.source / assignment / f"{assignment}.ipynb"

    def released_notebook(self, assignment: str) -> Path:
        return self.release / assignment / f"{assignment}.ipynb"

    def solution_module(self, assignment: str) -> Path:
        return self.root / "solutions" / f"{assignment}.py"
