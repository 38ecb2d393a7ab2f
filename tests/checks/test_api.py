"""What a student reads when a contract check fails: the function that raised and the exception's type, never its message."""
from __future__ import annotations

import types

from autograder.assignment import Exercise
from autograder.checks.api import RaisedError, Returned, called, check, collect_checks
from autograder.rubric import grade_exercise

SECRET = "index 4999 is out of bounds for the hidden input"


class Raising:
    """A student whose every function raises ``type_name`` with a message quoting a hidden value."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def call(self, function: str, *args, **kwargs) -> Returned:
        return Returned(None, args, kwargs, RaisedError(self.type_name, (self.type_name, "Exception"), SECRET))


def _contract_checks():
    """A one-check module, built here so that pytest does not collect the check itself."""

    @check(tier=1, says="double(x) runs on a number and returns one", lecture="lecture.txt, Numbers")
    def test_contract_double(student):
        called(student, "double", 2.0)

    return collect_checks("double", types.SimpleNamespace(__name__="demo", test_contract_double=test_contract_double))


CHECKS = _contract_checks()
EXERCISE = Exercise("double", "Double", ("double",), "lecture.txt, Numbers")


def feedback(type_name: str) -> str:
    grade, _ = grade_exercise(EXERCISE, CHECKS, {"double"}, Raising(type_name), reference=None)
    assert grade.score == 0
    (sentence,) = grade.feedback
    return sentence


def test_the_sentence_names_the_function_and_the_exception_type():
    sentence = feedback("ZeroDivisionError")
    assert sentence == "double(x) runs on a number and returns one (see lecture.txt, Numbers). Here double raised ZeroDivisionError."
    assert SECRET not in sentence


def test_an_exception_type_name_that_is_not_a_plain_name_is_not_repeated():
    assert feedback("<script>alert(1)</script>").endswith("Here double raised an exception.")
