"""Jupyter lecture notebooks: markdown cells give the titles, code cells the listings.

A markdown cell's lines are judged by the rules of text exports
(``text_deck.slide_title``), so a notebook and its slides exported as text
cite the same titles. The deck's title and subtitle are the first two titles
of the first markdown cell that has any, unless the notebook's metadata
names its title. A code cell's caption or label is the last line of the
markdown cell just before it.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import nbformat

from autograder.errors import UserError
from autograder.lectures.deck import Deck, Listing, Location, Slide, read_text
from autograder.lectures.text_deck import caption_above, slide_title


def read(path: Path) -> Deck:
    """The deck; nbformat's warnings about a lecture's schema (cell ids, metadata) are not the instructor's concern here."""
    text = read_text(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            notebook = nbformat.reads(text, as_version=4)
    except (ValueError, KeyError, TypeError, AttributeError, nbformat.ValidationError) as error:
        raise UserError(f"The lecture {path} is not a Jupyter notebook nbformat can read ({type(error).__name__}).") from None
    return parse(path, notebook)


def parse(path: Path, notebook: nbformat.NotebookNode) -> Deck:
    metadata = notebook.get("metadata", {})
    language = (metadata.get("kernelspec", {}).get("language") or metadata.get("language_info", {}).get("name") or "python").lower()
    slides: list[Slide] = []
    listings: list[Listing] = []
    titles_of_cell: dict[int, list[str]] = {}
    previous_markdown: list[str] | None = None
    for index, cell in enumerate(notebook.cells):
        source = cell.get("source", "")
        if cell.cell_type == "markdown":
            lines = source.split("\n")
            titles = [title for i in range(len(lines)) if (title := slide_title(lines, i)) is not None]
            titles_of_cell[index] = titles
            slides += [Slide(title, Location(path.name, cell=index)) for title in titles]
            previous_markdown = lines
        elif cell.cell_type == "code" and source.strip():
            caption, label = caption_above(previous_markdown, len(previous_markdown)) if previous_markdown else (None, None)
            listings.append(Listing(
                number=len(listings) + 1,
                raw=source,
                location=Location(path.name, cell=index),
                slide=slides[-1].title if slides else None,
                caption=caption,
                label=label,
                language=language,
            ))
            previous_markdown = None
        else:
            previous_markdown = None
    first = next((titles for titles in titles_of_cell.values() if titles), [])
    title = metadata.get("title") or (first[0] if first else path.stem)
    subtitle = first[1] if len(first) > 1 and not metadata.get("title") else None
    return Deck(path, title, subtitle, tuple(slides), tuple(listings))
