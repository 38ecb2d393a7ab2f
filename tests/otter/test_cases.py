"""otter's doctest cases judged in the grader: outputs compared here, only sources sent to the student."""
from __future__ import annotations

import types

import pytest

from autograder.checks.api import collect_checks
from autograder.checks.trusted import trusted_student
from autograder.otter.cases import expect_doctest, expect_no_exception
from autograder.otter.scoring import ALL_OR_NOTHING, CASES, case
from autograder.protocol import Student
from autograder.scoring import CheckOutcome


def _student(code: str) -> Student:
    module = types.ModuleType("submission")
    exec(code, vars(module))
    return trusted_student(module)


def test_doctest_passes_and_fails_on_output():
    student = _student("def square(x):\n    return x * x")
    expect_doctest(student, ">>> square(3)\n9")
    with pytest.raises(AssertionError):
        expect_doctest(student, ">>> square(3)\n10")


def test_expected_exception_compared_in_the_grader():
    student = _student("def f():\n    raise ValueError('bad')")
    expect_doctest(student, ">>> f()\nTraceback (most recent call last):\n    ...\nValueError: bad")
    with pytest.raises(AssertionError):
        expect_doctest(student, ">>> f()\n1")


def test_exception_format_case():
    student = _student("x = 4")
    expect_no_exception(student, "def test_x(env):\n    assert env['x'] == 4", "test_x", ("env",))
    with pytest.raises(AssertionError):
        expect_no_exception(student, "def test_x(x):\n    assert x == 5", "test_x", ("x",))


def test_otter_scorings():
    @case(says="a passes", lecture="q", points=2, public=True)
    def test_a(student):
        pass

    @case(says="b passes", lecture="q", points=1, public=False)
    def test_b(student):
        pass

    checks = collect_checks("q", types.SimpleNamespace(__name__="q", test_a=test_a, test_b=test_b))
    outcomes = [CheckOutcome("test_a", 1, True, "", ""), CheckOutcome("test_b", 1, False, "", "")]
    assert CASES.score(checks, outcomes, 3) == 2
    assert ALL_OR_NOTHING.score(checks, outcomes, 3) == 0
    assert [c.name for c in CASES.public(checks)] == ["test_a"]
