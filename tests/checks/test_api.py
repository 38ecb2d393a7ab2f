"""What a student reads when a contract check fails: the function that raised and the exception's type, never its message."""
from __future__ import annotations

import types

from autograder.assignment import Exercise
from autograder.checks.api import RaisedError, Returned, called, check, collect_checks
from autograder.rubric import grade_exercise

SECRET = "index 4999 is out of bounds for the hidden input"


class Raising:
    """An answerer whose every function raises ``type_name`` with a message quoting a hidden value."""

    def __init__(self, type_name: str, lineage: tuple[str, ...] | None = None) -> None:
        self.type_name = type_name
        self.lineage = lineage or (type_name, "Exception", "BaseException", "object")

    def answer(self, requests) -> list[Returned]:
        return [Returned(None, error=RaisedError(self.type_name, self.lineage, SECRET)) for _ in requests]


LECTURE = 'lecture "Arithmetic", slide "Numbers"'


def _contract_checks():
    """A one-check module, built here so that pytest does not collect the check itself."""

    @check(tier=1, says="double(x) runs on a number and returns one", lecture=LECTURE)
    def test_contract_double(student):
        called(student, "double", 2.0)

    return collect_checks("double", types.SimpleNamespace(__name__="demo", test_contract_double=test_contract_double))


CHECKS = _contract_checks()
EXERCISE = Exercise("double", "Double", ("double",), LECTURE)


def feedback(type_name: str, lineage: tuple[str, ...] | None = None) -> str:
    grade, _ = grade_exercise(EXERCISE, CHECKS, {"double"}, Raising(type_name, lineage), reference=None)
    assert grade.score == 0
    (sentence,) = grade.feedback
    return sentence


def test_the_sentence_names_the_function_and_the_exception_type():
    sentence = feedback("ZeroDivisionError")
    assert sentence == (
        'double(x) runs on a number and returns one (see lecture "Arithmetic", slide "Numbers"). Here double raised ZeroDivisionError.'
    )
    assert SECRET not in sentence


def test_an_exception_type_name_that_is_not_a_plain_name_is_not_repeated():
    sentence = feedback("<script>alert(1)</script>")
    assert sentence.endswith("Here double raised Exception.") and "script" not in sentence


def test_a_class_the_student_named_is_shown_as_its_first_built_in_ancestor():
    """A class named after what a hidden check passed would carry it into feedback, Gradescope's
    visible tests included: only built-in exception names reach a sentence."""
    leak = "L_s0_s1_s11_t4x5_f0p5_a4"
    sentence = feedback(leak, (leak, "ValueError", "Exception", "BaseException", "object"))
    assert sentence.endswith("Here double raised ValueError.") and leak not in sentence


def test_a_lineage_without_a_built_in_exception_names_none():
    assert feedback("Custom", ("Custom", "Base", "object")).endswith("Here double raised an exception.")
