"""A course folder, where nbgrader keeps things and where we keep the rest.

Any nbgrader course folder is a course: the folder holding ``nbgrader_config.py``
(``--course DIR``, or the nearest such folder above the current one). Its folders are
nbgrader's, as its ``CourseDirectory`` settings name them (``source``, ``release``,
``submitted``, ``autograded``, ``feedback`` and the gradebook by default). Ours, by one
rule for every assignment NAME:

- ``checks/NAME/``: the hidden checks package (``__init__.py`` declaring ``ASSIGNMENT``, one
  module per exercise, ``references.py``, ``mistakes.toml``); never inside the source folder,
  which nbgrader copies into the release;
- ``solutions/NAME.py``: the reference solution exported from the source notebook;
- ``grades/NAME/``: what ``grade`` writes;
- ``lectures/``: the lecture decks exercises cite (optional).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from autograder.errors import UserError

CONFIG = "nbgrader_config.py"
NBGRADER_DEFAULTS = {
    "source_directory": "source", "release_directory": "release", "submitted_directory": "submitted",
    "autograded_directory": "autograded", "feedback_directory": "feedback", "db_url": "",
}
"""nbgrader's own defaults (``nbgrader.coursedir.CourseDirectory``); db_url empty: gradebook.db in the course."""


class CourseError(UserError):
    """A path the caller gave that does not exist or is not what it should be."""


def _nbgrader_settings(config: Path) -> dict[str, str]:
    """The course's ``CourseDirectory`` settings as nbgrader reads them from its config file."""
    if not config.is_file():
        return dict(NBGRADER_DEFAULTS)
    from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

    try:
        loaded = PyFileConfigLoader(config.name, path=str(config.parent)).load_config()
    except ConfigFileNotFound:
        return dict(NBGRADER_DEFAULTS)
    except Exception as error:  # the instructor's Python: any mistake in it is theirs to hear about
        raise CourseError(f"{config} could not be read by nbgrader's loader ({type(error).__name__}: {error}).") from None
    settings = loaded.get("CourseDirectory", {})
    return {key: str(settings.get(key, default)) for key, default in NBGRADER_DEFAULTS.items()}


@dataclass(frozen=True)
class Course:
    root: Path

    @functools.cached_property
    def settings(self) -> dict[str, str]:
        """nbgrader's ``CourseDirectory`` settings of this course, read once."""
        return _nbgrader_settings(self.root / CONFIG)

    @classmethod
    def find(cls, start: Path | None = None) -> "Course":
        """``start`` itself when given (``--course``), else the nearest folder upwards holding
        ``nbgrader_config.py``, else the current one."""
        if start is not None:
            start = Path(start).resolve()
            if not start.is_dir():
                raise CourseError(f"No course folder at {start}.")
            return cls(start)
        here = Path.cwd().resolve()
        for folder in (here, *here.parents):
            if (folder / CONFIG).exists():
                return cls(folder)
        return cls(here)

    @classmethod
    def containing(cls, path: Path) -> "Course | None":
        """The course whose folder holds ``path``: the nearest folder upwards with ``nbgrader_config.py``."""
        path = Path(path).resolve()
        for folder in (path, *path.parents):
            if (folder / CONFIG).exists():
                return cls(folder)
        return None

    def _nbgrader(self, key: str) -> Path:
        return self.root / self.settings[key]

    @property
    def is_nbgrader_course(self) -> bool:
        return (self.root / CONFIG).exists()

    @property
    def source(self) -> Path:
        return self._nbgrader("source_directory")

    @property
    def release(self) -> Path:
        return self._nbgrader("release_directory")

    @property
    def submitted(self) -> Path:
        return self._nbgrader("submitted_directory")

    @property
    def autograded(self) -> Path:
        return self._nbgrader("autograded_directory")

    @property
    def feedback(self) -> Path:
        return self._nbgrader("feedback_directory")

    @property
    def gradebook(self) -> Path:
        url = self.settings["db_url"]
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            return path if path.is_absolute() else self.root / path
        return self.root / "gradebook.db"

    @property
    def checks(self) -> Path:
        return self.root / "checks"

    @property
    def solutions(self) -> Path:
        return self.root / "solutions"

    @property
    def lectures(self) -> Path:
        return self.root / "lectures"

    def grades(self, assignment: str) -> Path:
        return self.root / "grades" / assignment

    def checks_dir(self, assignment: str) -> Path:
        return self.checks / assignment

    def source_notebook(self, assignment: str) -> Path:
        return self.source / assignment / f"{assignment}.ipynb"

    def released_notebook(self, assignment: str) -> Path:
        return self.release / assignment / f"{assignment}.ipynb"

    def solution_module(self, assignment: str) -> Path:
        return self.solutions / f"{assignment}.py"
