"""Which reader a lecture file needs, by its suffix."""
from __future__ import annotations

from pathlib import Path

from autograder.errors import UserError
from autograder.lectures import notebook_deck, text_deck
from autograder.lectures.deck import Deck

TEXT_SUFFIXES = (".txt", ".md", ".markdown")


def read_deck(path: Path) -> Deck:
    """The deck in ``path``: a notebook by its ``.ipynb`` suffix, text or markdown by theirs."""
    path = Path(path)
    if path.suffix.lower() == ".ipynb":
        return notebook_deck.read(path)
    if path.suffix.lower() in TEXT_SUFFIXES:
        return text_deck.read(path)
    raise UserError(f"{path} is not a lecture deck this reads: give a .txt or .md export of slides, or a .ipynb notebook.")
