"""Making untrusted text safe to store and show.

Folder names, printed output and exception messages come from students, who
have read this source. Such text reaches UTF-8 files, browsers, spreadsheets
and terminals, and each has its own way to be hurt: a lone surrogate makes a
UTF-8 writer raise (so an output goes missing), an escape sequence rewrites a
grader's terminal, a bidi override makes one id read as another, a cell
starting with ``=`` runs as a formula. Everything here is total: it returns
for any input and never raises, so a writer that uses it cannot be stopped by
what a student wrote.
"""
from __future__ import annotations

import hashlib
import os
import re

ID_LIMIT = 100
"""Longest folder name kept as it is for an id; longer ones are cut and tagged."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP, CSV injection)."""

_SURROGATE = re.compile("[\ud800-\udfff]")
_NEWLINE = re.compile(r"\r\n?")
# CSI (ESC [ or C1 0x9b) params, intermediates, final; string commands (OSC,
# DCS, SOS, PM, APC, by ESC or C1) up to BEL or ST, or the end of the line when
# never ended; any other ESC with its intermediates and final byte; a lone ESC.
_ESCAPE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LOOKS_TAGGED = re.compile(r"~[0-9a-f]{12}\Z")
_SEPARATORS = re.compile(r"[/\\]")


def as_text(value: object) -> str:
    """Any value as a plain ``str``: bytes decoded leniently, None as nothing,
    an object whose ``__str__`` fails by its type's name."""
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", "replace")
    if value is None:
        return ""
    try:
        return str(value)
    except Exception:
        return object.__repr__(value)


def without_surrogates(text: str) -> str:
    """The text with each lone surrogate as U+FFFD and nothing else changed:
    what code a student wrote needs to become encodable, and no more."""
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


def clean_text(text: str, limit: int | None = None) -> str:
    """Text that can be written as UTF-8 and shown anywhere: no surrogates, no
    control characters but newline and tab, no escape sequences, no bidi
    controls; with a limit, cut there and followed by a marker counting what
    was left out (so a reader knows the text went on)."""
    text = without_surrogates(as_text(text))
    text = _INVISIBLE.sub("", _ESCAPE.sub("", _NEWLINE.sub("\n", text)))
    if limit is not None and len(text) > max(limit, 0):
        cut = max(limit, 0)
        return f"{text[:cut]}\n[... {len(text) - cut} more characters not kept]"
    return text


def csv_cell(value: object) -> object:
    """A spreadsheet cell that is never read as a formula: a string starting
    with ``= + - @``, tab or carriage return gets a leading ``'`` (OWASP);
    numbers and other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def hash_tag(raw: bytes) -> str:
    """``~`` and 12 hex digits of the raw bytes' SHA-256: what keeps two names
    apart once cleaning has made them look alike."""
    return "~" + hashlib.sha256(raw).hexdigest()[:12]


def student_id_for(folder_name: str) -> str:
    """The id under which a submission folder is graded and reported.

    A clean name (printable, no path separators, no space at either end, not a
    hidden or formula-like start, at most ID_LIMIT characters; ``"bob "`` would
    read as ``"bob"`` everywhere) stays as it is, so ids
    keep matching nbgrader's gradebook. Any other name becomes its cleaned form
    tagged with a hash of its raw bytes. Kept names never end like a tag, so
    the mapping is injective: no two folders are graded as one student.
    """
    name = as_text(folder_name)
    if _is_plain_id(name):
        return name
    try:
        raw = os.fsencode(name)
    except UnicodeEncodeError:  # surrogates no file system name decodes to
        raw = name.encode("utf-8", "surrogatepass")
    stem = _SEPARATORS.sub("_", "".join(c if c.isprintable() else "_" for c in clean_text(name))).strip()
    if not stem or stem.startswith((".", *FORMULA_STARTS)):
        stem = "_" + stem
    return stem[: ID_LIMIT - 13] + hash_tag(raw)


def _is_plain_id(name: str) -> bool:
    return (
        0 < len(name) <= ID_LIMIT
        and name.isprintable()
        and name == name.strip()
        and not _SEPARATORS.search(name)
        and not name.startswith((".", *FORMULA_STARTS))
        and not _LOOKS_TAGGED.search(name)
    )
