"""The course's own lecture decks, as committed under ``lectures/``."""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder.lectures.deck import Deck
from autograder.lectures.reader import read_deck

LECTURES = Path(__file__).resolve().parents[2] / "lectures"


@pytest.fixture(scope="session")
def decks() -> dict[str, Deck]:
    """Each deck by the first three characters of its file name ("000" to "004")."""
    return {path.name[:3]: read_deck(path) for path in sorted(LECTURES.glob("*.txt"))}
