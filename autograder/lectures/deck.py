"""A lecture deck as the later stages see it, whatever file it came from.

Text exported from slides and Jupyter lecture notebooks give the same three
things: the lecture's title, its slide titles, and its code listings, each
listing with where it is, so a generated exercise can cite it and an
instructor can find it again.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autograder.errors import UserError
from autograder.lectures.citation import Citation


@dataclass(frozen=True)
class Location:
    """Where something is in a deck: lines (1-based, inclusive) of a text file, or a notebook cell (0-based)."""

    file: str
    first_line: int | None = None
    last_line: int | None = None
    cell: int | None = None

    def __str__(self) -> str:
        if self.cell is not None:
            return f"{self.file}, cell {self.cell}"
        if self.first_line == self.last_line:
            return f"{self.file}, line {self.first_line}"
        return f"{self.file}, lines {self.first_line}-{self.last_line}"


@dataclass(frozen=True)
class Slide:
    title: str
    location: Location


@dataclass(frozen=True)
class Listing:
    """A code listing as the deck gives it, damage and all.

    ``caption`` is a numbered caption ("Listing 5.13 Adding L2 weight
    regularization to the model"); ``label`` a short line ending in a colon
    just before the listing ("During Prediction:"), which tells apart two
    listings on one slide; ``language`` what the fence or notebook declares.
    """

    number: int
    raw: str
    location: Location
    slide: str | None
    caption: str | None = None
    label: str | None = None
    language: str | None = None

    @property
    def title(self) -> str:
        """What a citation names: the caption, else the slide's title."""
        return self.caption or self.slide or f"listing {self.number}"


@dataclass(frozen=True)
class Deck:
    path: Path
    title: str
    subtitle: str | None
    slides: tuple[Slide, ...]
    listings: tuple[Listing, ...]

    @property
    def file(self) -> str:
        return self.path.name

    @property
    def full_title(self) -> str:
        """The title with its subtitle, as the title slide shows them: "Intro to Neural Nets: Session 4: Model Fitting"."""
        return f"{self.title}: {self.subtitle}" if self.subtitle else self.title

    def reference(self, listing: Listing) -> str:
        """The citation the checks' ``lecture=`` takes: the titles a student sees, never the file's
        name; a listing above every slide title is cited by the title slide."""
        return str(Citation(self.full_title, listing.slide or self.title))


def read_text(path: Path) -> str:
    """The file's text with Unix line ends; a UserError when it is missing or not UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UserError(f"Cannot read the lecture {path}: {error.strerror or error}.") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"The lecture {path} is not UTF-8 text: export it again as UTF-8.") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")
