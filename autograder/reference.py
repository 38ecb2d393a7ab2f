"""Reference answers from Keras, paid for once and shared by every submission.

An assignment's ``references`` module declares ``PRECOMPUTED``:
``name -> f(keras)``, results that depend on the checks' own hidden inputs
only. They are computed together once, then kept on disk keyed by the
assignment, the checks' source, the Keras version and backend, so later runs
never import Keras at all. Nothing here ever runs on what a student returned:
Keras work that depends on a student belongs in the sandbox.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from autograder import device as devices
from autograder.assignment import Assignment
from autograder.files import cache_dir as default_cache_dir, write_atomically
from autograder.sandbox.wire import WireError, from_bytes, to_bytes


class References(Protocol):
    def __getitem__(self, name: str) -> Any: ...


def checks_digest(assignment: Assignment) -> str:
    """Changes whenever any file of the assignment's checks, or an exercise's points, change."""
    digest = hashlib.sha256(json.dumps([(e.name, e.points) for e in assignment.exercises]).encode())
    for path in sorted(assignment.checks_dir.rglob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


class KerasReferences:
    """Live Keras, loaded only when a result is not already known."""

    def __init__(self, assignment: Assignment, device: str = "auto", cache_dir: Path | None = None) -> None:
        self._module: ModuleType = __import__(f"{assignment.package}.references", fromlist=["PRECOMPUTED"])
        self.requested_device = device
        self.device: str | None = None
        self._lock = threading.RLock()
        self._precomputed: dict[str, Any] | None = None
        backend = os.environ.get("KERAS_BACKEND") or _configured_backend()
        self.backend = backend
        key = f"{assignment.name}-{checks_digest(assignment)}-keras{metadata.version('keras')}-{backend}"
        root = cache_dir or default_cache_dir()
        self._cache = root / f"{key}.wire"

    def describe(self) -> str:
        if self.device is None:
            return f"Keras {self.backend} backend not loaded (references from {self._cache})"
        return f"Keras {self.backend} backend on {self.device}"

    def __getitem__(self, name: str) -> Any:
        with self._lock:
            if self._precomputed is None:
                self._precomputed = self._load_or_compute()
            return self._precomputed[name]

    def warm(self) -> None:
        """Compute or load everything submission-independent, before any student runs.
        An assignment with no Keras answers (an imported otter one) has nothing to load."""
        if self._module.PRECOMPUTED:
            self[next(iter(self._module.PRECOMPUTED))]

    def _keras(self) -> ModuleType:
        if self.device is None:
            self.device = devices.resolve(self.requested_device)
        import keras

        return keras

    def _load_or_compute(self) -> dict[str, Any]:
        if self.requested_device == "gpu" and self.device is None:
            self._keras()
        if self._cache.exists():
            try:
                return from_bytes(self._cache.read_bytes())
            except (WireError, OSError):
                pass
        keras = self._keras()
        values = {name: compute(keras) for name, compute in self._module.PRECOMPUTED.items()}
        write_atomically(self._cache, to_bytes(values))
        return values


def _configured_backend() -> str:
    config = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "keras.json"
    try:
        return json.loads(config.read_text()).get("backend", "tensorflow")
    except (OSError, ValueError):
        return "tensorflow"
