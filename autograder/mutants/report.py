"""The mutation report an instructor reads after ``selfcheck --mutants``: per exercise how many
mutants its checks kill, then each survivor (a mistake that keeps full marks: a check to
strengthen, or a mistake to accept) and each equivalent mutant, with the change it made."""
from __future__ import annotations

from typing import Sequence

from rich.console import Console
from rich.table import Table

from autograder.mutants.analysis import ExerciseScore, Verdict


def percent(score: float | None) -> str:
    return "—" if score is None else f"{100 * score:.0f}%"


def table(name: str, scores: Sequence[ExerciseScore], cap: int | None) -> Table:
    limit = f", at most {cap} per exercise" if cap else ""
    found = Table(title=f"mutants of {name}{limit}")
    for column in ("exercise", "mutants", "killed", "survived", "equivalent", "score"):
        found.add_column(column, justify="left" if column == "exercise" else "right")
    for score in scores:
        found.add_row(score.exercise, str(len(score.outcomes)), *(str(len(score.of(v))) for v in Verdict), percent(score.score))
    return found


def lines(scores: Sequence[ExerciseScore]) -> list[str]:
    """What the table cannot show: each survivor and equivalent mutant, and any exercise that could not be judged."""
    out: list[str] = []
    for score in scores:
        if score.reference_score != score.points:
            out.append(f"{score.exercise}: the solution itself scores {score.reference_score} of {score.points}: "
                       "fix its checks before reading its mutants.")
        if not score.repeatable:
            out.append(f"{score.exercise}: the solution answered the checks differently twice, so no mutant is judged equivalent.")
        for verdict, heading in ((Verdict.SURVIVED, "survived (full marks)"), (Verdict.EQUIVALENT, "equivalent (the solution's answers to every check)")):
            found = score.of(verdict)
            if found:
                out.append(f"{score.exercise}: {heading}, lines of its solution cell:")
                out += [f"  {o.target.mutant.id:<28} {o.target.mutant.description}" for o in found]
    return out


def render(console: Console, name: str, scores: Sequence[ExerciseScore], cap: int | None) -> None:
    console.print(table(name, scores, cap))
    for line in lines(scores):
        console.print(line, markup=False, highlight=False)
