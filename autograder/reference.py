"""Reference answers from Keras, paid for once and shared by every submission.

An assignment's ``references`` module declares two tables:

* ``PRECOMPUTED``: ``name -> f(keras)``, results that do not depend on any
  submission. They are computed together once, then kept on disk keyed by the
  assignment, the checks' source, the Keras version and backend, so later runs
  never import Keras at all.
* ``ON_DEMAND``: ``name -> f(keras, cases) -> results``, Keras work on what
  students returned, one result per case (a tuple of arrays). The function
  takes many cases at once so that it can batch them on the device; results
  are kept per case, by content, in memory and on disk, so a class whose
  answers agree pays for one case, not one per student, and a regrade pays
  for none.

A check asks with ``reference.on_demand(name, cases)``. While a class is
graded, checks see a :class:`DeferringReferences`: a case not known yet is
noted for the next batch and the check's exercise is graded again once the
batch is in (see :mod:`autograder.grading`), so Keras runs once per batch of
submissions instead of once per student.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol, Sequence

import numpy as np

from autograder import device as devices
from autograder.assignment import Assignment
from autograder.sandbox.wire import WireError, from_bytes, to_bytes

Case = tuple[np.ndarray, ...]


class References(Protocol):
    def __getitem__(self, name: str) -> Any: ...

    def on_demand(self, name: str, cases: Sequence[Case]) -> list[Any]: ...


class Pending(Exception):
    """An on-demand answer is waiting for its batch; the exercise is graded again once it is in."""


def content_key(name: str, case: Case) -> str:
    digest = hashlib.sha256(name.encode())
    for array in case:
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


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    partial.write_bytes(data)
    partial.replace(path)


class KerasReferences:
    """Live Keras, loaded only when a result is not already known."""

    def __init__(self, assignment: Assignment, device: str = "auto", cache_dir: Path | None = None) -> None:
        self._module: ModuleType = __import__(f"{assignment.package}.references", fromlist=["PRECOMPUTED"])
        self.requested_device = device
        self.device: str | None = None
        self._lock = threading.RLock()
        self._keras_lock = threading.Lock()
        self._precomputed: dict[str, Any] | None = None
        self._memo: dict[str, Any] = {}
        self.batches: list[int] = []
        """How many cases each Keras on-demand call computed, for the benchmark's breakdown."""
        backend = os.environ.get("KERAS_BACKEND") or _configured_backend()
        self.backend = backend
        key = f"{assignment.name}-{checks_digest(assignment)}-keras{metadata.version('keras')}-{backend}"
        root = cache_dir or default_cache_dir()
        self._cache = root / f"{key}.wire"
        self._on_demand_cache = root / f"{key}-on-demand"

    def describe(self) -> str:
        if self.device is None:
            return f"Keras {self.backend} backend not loaded (references from {self._cache})"
        batched = f", {sum(self.batches)} on-demand case(s) in {len(self.batches)} batch(es)" if self.batches else ""
        return f"Keras {self.backend} backend on {self.device}{batched}"

    def __getitem__(self, name: str) -> Any:
        with self._lock:
            if self._precomputed is None:
                self._precomputed = self._load_or_compute()
            return self._precomputed[name]

    def known(self, name: str, case: Case) -> tuple[bool, Any]:
        """Whether the answer for ``case`` is already in memory or on disk, and the answer."""
        key = content_key(name, case)
        with self._lock:
            if key in self._memo:
                return True, self._memo[key]
        try:
            value = from_bytes((self._on_demand_cache / key).read_bytes())
        except (OSError, WireError):
            return False, None
        with self._lock:
            self._memo[key] = value
        return True, value

    def on_demand(self, name: str, cases: Sequence[Case]) -> list[Any]:
        """Answers for every case, computing the unknown ones now, in one batch."""
        self.compute({(name, content_key(name, case)): case for case in cases if not self.known(name, case)[0]})
        return [self.known(name, case)[1] for case in cases]

    def compute(self, wanted: dict[tuple[str, str], Case]) -> None:
        """One Keras call per on-demand table entry for all the wanted cases,
        kept in memory and on disk. Grading threads keep reading known answers meanwhile."""
        by_name: dict[str, dict[str, Case]] = {}
        for (name, key), case in wanted.items():
            by_name.setdefault(name, {})[key] = case
        with self._keras_lock:
            for name, cases in by_name.items():
                with self._lock:
                    cases = {k: c for k, c in cases.items() if k not in self._memo}
                if not cases:
                    continue
                values = self._module.ON_DEMAND[name](self._keras(), list(cases.values()))
                self.batches.append(len(cases))
                for key, value in zip(cases, values, strict=True):
                    _write_atomically(self._on_demand_cache / key, to_bytes(value))
                    with self._lock:
                        self._memo[key] = value

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
                return from_bytes(self._cache.read_bytes())
            except (WireError, OSError):
                pass
        keras = self._keras()
        values = {name: compute(keras) for name, compute in self._module.PRECOMPUTED.items()}
        _write_atomically(self._cache, to_bytes(values))
        return values


class DeferringReferences:
    """What checks see while a class is graded: known answers at once, unknown
    cases noted for the next batch (shared by every grading thread) and the
    check's exercise marked :class:`Pending`."""

    def __init__(self, references: KerasReferences) -> None:
        self.references = references
        self._wanted: dict[tuple[str, str], Case] = {}
        self._lock = threading.Lock()

    def __getitem__(self, name: str) -> Any:
        return self.references[name]

    def on_demand(self, name: str, cases: Sequence[Case]) -> list[Any]:
        answers = [self.references.known(name, case) for case in cases]
        missing = {(name, content_key(name, case)): case for case, (known, _) in zip(cases, answers) if not known}
        if missing:
            with self._lock:
                self._wanted.update(missing)
            raise Pending(name)
        return [value for _, value in answers]

    def compute_wanted(self) -> int:
        """Compute everything noted so far in one batch; how many cases that was."""
        with self._lock:
            wanted, self._wanted = self._wanted, {}
        self.references.compute(wanted)
        return len(wanted)


def _configured_backend() -> str:
    config = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "keras.json"
    try:
        return json.loads(config.read_text()).get("backend", "tensorflow")
    except (OSError, ValueError):
        return "tensorflow"
