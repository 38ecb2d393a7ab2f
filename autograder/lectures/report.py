"""The survey as an instructor reads it, before anything is written: plain text, one block per listing.

Each listing shows its number (what ``--pick`` takes), its title, where it
is, what it is and the function it would become, whether it parses, the
repairs that made it parse (by rule, with the listing's lines) and the diff
from the listing as exported, the statements the function leaves out, the
analysis's notes, and each function as it would be written. A listing
whose cleaned code repeats an earlier one says so instead.
"""
from __future__ import annotations

from typing import Sequence

from autograder.lectures.analysis import Kind
from autograder.lectures.deck import Deck
from autograder.lectures.repairs import RULES
from autograder.lectures.survey import Finding

_EXPLAINS = {rule.name: rule.explains for rule in RULES}
_INDENT = "      "


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}" if n == 1 else f"{n} {thing}s"


def _ranges(numbers: Sequence[int]) -> str:
    """``1-3, 5`` for [1, 2, 3, 5]."""
    parts: list[str] = []
    for n in sorted(set(numbers)):
        if parts and parts[-1][1] == n - 1:
            parts[-1] = (parts[-1][0], n)
        else:
            parts.append((n, n))
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in parts)


def _file_line(finding: Finding, listing_line: int) -> str:
    first = finding.listing.location.first_line
    return f", file line {first + listing_line - 1}" if first is not None else ""


def render_finding(finding: Finding, same_as: int | None = None) -> list[str]:
    listing, cleaned, analysis = finding.listing, finding.cleaned, finding.analysis
    lines = [f"  [{finding.number}] {listing.title}"]
    where = str(listing.location)
    if listing.slide and listing.slide != listing.title:
        where += f', slide "{listing.slide}"'
    if listing.label:
        where += f', "{listing.label}"'
    lines.append(f"{_INDENT}where:    {where}")
    if analysis.kind is Kind.NOT_AN_EXERCISE:
        lines.append(f"{_INDENT}kind:     not an exercise: {analysis.reason}")
    else:
        functions = ", ".join(p.signature for p in finding.proposals)
        lines.append(f"{_INDENT}kind:     {analysis.kind.value}: {functions}")
    if cleaned.parses:
        repaired = f"yes, after {_count(len(cleaned.repairs), 'repair')} by {_count(len(cleaned.rules), 'rule')}"
        state = repaired if cleaned.repairs else "yes, as exported"
    elif cleaned.error_line is not None:
        state = f"no: {cleaned.error} (listing line {cleaned.error_line}{_file_line(finding, cleaned.error_line)})"
    else:
        state = f"no: {cleaned.error}"
    lines.append(f"{_INDENT}parses:   {state}")
    for left in analysis.left_out:
        span = f"line {left.first_line}" if left.first_line == left.last_line else f"lines {left.first_line}-{left.last_line}"
        lines.append(f"{_INDENT}left out: {span}, {left.why}: {left.code}")
    lines += [f"{_INDENT}note:     {note}" for note in analysis.notes]
    if same_as is not None:
        lines.append(f"{_INDENT}same code as [{same_as}]: repairs, diff and function as there")
        return lines
    if cleaned.repairs:
        lines.append(f"{_INDENT}repairs:")
        for rule in cleaned.rules:
            listing_lines = [r.line for r in cleaned.repairs if r.rule == rule]
            lines.append(f"{_INDENT}  {rule} (listing lines {_ranges(listing_lines)}): {_EXPLAINS[rule]}")
        lines.append(f"{_INDENT}diff:")
        lines += [f"{_INDENT}  {line}" for line in cleaned.diff.split("\n")]
    for proposal in finding.proposals:
        lines.append(f"{_INDENT}function {proposal.signature}:")
        lines += [f"{_INDENT}  {line}".rstrip() for line in proposal.module().rstrip("\n").split("\n")]
    return lines


def render(decks: Sequence[Deck], findings: Sequence[Finding]) -> str:
    """What ``autograder new NAME --from-lecture FILE...`` prints before anything is chosen or written."""
    out: list[str] = []
    first_of_code: dict[str, int] = {}
    for deck in decks:
        own = [f for f in findings if f.deck is deck]
        exercises = sum(f.is_exercise for f in own)
        out.append(
            f'{deck.file}: "{deck.full_title}", {_count(len(deck.slides), "slide")}, '
            f"{_count(len(own), 'listing')}, {_count(exercises, 'exercise')}"
        )
        for finding in own:
            same_as = first_of_code.setdefault(finding.cleaned.code, finding.number)
            out += render_finding(finding, same_as if same_as != finding.number else None)
        out.append("")
    exercises = [f.number for f in findings if f.is_exercise]
    summary = f"{_count(len(findings), 'listing')}, {_count(len(exercises), 'exercise')}. Nothing is written yet"
    if exercises:
        summary += f": choose exercises by number with --pick (e.g. --pick {','.join(map(str, exercises[:2]))})."
    else:
        summary += ", and there is nothing to pick."
    out.append(summary)
    return "\n".join(out) + "\n"
