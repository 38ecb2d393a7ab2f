"""How an exercise, a check or a notebook cites where something was taught.

A student has the lectures as they were shown, not the course's files, so a citation names
the lecture by its own title (the deck's full title, as its title slide gives it) and the slide
by the title on it: ``lecture "Intro to Neural Nets: Session 4: Model Fitting", slide "Early
Stopping"``. Both are quoted since titles hold commas and colons. The checks' ``lecture=`` and
each ``Exercise(..., lecture=...)`` take this text, and a test holds every one of them to the
course's decks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from autograder.errors import UserError

_FORMAT = re.compile(r'lecture "(?P<lecture>.+?)", slide "(?P<slide>.+)"')


class NotACitation(UserError):
    """Text in a ``lecture=`` that is not a lecture and a slide in the course's form."""


@dataclass(frozen=True)
class Citation:
    lecture: str
    """The deck's full title (:attr:`~autograder.lectures.deck.Deck.full_title`)."""
    slide: str
    """A slide title of that deck, as the deck reader finds it."""

    def __str__(self) -> str:
        return f'lecture "{self.lecture}", slide "{self.slide}"'

    @classmethod
    def parse(cls, text: str) -> "Citation":
        """The citation ``text`` spells; a lecture title never holds ``", slide "``, so the first one splits."""
        found = _FORMAT.fullmatch(text)
        if found is None:
            raise NotACitation(f'"{text}" is not a citation of the form lecture "TITLE", slide "SLIDE TITLE".')
        return cls(found["lecture"], found["slide"])
