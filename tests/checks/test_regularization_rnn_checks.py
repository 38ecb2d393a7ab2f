"""The hidden checks of `regularization_rnn`, tested against the reference
solution and against every entry of the mistake catalogue (mistakes.toml).

Keras reference values are computed once per module run, into a temporary cache.
"""
from __future__ import annotations

import re
import tomllib
import types
from pathlib import Path

import numpy as np
import pytest

from autograder.assignment import load_assignment
from autograder.checks.api import call_check, collect_checks
from autograder.checks.trusted import TrustedStudent
from autograder.reference import KerasReferences
from autograder.rubric import grade_exercise

ASSIGNMENT = load_assignment("regularization_rnn")
SOLUTION = Path(__file__).resolve().parents[2] / "solutions" / "regularization_rnn.py"
CATALOGUE = ASSIGNMENT.checks_dir / "mistakes.toml"
MISTAKES = tomllib.loads(CATALOGUE.read_text())["mistake"]
CHECKS = {e.name: collect_checks(e.name, ASSIGNMENT.modules[e.name]) for e in ASSIGNMENT.exercises}


@pytest.fixture(scope="module")
def refs(tmp_path_factory: pytest.TempPathFactory) -> KerasReferences:
    references = KerasReferences(ASSIGNMENT, device="cpu", cache_dir=tmp_path_factory.mktemp("references"))
    references.warm()
    return references


def _section(source: str, exercise: str) -> re.Match[str]:
    match = re.search(rf"^# exercise: {re.escape(exercise)}\n(.*?)^# end exercise\n", source, re.S | re.M)
    assert match, f"no section for {exercise} in {SOLUTION}"
    return match


def student_module(mistake: dict) -> types.ModuleType:
    """The solution with the mistake's code after (or instead of) its exercise's section."""
    source = SOLUTION.read_text()
    match = _section(source, mistake["exercise"])
    code = "\n" + mistake["code"].strip("\n") + "\n"
    body = code if mistake.get("replace", False) else match.group(1) + code
    patched = source[: match.start(1)] + body + source[match.end(1) :]
    module = types.ModuleType(f"student_{mistake['name']}")
    exec(compile(patched, f"<mistake {mistake['name']}>", "exec"), module.__dict__)
    return module


def defined_functions(module: types.ModuleType) -> set[str]:
    return {name for name, value in vars(module).items() if callable(value) and not isinstance(value, type)}


# ------------------------------------------------------------------ (a) solution

@pytest.mark.parametrize(
    "exercise, check_name",
    [(exercise, c.name) for exercise, checks in CHECKS.items() for c in checks],
)
def test_solution_passes_every_check(exercise, check_name, refs):
    from solutions import regularization_rnn

    (check_,) = [c for c in CHECKS[exercise] if c.name == check_name]
    call_check(check_, {"student": TrustedStudent(regularization_rnn), "reference": refs})


@pytest.mark.parametrize("exercise", [e.name for e in ASSIGNMENT.exercises])
def test_solution_scores_two(exercise, refs):
    from solutions import regularization_rnn

    grade, outcomes = grade_exercise(
        ASSIGNMENT.exercise(exercise),
        CHECKS[exercise],
        defined=defined_functions(regularization_rnn),
        student=TrustedStudent(regularization_rnn),
        reference=refs,
    )
    assert grade.score == 2, [o for o in outcomes if not o.passed]


# ------------------------------------------------------------------ (b) mistakes

@pytest.mark.parametrize("mistake", MISTAKES, ids=[m["name"] for m in MISTAKES])
def test_mistake_gets_expected_score(mistake, refs):
    module = student_module(mistake)
    exercise = ASSIGNMENT.exercise(mistake["exercise"])
    with np.errstate(all="ignore"):
        grade, outcomes = grade_exercise(
            exercise,
            CHECKS[exercise.name],
            defined=defined_functions(module),
            student=TrustedStudent(module),
            reference=refs,
        )
    failed = [(o.check, o.tier, o.detail) for o in outcomes if not o.passed]
    assert grade.score == mistake["expected"], f"{mistake['name']}: score {grade.score} ({grade.status}), failed {failed}"


# ------------------------------------------------------------------ (c) catalogue

def test_catalogue_is_well_formed():
    names = [m["name"] for m in MISTAKES]
    assert len(names) == len(set(names)), "mistake names must be unique"
    known = {e.name for e in ASSIGNMENT.exercises}
    for mistake in MISTAKES:
        assert set(mistake) <= {"name", "exercise", "expected", "description", "code", "replace"}, mistake["name"]
        assert mistake["exercise"] in known, mistake["name"]
        assert mistake["expected"] in (0, 1, 2), mistake["name"]
        assert mistake["description"].strip() and mistake["code"].strip(), mistake["name"]


def test_catalogue_covers_every_tier_boundary():
    assert len(MISTAKES) >= 30
    for exercise in ASSIGNMENT.exercises:
        scores = {m["expected"] for m in MISTAKES if m["exercise"] == exercise.name}
        assert scores == {0, 1, 2}, f"{exercise.name} has mistakes scoring only {sorted(scores)}"


def test_every_exercise_has_a_tier_one_contract_check():
    for exercise, checks in CHECKS.items():
        assert any(c.name == "test_contract" and c.tier == 1 for c in checks), exercise


# ------------------------------------------------------------- (d) batched Keras

def test_batched_training_steps_report_what_train_on_batch_reports_for_each_case_alone(refs):
    import keras

    from autograder.checks.regularization_rnn import references

    X, y = refs["windows"]["multi"]
    X1, y1 = refs["windows"]["one_feature"]
    cases = [(X, y), (X[:10] + 1.0, y[:10] * 2.0), (X1, y1), (X[:, :, 0], y), (X.astype(np.float32), y[:, :2])]
    answers = references.rnn_train_steps(keras, cases)
    for (case_X, case_y), answer in zip(cases[:3], answers[:3]):
        model = references._rnn(keras, *case_X.shape[1:])
        alone = float(model.train_on_batch(case_X.astype("float32"), case_y.astype("float32")))
        assert answer["accepted"] and np.isclose(answer["loss"], alone, rtol=1e-5), (answer, alone)
    assert [a["accepted"] for a in answers[3:]] == [False, False]
