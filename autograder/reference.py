"""Reference answers from Keras, computed once and shared by every submission.

An assignment's ``references`` module declares two tables:

* ``PRECOMPUTED``: ``name -> f(keras)``, results that do not depend on any
  submission. They are computed together once, then kept on disk keyed by the
  assignment, the checks' source, the Keras version and backend, so later runs
  never import Keras at all.
* ``ON_DEMAND``: ``name -> f(keras, *arrays)``, Keras work on what a student
  returned. Results are memoised by the arrays' content, so a class whose
  answers agree pays for one Keras call, not one per student.

``StoredReferences`` is the stand-in for the engine's own unit tests: the same
interface over a JSON file, never importing Keras.
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

import numpy as np

from autograder import device as devices
from autograder.assignment import Assignment
from autograder.sandbox.wire import decode, encode


class References(Protocol):
    def __getitem__(self, name: str) -> Any: ...

    def on_demand(self, name: str, *arrays: np.ndarray) -> Any: ...


def content_key(name: str, arrays: tuple[np.ndarray, ...]) -> str:
    digest = hashlib.sha256(name.encode())
    for array in arrays:
        array = np.ascontiguousarray(array)
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def checks_digest(assignment: Assignment) -> str:
    """Changes whenever any file of the assignment's checks changes."""
    digest = hashlib.sha256()
    for path in sorted(assignment.checks_dir.rglob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def default_cache_dir() -> Path:
    return Path(os.environ.get("AUTOGRADER_CACHE", Path.home() / ".cache" / "autograder"))


class KerasReferences:
    """Live Keras, loaded only when a result is not already known."""

    def __init__(self, assignment: Assignment, device: str = "auto", cache_dir: Path | None = None) -> None:
        self._module: ModuleType = __import__(f"{assignment.package}.references", fromlist=["PRECOMPUTED"])
        self.requested_device = device
        self.device: str | None = None
        self._lock = threading.RLock()
        self._precomputed: dict[str, Any] | None = None
        self._memo: dict[str, Any] = {}
        backend = os.environ.get("KERAS_BACKEND") or _configured_backend()
        self.backend = backend
        key = f"{assignment.name}-{checks_digest(assignment)}-keras{metadata.version('keras')}-{backend}"
        self._cache = (cache_dir or default_cache_dir()) / f"{key}.json"

    def describe(self) -> str:
        if self.device is None:
            return f"Keras {self.backend} backend not loaded (references from {self._cache})"
        return f"Keras {self.backend} backend on {self.device}"

    def __getitem__(self, name: str) -> Any:
        with self._lock:
            if self._precomputed is None:
                self._precomputed = self._load_or_compute()
            return self._precomputed[name]

    def on_demand(self, name: str, *arrays: np.ndarray) -> Any:
        key = content_key(name, arrays)
        with self._lock:
            if key not in self._memo:
                self._memo[key] = self._module.ON_DEMAND[name](self._keras(), *arrays)
            return self._memo[key]

    def warm(self) -> None:
        """Compute or load everything submission-independent, before any student runs."""
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
                return decode(json.loads(self._cache.read_text()))
            except (ValueError, OSError):
                pass
        keras = self._keras()
        values = {name: compute(keras) for name, compute in self._module.PRECOMPUTED.items()}
        self._cache.parent.mkdir(parents=True, exist_ok=True)
        partial = self._cache.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(encode(values)))
        partial.replace(self._cache)
        return values


class StoredReferences:
    """Precomputed answers from a file: the engine's tests run without Keras."""

    def __init__(self, values: dict[str, Any], memo: dict[str, Any] | None = None) -> None:
        self._values = values
        self._memo = memo or {}
        self.device = "none"

    @classmethod
    def load(cls, path: Path) -> "StoredReferences":
        data = decode(json.loads(Path(path).read_text()))
        return cls(data["precomputed"], data.get("memo", {}))

    def describe(self) -> str:
        return "stored references (Keras not used)"

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def on_demand(self, name: str, *arrays: np.ndarray) -> Any:
        key = content_key(name, arrays)
        if key not in self._memo:
            raise LookupError(f"no stored result of {name} for these arrays")
        return self._memo[key]

    def warm(self) -> None:
        return None


def _configured_backend() -> str:
    config = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "keras.json"
    try:
        return json.loads(config.read_text()).get("backend", "tensorflow")
    except (OSError, ValueError):
        return "tensorflow"
