"""What an assignment is to the engine: its exercises, their functions, their cells.

The engine knows nothing about any particular assignment: each one is a package
``autograder.checks.<name>`` that exposes ``ASSIGNMENT`` and one check module
per exercise.  Adding an assignment means adding such a package.
"""
from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from autograder.errors import UserError

CHECKS_ROOT = Path(__file__).parent / "checks"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class UnknownAssignment(UserError):
    """Raised for a name with no checks package; the CLI turns it into one sentence."""


@dataclass(frozen=True)
class Exercise:
    name: str
    title: str
    functions: tuple[str, ...]
    lecture: str
    points: int = 2

    @property
    def solution_cell(self) -> str:
        return f"{self.name}_solution"

    @property
    def test_cell(self) -> str:
        return f"test_{self.name}"


@dataclass(frozen=True)
class Assignment:
    name: str
    exercises: tuple[Exercise, ...]
    modules: dict[str, ModuleType] = field(default_factory=dict, compare=False, repr=False)
    student_packages: tuple[str, ...] = ("numpy", "scipy", "matplotlib", "pandas")
    """Distributions students may import in the sandbox (with what they require); nothing else is there."""
    preload: tuple[str, ...] = ("numpy", "numpy.random", "numpy.linalg", "numpy.fft")
    """Modules each worker's zygote imports once, so no student process pays for them
    (numpy loads random, linalg and fft lazily: 15 ms in every child that needs one)."""

    def exercise(self, name: str) -> Exercise:
        for exercise in self.exercises:
            if exercise.name == name:
                return exercise
        raise KeyError(name)

    @property
    def max_score(self) -> int:
        return sum(e.points for e in self.exercises)

    @property
    def package(self) -> str:
        return f"autograder.checks.{self.name}"

    @property
    def checks_dir(self) -> Path:
        return CHECKS_ROOT / self.name


def available_assignments() -> list[str]:
    return sorted(
        p.name for p in CHECKS_ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists() and _NAME.match(p.name)
    )


def load_assignment(name: str) -> Assignment:
    if not _NAME.match(name) or name not in available_assignments():
        known = ", ".join(available_assignments()) or "none"
        raise UnknownAssignment(f"Unknown assignment '{name}' (known: {known}).")
    package = importlib.import_module(f"autograder.checks.{name}")
    assignment: Assignment = package.ASSIGNMENT
    for exercise in assignment.exercises:
        assignment.modules[exercise.name] = importlib.import_module(f"{package.__name__}.{exercise.name}")
    return assignment
