"""The array family: parameter kinds by name, hidden cases drawn like the visible one, and the
checks' helpers, the seeded call included, against a trusted module in this process."""
from __future__ import annotations

import types

import numpy as np
import pytest

from autograder.checks.trusted import trusted_student
from autograder.families.arrays import inputs, judging
from autograder.families.arrays.references import answer


def test_kinds_come_from_the_names_lecture_code_uses():
    kinds = inputs.kinds(("n", "keep_prob", "x"))
    assert kinds == {"n": inputs.Count(), "keep_prob": inputs.Fraction(), "x": inputs.Floats(("n",))}
    assert inputs.kinds(("W", "lam")) == {"W": inputs.Floats((4, 5)), "lam": inputs.Fraction()}
    assert inputs.kind_of("input_dim", []) == inputs.Count()


def test_hidden_cases_are_drawn_like_the_visible_one_at_other_sizes_and_repeat():
    parameters = inputs.kinds(("n", "keep_prob", "x"))
    visible = inputs.visible_case(parameters)
    assert visible["n"] == inputs.VISIBLE_SIZE and visible["keep_prob"] == 0.8 and visible["x"].shape == (inputs.VISIBLE_SIZE,)
    cases = inputs.hidden_cases("f", parameters)
    assert [case["n"] for case in cases.values()] == list(inputs.HIDDEN_SIZES)
    assert all(case["x"].shape == (case["n"],) and 0.2 <= case["keep_prob"] <= 0.9 for case in cases.values())
    again = inputs.hidden_cases("f", parameters)
    assert all(np.array_equal(cases[k]["x"], again[k]["x"]) for k in cases)
    assert not np.array_equal(inputs.hidden_cases("g", parameters)["size_3"]["x"], cases["size_3"]["x"])


SOURCE = '''
import numpy as np

def dropout(n, keep_prob, x):
    mask = np.random.rand(n) < keep_prob
    return x * mask / keep_prob

def in_place(n, keep_prob, x):
    x *= keep_prob
    return x
'''


@pytest.fixture
def module() -> types.ModuleType:
    made = types.ModuleType("lecture_code")
    exec(SOURCE, made.__dict__)
    return made


def test_a_seeded_call_gives_the_reference_answer_whatever_was_drawn_before(module):
    case = {"n": 9, "keep_prob": 0.6, "x": np.arange(9.0)}
    wanted = answer(module.dropout, case, seeded=True)
    student = trusted_student(module)
    np.random.rand(5)
    found = judging.value(judging.called(student, "dropout", case, seeded=True), "dropout")
    judging.expect_form(found, wanted, "case")
    judging.expect_values(found, wanted, "case")


def test_the_arguments_come_back_without_the_helpers_own(module):
    case = {"n": 4, "keep_prob": 0.5, "x": np.ones(4)}
    returned = judging.called(trusted_student(module), "in_place", case, seeded=True)
    assert len(returned.args_after) == 3
    with pytest.raises(AssertionError, match="x was modified"):
        judging.expect_unchanged(returned, case)


def test_answer_leaves_the_hidden_case_as_drawn(module):
    case = {"n": 4, "keep_prob": 0.5, "x": np.ones(4)}
    answer(module.in_place, case, seeded=False)
    assert np.array_equal(case["x"], np.ones(4))


@pytest.mark.parametrize("found, says", [
    (np.zeros(3, dtype=np.float32), "dtype float32"),
    (np.zeros(4), "shape"),
    ([0.0, 0.0, 0.0], "expected an array"),
])
def test_the_form_is_the_references_shape_and_dtype(found, says):
    with pytest.raises(AssertionError, match=says):
        judging.expect_form(found, np.zeros(3), "case")


def test_a_number_may_come_as_a_python_or_numpy_scalar():
    judging.expect_form(1.5, np.asarray(1.5), "case")
    judging.expect_values(np.asarray(1.5), 1.5, "case")
    with pytest.raises(AssertionError):
        judging.expect_values(1.5 + 1e-6, 1.5, "case")


def test_values_fail_off_the_reference_or_not_finite():
    wanted = np.array([1.0, 2.0])
    judging.expect_values(wanted * (1 + 1e-12), wanted, "case")
    for found in (np.array([1.0, 2.001]), np.array([1.0, np.nan])):
        with pytest.raises(AssertionError):
            judging.expect_values(found, wanted, "case")
