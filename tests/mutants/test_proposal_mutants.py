"""Mutants of the functions proposed from this course's lectures: what ``selfcheck --mutants`` will grade
for a generated exercise."""
from __future__ import annotations

from pathlib import Path

from autograder.lectures.reader import read_deck
from autograder.lectures.survey import survey
from autograder.mutants.generate import generate
from autograder.mutants.mutant import tally

LECTURES = Path(__file__).resolve().parents[2] / "lectures"


def test_every_proposed_function_has_mutants_of_the_kinds_its_code_allows():
    findings = survey([read_deck(path) for path in sorted(LECTURES.glob("*.txt"))])
    proposals = {p.name: p for f in findings for p in f.proposals}
    counts = {name: tally(generate(p.module(), [name]))[name] for name, p in proposals.items()}
    assert {name: sum(c.values()) for name, c in counts.items()} == {
        "build_original_model": 29, "build_reduced_model": 29, "build_l2_model": 43, "build_dropout_model": 39,
        "build_model": 53, "inside_a_dropout_layer": 6, "dropout_example": 6, "during_prediction_time": 6, "inverted_dropout": 9,
    }
    assert set(counts["build_model"]) == {
        "layer_dropped", "layer_order", "argument_ignored", "number", "regularizer", "keyword_dropped", "activation",
        "compile_dropped", "optimizer", "loss",
    }
    assert counts["build_l2_model"]["regularizer"] == 8 and "compile_dropped" not in counts["build_l2_model"]
