"""Untrusted text made safe to store and show (placeholder until the outputs work lands)."""
from __future__ import annotations

import re

_DROP = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|.)?|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def clean_text(text: str, limit: int | None = None) -> str:
    if not isinstance(text, str):
        text = repr(text)
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = _DROP.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if limit is not None and len(text) > limit:
        text = text[:limit] + f"\n[... {len(text) - limit} more characters not kept]"
    return text
