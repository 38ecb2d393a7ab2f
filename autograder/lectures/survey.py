"""Every stage over a set of decks: what ``autograder new --from-lecture`` shows, and what ``--pick`` chooses from."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from autograder.errors import UserError
from autograder.lectures.analysis import Analysis, Kind, analyse
from autograder.lectures.cleaning import Cleaned, clean_listing
from autograder.lectures.deck import Deck, Listing
from autograder.lectures.proposal import Proposal, propose


@dataclass(frozen=True)
class Finding:
    """One listing through every stage; ``number`` counts across all the decks surveyed, from 1."""

    number: int
    deck: Deck
    listing: Listing
    cleaned: Cleaned
    analysis: Analysis
    proposals: tuple[Proposal, ...]

    @property
    def is_exercise(self) -> bool:
        return self.analysis.kind is not Kind.NOT_AN_EXERCISE and bool(self.proposals)


def survey(decks: Sequence[Deck]) -> tuple[Finding, ...]:
    findings = []
    for deck in decks:
        for listing in deck.listings:
            cleaned = clean_listing(listing)
            analysis = analyse(cleaned)
            findings.append(Finding(len(findings) + 1, deck, listing, cleaned, analysis, propose(deck, listing, cleaned, analysis)))
    return tuple(findings)


def pick(findings: Sequence[Finding], numbers: Iterable[int]) -> tuple[Finding, ...]:
    """The findings an instructor chose by number, in the order chosen; a UserError for a number
    the survey did not list or a listing that is not an exercise."""
    by_number = {finding.number: finding for finding in findings}
    chosen = []
    for number in dict.fromkeys(numbers):
        finding = by_number.get(number)
        if finding is None:
            listed = f"lists 1 to {len(findings)}" if findings else "lists none"
            raise UserError(f"There is no listing {number}: the survey {listed}.")
        if not finding.is_exercise:
            raise UserError(f"Listing {number} ({finding.listing.title}) is not an exercise: {finding.analysis.reason}.")
        chosen.append(finding)
    return tuple(chosen)
