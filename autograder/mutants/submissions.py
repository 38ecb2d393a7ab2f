"""Mutants as submissions: what the grader grades for each, and what it is judged on.

A mutant changes one exercise's solution cell, so its submission holds only
what that exercise needs: the solution's shared code (imports, helpers), the
exercises whose functions its cell calls (in notebook order), and the mutated
cell. The other exercises are missing, which costs the grader nothing (their
checks do not run), and only the changed exercise's score counts.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

from autograder.mutants.mutant import Mutant
from autograder.solution import Solution
from autograder.submissions import CODE, SOLUTION, Cell, Submission


@dataclass(frozen=True)
class Target:
    """One mutant and the exercise it changed, under the student id its submission is graded as."""

    exercise: str
    mutant: Mutant

    @property
    def student_id(self) -> str:
        return f"{self.exercise}:{self.mutant.id}"


def _defined(code: str) -> set[str]:
    return {node.name for node in ast.parse(code).body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


def _read(code: str) -> set[str]:
    return {node.id for node in ast.walk(ast.parse(code)) if isinstance(node, ast.Name)}


def _needed(solution: Solution, exercise: str) -> set[str]:
    """The exercise and every other exercise its code reaches through the names it reads."""
    cells = {name: part.code for name, part in solution.exercises.items()}
    needed, todo = {exercise}, [exercise]
    while todo:
        reads = _read(cells[todo.pop()])
        for other, code in cells.items():
            if other not in needed and _defined(code) & reads:
                needed.add(other)
                todo.append(other)
    return needed


def submission(solution: Solution, exercise: str, code: str, student_id: str) -> Submission:
    """The shared code, the exercises ``exercise`` needs, and ``code`` as its cell."""
    needed = _needed(solution.with_code(exercise, code), exercise)
    cells = []
    for part in solution.parts:
        if part.exercise is None:
            cells.append(Cell(len(cells), part.code, CODE, None))
        elif part.exercise in needed:
            cells.append(Cell(len(cells), code if part.exercise == exercise else part.code, SOLUTION, part.exercise))
    return Submission(student_id=student_id, notebook=None, digest="", cells=tuple(cells))


def of_target(solution: Solution, target: Target) -> Submission:
    """A mutant's submission: its source is the exercise's whole cell with the one change made."""
    return submission(solution, target.exercise, target.mutant.source, target.student_id)
