"""The exported reference solution, as generated checks' references call it.

A generated exercise has no hand-written reference: what its hidden inputs
should give is what the assignment's own solution (``solutions/NAME.py``,
exported from the notebook) computes on them, once, in the grader. Its
``references.py`` names the function it needs; this finds it from that file's
place in the course (``checks/NAME/references.py``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from autograder.course import Course
from autograder.errors import UserError
from autograder.solution import import_solution


def reference_function(references_file: str, function: str) -> Callable[..., Any]:
    """``function`` of the exported solution of the assignment whose checks hold ``references_file``."""
    package = Path(references_file).resolve().parent
    course = Course(package.parent.parent)
    module = import_solution(course, package.name)
    found = getattr(module, function, None)
    if not callable(found):
        raise UserError(f"{course.solution_module(package.name)} defines no function {function}: export the solution from the notebook again.")
    return found
