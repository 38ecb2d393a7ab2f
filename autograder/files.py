"""Where the grader keeps its own files, and writing one so that a reader, or
a kill in the middle, sees the old one or the new one whole."""
from __future__ import annotations

import os
import threading
from pathlib import Path


def write_atomically(path: Path, data: str | bytes) -> Path:
    """Write beside the target under a name of this process and thread, then
    rename over it: concurrent writers never share a partial file. Text is
    UTF-8, and a character UTF-8 cannot hold is replaced rather than fatal."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    if isinstance(data, bytes):
        partial.write_bytes(data)
    else:
        partial.write_text(data, encoding="utf-8", errors="replace", newline="")
    partial.replace(path)
    return path


def cache_dir() -> Path:
    """The grader's cache (reference answers, students' site-packages): ``AUTOGRADER_CACHE`` or ~/.cache/autograder."""
    return Path(os.environ.get("AUTOGRADER_CACHE", Path.home() / ".cache" / "autograder"))
