"""Decks exported from slides as plain text or markdown.

The exports keep little of a slide's structure: a slide title is a markdown
heading, or a short line on its own between blank lines; code comes in
fenced blocks. A short line on its own can also be a figure's label
("Underfitting", "Mirror"): that costs nothing but an extra "slide", and a
listing is cited by the nearest title above it, which is how this course's
exercises cite slides by hand. What makes a plain line a title:

- blank lines (or the file's edge) before and after it;
- at most ``MAX_TITLE`` characters and ``MAX_TITLE_WORDS`` words;
- it starts with a capital letter, and is not a numbered caption ("Listing 5.13 ...",
  "Figure 2");
- no mathematics, markup, code or web address in it (``$ = < > [ ] { } \\ |``, ``://``);
- it does not end as a sentence or a label does (``. , ; :``).

A heading is a title whatever its words, up to ``MAX_TITLE`` characters (a
longer one is a figure's text the exporter made a heading of).
"""
from __future__ import annotations

import re
from pathlib import Path

from autograder.lectures.deck import Deck, Listing, Location, Slide, read_text

MAX_TITLE = 80
MAX_TITLE_WORDS = 12
MAX_LABEL = 60

_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)[^`]*$")
_HEADING = re.compile(r"^ {0,3}#{1,6}\s+(?P<text>.*?)(\s+#+)?\s*$")
_BULLET = re.compile(r"^([-*+•]|\d+[.)])(\s|$)")
_CAPTION = re.compile(r"^(Listing|Code listing|Figure|Fig\.|Table)\s+\d+(\.\d+)*\b", re.IGNORECASE)
_LISTING_CAPTION = re.compile(r"^(Listing|Code listing)\s+\d+(\.\d+)*\b", re.IGNORECASE)
_NOT_IN_TITLES = set("$=<>[]{}\\|")
_MARKUP = re.compile(r"(?<!\w)[*_]+|[*_]+(?!\w)|</?\w+>")


def read(path: Path) -> Deck:
    return parse(path, read_text(path))


def parse(path: Path, text: str) -> Deck:
    lines = text.split("\n")
    blocks = _fenced_blocks(lines)
    inside = {i for first, last, _ in blocks for i in range(first, last + 1)}
    titles = {i: title for i in range(len(lines)) if i not in inside and (title := slide_title(lines, i)) is not None}
    slides = tuple(Slide(title, Location(path.name, i + 1, i + 1)) for i, title in titles.items())

    listings = []
    for first, last, info in blocks:
        body = lines[first + 1 : last]
        if not any(line.strip() for line in body):
            continue
        above = [i for i in titles if i < first]
        caption, label = caption_above(lines, first)
        listings.append(Listing(
            number=len(listings) + 1,
            raw="\n".join(body),
            location=Location(path.name, first + 2, last),
            slide=titles[above[-1]] if above else None,
            caption=caption,
            label=label,
            language=info.lower() or None,
        ))
    title_lines = list(titles)
    title = titles[title_lines[0]] if titles else path.stem
    subtitle = None
    if title_lines:
        following = next((i for i in range(title_lines[0] + 1, len(lines)) if lines[i].strip()), None)
        subtitle = titles.get(following) if following is not None else None
    return Deck(path, title, subtitle, slides, tuple(listings))


def _fenced_blocks(lines: list[str]) -> list[tuple[int, int, str]]:
    """(opening line, closing line, info string) of each fenced block; an unclosed one runs to the end, as in CommonMark."""
    blocks = []
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        fence = opening["fence"]
        close = next(
            (j for j in range(i + 1, len(lines)) if re.fullmatch(rf" {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*", lines[j])),
            len(lines),
        )
        blocks.append((i, close, opening["info"]))
        i = close + 1
    return blocks


def _blank(lines: list[str], i: int) -> bool:
    return not 0 <= i < len(lines) or not lines[i].strip()


def _plain(text: str) -> str:
    """A title without its markdown emphasis, HTML tags and escapes."""
    return " ".join(_MARKUP.sub("", text).replace("\\", "").split())


def slide_title(lines: list[str], i: int) -> str | None:
    heading = _HEADING.match(lines[i])
    if heading:
        text = _plain(heading["text"])
        return text if 0 < len(text) <= MAX_TITLE else None
    text = lines[i].strip()
    if not text or not (_blank(lines, i - 1) and _blank(lines, i + 1)):
        return None
    plain = _plain(text)
    if len(plain) > MAX_TITLE or len(plain.split()) > MAX_TITLE_WORDS:
        return None
    if not plain[0].isupper() or _CAPTION.match(plain):
        return None
    if _NOT_IN_TITLES & set(text) or "://" in text or plain.endswith((".", ",", ";", ":")):
        return None
    return plain


def caption_above(lines: list[str], opening: int) -> tuple[str | None, str | None]:
    """The numbered caption, or else the short label ending in a colon, on the nearest line above a listing."""
    above = next((i for i in range(opening - 1, -1, -1) if lines[i].strip()), None)
    if above is None:
        return None, None
    text = _plain(lines[above].strip())
    if _LISTING_CAPTION.match(text):
        return text, None
    if text.endswith(":") and len(text) <= MAX_LABEL and not _BULLET.match(text) and not _FENCE.match(lines[above]):
        return None, text
    return None, None
