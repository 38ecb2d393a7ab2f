"""``otter`` in a student's world: otter-grader's notebook API, doing nothing.

A notebook from otter's student release imports otter, makes ``grader = otter.Notebook(...)``,
calls ``grader.check("q1")`` after each question and ``grader.check_all()``, ``grader.export(...)``
or ``grader.to_pdf()`` at its end. Under ``otter run`` those run otter's test cases in the
student's kernel. Here the grader runs every case itself, outside this process, so these calls
only have to run without error, and the student's feedback shows the student's own output: none
of them reads a test, a file or anything of the grader's, prints, or writes. Part of the sandbox
runtime's world (an imported otter assignment's runtime declares it); the standard library only,
and never imported by the grader.
"""
from __future__ import annotations

from typing import Any

__all__ = ["Notebook"]


class Notebook:
    """otter's ``otter.Notebook``: accepts every argument otter's takes (a notebook path,
    ``tests_dir``, ``colab``, ...) and does nothing with any of them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def check(self, question: str, global_env: dict[str, Any] | None = None) -> None:
        """The grader runs the question's cases, public and hidden, once the notebook has run."""

    def check_all(self) -> None:
        """As :meth:`check`, for every question."""

    def export(self, *args: Any, **kwargs: Any) -> None:
        """The notebook is already submitted: nothing to zip."""

    def to_pdf(self, *args: Any, **kwargs: Any) -> None:
        """No PDF is made while grading."""

    def submit(self, *args: Any, **kwargs: Any) -> None:
        """Nothing to send: the notebook is already submitted."""

    def run_plugin(self, *args: Any, **kwargs: Any) -> None:
        """otter's plugins run in otter's grader, not here."""

    def add_plugin_files(self, *args: Any, **kwargs: Any) -> None:
        """As :meth:`run_plugin`."""
