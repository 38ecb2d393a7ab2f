"""The exercises ``--pick`` makes of chosen listings, before anything is written: one per proposed
function, with the inputs its checks will use and what the instructor should know about it.

A Keras exercise's inputs are the input sizes its function takes (``input_dim``; a
sequence's ``sequence_length`` and ``features``; an image's ``height``, ``width`` and
``channels``): a visible value for the test cell and three hidden argument sets that
differ from it and from each other, so a size written into the model meets one it misses.
An array exercise's inputs are its parameters' kinds (:mod:`autograder.families.arrays.inputs`).
A function that takes anything else (a listing's ``train_data``) has no inputs the
generator can choose, and is refused in one sentence rather than guessed.

Imports from ``tensorflow.keras`` become imports from ``keras``: the same modules in Keras 3,
and the exported solution then computes its references where the grader has Keras on torch
or JAX without TensorFlow. Students may still write the lecture's import: the sandbox serves it.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any, Sequence, Union

from autograder.errors import UserError
from autograder.families.arrays.inputs import Kind as ArrayKind
from autograder.families.arrays.inputs import describe, kinds
from autograder.lectures.analysis import Kind
from autograder.lectures.proposal import Proposal
from autograder.lectures.survey import Finding

RESERVED = frozenset({"inputs", "references", "judging", "models", "conftest"})
"""Names of the checks package's own modules, which no exercise may take."""

KERAS_INPUTS: dict[str, tuple[Any, tuple[Any, Any, Any]]] = {
    "input_dim": (20, (30, 7, 12)),
    "sequence_length": (10, (8, 6, 5)),
    "features": (2, (1, 3, 2)),
    "height": (8, (8, 6, 10)),
    "width": (8, (10, 6, 8)),
    "channels": (1, (1, 3, 2)),
    "input_shape": ((6, 4), ((8, 5), (4, 3), (7, 2))),
}
"""Each input size a generated Keras function may take: its visible value and its three hidden ones."""
HIDDEN_SETS = ("first", "second", "third")

_TENSORFLOW_KERAS = re.compile(r"^(\s*)(from|import)\s+tensorflow\.keras\b")


@dataclass(frozen=True)
class KerasInputs:
    visible: dict[str, Any]
    hidden: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class ArrayInputs:
    parameters: dict[str, ArrayKind]
    seeded: bool
    """It draws from NumPy's global random generator: compared under one seed."""


Inputs = Union[KerasInputs, ArrayInputs]


@dataclass(frozen=True)
class Planned:
    """One exercise as it will be written: ``name`` names the exercise, its function, its check module."""

    number: int
    name: str
    title: str
    citation: str
    finding: Finding
    proposal: Proposal
    imports: tuple[str, ...]
    inputs: Inputs
    notes: tuple[str, ...]
    compiled: bool = False
    """A Keras model the listing compiles."""

    @property
    def is_keras(self) -> bool:
        return isinstance(self.inputs, KerasInputs)

    @property
    def source(self) -> str:
        """The function as the notebook will hand it out, under its exercise's name."""
        tree = ast.parse(self.proposal.source)
        lines = self.proposal.source.split("\n")
        lines[tree.body[0].lineno - 1] = lines[tree.body[0].lineno - 1].replace(f"def {self.proposal.name}(", f"def {self.name}(", 1)
        return "\n".join(lines)


def _rewritten(line: str) -> str:
    return _TENSORFLOW_KERAS.sub(lambda m: f"{m[1]}{m[2]} keras", line)


def _keras_inputs(finding: Finding, proposal: Proposal) -> KerasInputs:
    names = [p.name for p in proposal.parameters]
    unknown = [n for n in names if n not in KERAS_INPUTS]
    if unknown:
        raise UserError(
            f"Listing {finding.number} ({finding.listing.title}) gives {proposal.signature}, and the generator has no values "
            f"for {', '.join(unknown)}: write that exercise by hand."
        )
    visible = {n: KERAS_INPUTS[n][0] for n in names}
    hidden = {label: {n: KERAS_INPUTS[n][1][i] for n in names} for i, label in enumerate(HIDDEN_SETS)} if names else {"only": {}}
    return KerasInputs(visible, hidden)


def _uses_global_random(finding: Finding, proposal: Proposal) -> bool:
    return any("global random generator" in note for note in finding.analysis.notes) and "random" in proposal.source


def plan(findings: Sequence[Finding], taken: Sequence[str] = ()) -> tuple[Planned, ...]:
    """The exercises of the chosen listings, in the order chosen, names unique in the assignment."""
    planned: list[Planned] = []
    used = set(taken) | RESERVED
    for finding in findings:
        several = len(finding.proposals) > 1
        for construction, proposal in zip(finding.analysis.constructions, finding.proposals):
            name = _unique(proposal.name, used)
            used.add(name)
            what = proposal.name.removeprefix("build_").replace("_", " ")
            title = f"{finding.listing.title} ({what})" if several else finding.listing.title
            imports = tuple(dict.fromkeys(_rewritten(line) for line in proposal.imports))
            notes = [f"'{old}' is written '{new}': the same module in Keras 3, so the reference solution needs no TensorFlow."
                     for old, new in zip(proposal.imports, map(_rewritten, proposal.imports)) if old != new]
            if finding.analysis.kind is Kind.KERAS_MODEL:
                inputs: Inputs = _keras_inputs(finding, proposal)
                if not construction.compiled:
                    notes.append("The listing does not compile its model: the checks compare no compile settings and train nothing.")
            else:
                parameters = kinds(tuple(p.name for p in proposal.parameters))
                inputs = ArrayInputs(parameters, _uses_global_random(finding, proposal))
                notes += [f"{n} is taken to be {describe(k)}." for n, k in parameters.items()]
                if inputs.seeded:
                    notes.append("It draws from NumPy's global random generator: its values are compared under one seed.")
            if name != proposal.name:
                notes.append(f"Named {name}, since {proposal.name} is taken in this assignment.")
            planned.append(Planned(len(planned) + 1, name, title, finding.deck.reference(finding.listing), finding, proposal,
                                   imports, inputs, tuple(notes), construction.compiled))
    return tuple(planned)


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    return candidate
