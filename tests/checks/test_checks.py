"""Every assignment's hidden checks, tested in this process against its exported
reference solution, every entry of its mistake catalogue (mistakes.toml) and
answers with a NaN or an infinity slipped in.

Keras reference values are computed once per assignment, into a temporary cache.
"""
from __future__ import annotations

import functools
import types
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from autograder.assignment import Assignment, available_assignments, load_assignment
from autograder.checks.api import Check, call_check, collect_checks
from autograder.protocol import CallRequest, CallsRequest, Remembering, Request, Student
from autograder.checks.trusted import TrustedAnswerer
from autograder.reference import KerasReferences
from autograder.rubric import grade_exercise
from autograder.scoring import TIERS
from autograder.mistakes import Mistake, load_mistakes, with_mistake
from autograder.solution import Solution, import_solution, installed, render

ASSIGNMENTS = available_assignments()


def slow_if_models(name: str, *values: Any) -> Any:
    """A case of an assignment whose answers are models questioned by probes: each builds and trains
    models in this process, so it belongs to the slow layer (``make test``, not ``make check``)."""
    return pytest.param(name, *values, marks=[pytest.mark.e2e] if load_assignment(name).runtime.probes else [])


@functools.cache
def assignment(name: str) -> Assignment:
    return load_assignment(name)


@functools.cache
def checks(name: str) -> dict[str, list[Check]]:
    return {e.name: collect_checks(e.name, assignment(name).modules[e.name]) for e in assignment(name).exercises}


@functools.cache
def mistakes(name: str) -> tuple[Mistake, ...]:
    return tuple(load_mistakes(assignment(name)))


@functools.cache
def solution(name: str) -> Solution:
    return installed(assignment(name).course, name)


@pytest.fixture(scope="module")
def refs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, KerasReferences]:
    """Per assignment, its references warmed into a temporary cache on first use."""
    cache = tmp_path_factory.mktemp("references")

    class Warmed(dict):
        def __missing__(self, name: str) -> KerasReferences:
            references = self[name] = KerasReferences(assignment(name), device="cpu", cache_dir=cache)
            references.warm()
            return references

    return Warmed()


def module_of(name: str, code: Solution) -> types.ModuleType:
    module = types.ModuleType(f"student_{name}")
    exec(compile(render(code), f"<{name}>", "exec"), module.__dict__)
    return module


def defined_functions(module: types.ModuleType) -> set[str]:
    return {name for name, value in vars(module).items() if callable(value) and not isinstance(value, type)}


def graded(name: str, exercise: str, module: types.ModuleType, answerer: Any, refs: dict[str, KerasReferences]):
    """As the engine grades it: the exercise's checks side by side, a probe's question answered once."""
    with np.errstate(all="ignore"):
        return grade_exercise(
            assignment(name).exercise(exercise), checks(name)[exercise], defined_functions(module), Remembering(answerer), refs[name]
        )


@functools.cache
def solution_student(name: str) -> Student:
    """The solution's answers, shared by every check of the assignment (a probe's question is asked once)."""
    return Student(Remembering(TrustedAnswerer(import_solution(assignment(name).course, name), assignment(name).runtime.probes)))


# ------------------------------------------------------------------ (a) solution

@pytest.mark.parametrize(
    "name, exercise, check_name",
    [(name, exercise, c.name) for name in ASSIGNMENTS for exercise, cs in checks(name).items() for c in cs],
)
def test_solution_passes_every_check(name, exercise, check_name, refs):
    (check_,) = [c for c in checks(name)[exercise] if c.name == check_name]
    call_check(check_, {"student": solution_student(name), "reference": refs[name]})


@pytest.mark.parametrize("name, exercise", [(name, e.name) for name in ASSIGNMENTS for e in assignment(name).exercises])
def test_solution_scores_full_points(name, exercise, refs):
    module = import_solution(assignment(name).course, name)
    grade, outcomes = graded(name, exercise, module, TrustedAnswerer(module, assignment(name).runtime.probes), refs)
    assert grade.score == grade.max_score == assignment(name).exercise(exercise).points, [o for o in outcomes if not o.passed]


# ------------------------------------------------------------------ (b) mistakes

@pytest.mark.parametrize("name, mistake", [slow_if_models(name, m) for name in ASSIGNMENTS for m in mistakes(name)], ids=lambda v: getattr(v, "name", v))
def test_mistake_gets_expected_score(name, mistake, refs):
    module = module_of(mistake.name, with_mistake(solution(name), mistake))
    grade, outcomes = graded(name, mistake.exercise, module, TrustedAnswerer(module, assignment(name).runtime.probes), refs)
    failed = [(o.check, o.tier, o.detail) for o in outcomes if not o.passed]
    assert grade.score == mistake.expected, f"{mistake.name}: score {grade.score} ({grade.status}), failed {failed}"


# ------------------------------------------------------------------ (c) hostile values

class Poisoned:
    """The solution, with ``bad`` in place of the first entry of every float its calls return."""

    def __init__(self, answerer: TrustedAnswerer, bad: float) -> None:
        self.answerer, self.bad, self.poisoned = answerer, bad, False

    def answer(self, requests: list[Request]) -> list[Any]:
        answers = self.answerer.answer(requests)
        return [self._spoiled(request, answer) for request, answer in zip(requests, answers)]

    def _spoiled(self, request: Request, answer: Any) -> Any:
        if isinstance(request, CallRequest):
            return replace(answer, value=self._poison(answer.value))
        if isinstance(request, CallsRequest):
            return [replace(returned, value=self._poison(returned.value)) for returned in answer]
        return answer

    def _poison(self, value: Any) -> Any:
        if isinstance(value, np.ndarray) and value.dtype.kind == "f" and value.size:
            value = value.copy()
            value.flat[0] = self.bad
        elif isinstance(value, float):
            value = self.bad
        elif isinstance(value, (tuple, list)):
            return type(value)(self._poison(v) for v in value)
        else:
            return value
        self.poisoned = True
        return value


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("name, exercise", [slow_if_models(name, e.name) for name in ASSIGNMENTS for e in assignment(name).exercises])
def test_a_nan_or_infinity_in_an_answer_never_scores_full_points(name, exercise, bad, refs):
    module = import_solution(assignment(name).course, name)
    answerer = Poisoned(TrustedAnswerer(module, assignment(name).runtime.probes), bad)
    grade, _ = graded(name, exercise, module, answerer, refs)
    if not answerer.poisoned:
        pytest.skip(f"{exercise} returns no float")
    assert grade.score < grade.max_score


# ------------------------------------------------------------------ (d) catalogue and contracts

@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_catalogue_is_well_formed(name):
    names = [m.name for m in mistakes(name)]
    assert len(names) == len(set(names)), "mistake names must be unique"
    for mistake in mistakes(name):
        assert mistake.description.strip() and mistake.code.strip(), mistake.name


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_function_has_its_own_tier_one_contract_check(name):
    """This course's rule for exercises scored by tiers (an imported otter question has its cases instead)."""
    for exercise in assignment(name).exercises:
        if exercise.scoring is not TIERS:
            continue
        tiers = {c.name: c.tier for c in checks(name)[exercise.name]}
        for function in exercise.functions:
            assert tiers.get(f"test_contract_{function}") == 1, f"{exercise.name}: no tier-1 test_contract_{function}"
