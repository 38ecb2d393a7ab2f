"""What selfcheck --mutants grades and how it judges, without a sandbox: each mutant's submission,
the equality of answers that makes a mutant equivalent, the exercise's score and its report."""
from __future__ import annotations


import numpy as np
import pytest
from rich.console import Console

from autograder.assignment import Assignment, Exercise
from autograder.errors import UserError
from autograder.mutants.analysis import ExerciseScore, Outcome, Verdict, targets
from autograder.mutants.equivalence import Recorder, same
from autograder.mutants.mutant import Mutant
from autograder.mutants.report import lines, render
from autograder.mutants.submissions import Target, of_target, submission
from autograder.solution import Part, Solution
from autograder.submissions import CODE, SOLUTION
from autograder.values import Interaction, Opaque, RaisedError, Returned

SOLUTION_ = Solution("week", (
    Part("import numpy as np"),
    Part("def square(x):\n    return x * x", "square", 2),
    Part("def cube(x):\n    return square(x) * x", "cube", 2),
    Part("def half(x):\n    return x / 2", "half", 2),
))


def test_a_mutants_submission_holds_the_shared_code_its_cell_and_the_cells_it_calls():
    mutated = "def cube(x):\n    return square(x) + x"
    made = submission(SOLUTION_, "cube", mutated, "cube:arithmetic@2:11")
    assert [(c.role, c.exercise, c.source) for c in made.cells] == [
        (CODE, None, "import numpy as np"),
        (SOLUTION, "square", "def square(x):\n    return x * x"),
        (SOLUTION, "cube", mutated),
    ]
    assert [c.exercise for c in submission(SOLUTION_, "half", "def half(x):\n    return x", "h").cells] == [None, "half"]


def test_a_target_is_graded_under_an_id_naming_its_exercise_and_mutant():
    mutant = Mutant("number@2:15", "number", "half", 2, 15, "line 2: 2 -> 3", "def half(x):\n    return x / 3")
    target = Target("half", mutant)
    assert target.student_id == "half:number@2:15"
    assert of_target(SOLUTION_, target).cells[-1].source == mutant.source


def test_targets_are_capped_per_exercise_and_an_unknown_exercise_is_one_sentence():
    assignment = Assignment("week", tuple(Exercise(n, n, (n,), "lecture.txt, Slide") for n in ("square", "cube", "half")))
    found = targets(assignment, SOLUTION_, 2, None)
    assert {t.exercise for t in found} == {"square", "cube", "half"}
    assert all(sum(t.exercise == e for t in found) <= 2 for e in ("square", "cube", "half"))
    assert {t.exercise for t in targets(assignment, SOLUTION_, None, ["half"])} == {"half"}
    with pytest.raises(UserError, match="'week' has no exercise double"):
        targets(assignment, SOLUTION_, None, ["double"])


@pytest.mark.parametrize("a, b", [
    (Returned(np.array([1.0, np.nan])), Returned(np.array([1.0, np.nan]))),
    (Returned(1.5), Returned(np.asarray(1.5))),
    (Returned(3), Returned(np.asarray(3))),
    (Returned(None, error=RaisedError("ValueError", ("ValueError",), "lam must be >= 0, got -1")),
     Returned(None, error=RaisedError("ValueError", ("ValueError",), "bad lam"))),
    ([Interaction("2\n")], [Interaction("2\n")]),
    ({"layers": [{"type": "Dense"}], "params": 5}, {"layers": [{"type": "Dense"}], "params": 5}),
    (Opaque("Sequential"), Opaque("Sequential")),
])
def test_the_same_answers(a, b):
    assert same(a, b) and same(b, a)


@pytest.mark.parametrize("a, b", [
    (Returned(np.array([1.0, 2.0])), Returned(np.array([1.0, 2.0 + 1e-15]))),
    (Returned(np.array([1.0, 2.0])), Returned(np.array([1.0, 2.0], dtype=np.float32))),
    (Returned(np.zeros(2)), Returned(np.zeros((1, 2)))),
    (Returned(1.5), Returned(np.asarray(1.5, dtype=np.float32))),
    (Returned(1), Returned(1.0)),
    (Returned(None, error=RaisedError("ValueError", ("ValueError",), "")), Returned(None, error=RaisedError("TypeError", ("TypeError",), ""))),
    (Returned(None), Returned(None, error=RaisedError("ValueError", ("ValueError",), ""))),
    (Returned(np.zeros(2), args_after=(np.zeros(2),)), Returned(np.zeros(2), args_after=(np.ones(2),))),
    ([Returned(1.0)], [Returned(1.0), Returned(1.0)]),
    ({"params": 5}, {"params": 6}),
    (None, []),
])
def test_different_answers(a, b):
    assert not same(a, b) and not same(b, a)


def test_a_recorder_keeps_every_answer_in_order():
    class Echo:
        def answer(self, requests):
            return [Returned(r) for r in requests]

    recorder = Recorder(Echo())
    assert recorder.answer([1, 2]) == [Returned(1), Returned(2)]
    recorder.answer([3])
    assert recorder.answers == [Returned(1), Returned(2), Returned(3)]


def _outcome(verdict: Verdict, n: int) -> Outcome:
    mutant = Mutant(f"number@{n}:4", "number", "half", n, 4, f"line {n}: 2 -> 3", "")
    return Outcome(Target("half", mutant), verdict, 0 if verdict is Verdict.KILLED else 2, "")


def test_the_score_leaves_equivalent_mutants_out():
    score = ExerciseScore("half", 2, 2, (_outcome(Verdict.KILLED, 1), _outcome(Verdict.KILLED, 2), _outcome(Verdict.SURVIVED, 3),
                                         _outcome(Verdict.EQUIVALENT, 4)))
    assert score.score == pytest.approx(2 / 3)
    assert ExerciseScore("half", 2, 2, (_outcome(Verdict.EQUIVALENT, 1),)).score is None


def test_the_report_lists_survivors_and_equivalents_and_warns_of_what_cannot_be_judged():
    scores = [
        ExerciseScore("half", 2, 2, (_outcome(Verdict.KILLED, 1), _outcome(Verdict.SURVIVED, 3), _outcome(Verdict.EQUIVALENT, 4))),
        ExerciseScore("cube", 2, 1, (), repeatable=False),
    ]
    assert lines(scores) == [
        "half: survived (full marks), lines of its solution cell:",
        "  number@3:4                   line 3: 2 -> 3",
        "half: equivalent (the solution's answers to every check), lines of its solution cell:",
        "  number@4:4                   line 4: 2 -> 3",
        "cube: the solution itself scores 1 of 2: fix its checks before reading its mutants.",
        "cube: the solution answered the checks differently twice, so no mutant is judged equivalent.",
    ]
    console = Console(record=True, width=100)
    render(console, "week", scores, 40)
    text = console.export_text()
    assert "mutants of week, at most 40 per exercise" in text and "50%" in text and "—" in text
