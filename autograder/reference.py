"""Reference answers from Keras, paid for once and shared by every submission.

An assignment's ``references`` module declares ``PRECOMPUTED``:
``name -> f(keras)``, results that depend on the checks' own hidden inputs
only. They are computed together once, then kept on disk keyed by the
assignment, the checks' source, the Keras version and backend, so later runs
never import Keras at all. Nothing here ever runs on what a student returned:
Keras work that depends on a student belongs in the sandbox.

References computed on a GPU are graded with only once a fresh CPU computation of the
same entries agrees with them (:mod:`autograder.reference_agreement`, whose rules the
module declares beside ``PRECOMPUTED``); the cache records where and how its values were
computed, and a GPU computation that was not checked is never read back.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import asdict, dataclass, replace
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from autograder.assignment import Assignment
from autograder.device import Placement
from autograder.files import cache_dir as default_cache_dir, write_atomically
from autograder.reference_agreement import DEVICE_SHARE, Rules, compare, require_agreement
from autograder.reference_compute import LiveKeras, references_module
from autograder.sandbox.wire import WireError, from_bytes, to_bytes

CACHE_FORMAT = 2
"""Part of the cache's name: files of another layout (format 1 held the values alone) are never read."""


class References(Protocol):
    def __getitem__(self, name: str) -> Any: ...


class Computer(Protocol):
    """Where reference values come from: live Keras in grading (:class:`LiveKeras`), fakes in tests."""

    def place(self, device: str) -> Placement: ...

    def compute(self) -> dict[str, Any]: ...

    def compute_on_cpu(self, backend: str) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Provenance:
    """How cached references were computed; stored with them."""

    device: str
    backend: str
    precision: str
    verified: bool = False
    """Computed on a GPU and found to agree with a CPU computation of the same entries."""
    largest_share: float | None = None
    """The entry furthest from the CPU's, as a share of what the check allows it to be (None: not compared)."""

    @property
    def usable(self) -> bool:
        return self.device == "cpu" or self.verified

    def describe(self) -> str:
        where = f"Keras {self.backend} backend on {self.device} ({self.precision})"
        if self.largest_share is None:
            return where
        return f"{where}, checked against the CPU: at most {self.largest_share:.2g} of the allowed difference"


def checks_digest(assignment: Assignment) -> str:
    """Changes whenever any file of the assignment's checks, its exported solution, or an exercise's
    points change: a generated exercise's references are what its solution computes."""
    digest = hashlib.sha256(json.dumps([(e.name, e.points) for e in assignment.exercises]).encode())
    for path in sorted(assignment.checks_dir.rglob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    solution = assignment.course.solution_module(assignment.name)
    if solution.is_file():
        digest.update(b"solution" + solution.read_bytes())
    return digest.hexdigest()[:16]


class KerasReferences:
    """Live Keras, loaded only when a result is not already known."""

    def __init__(self, assignment: Assignment, device: str = "auto", cache_dir: Path | None = None, computer: Computer | None = None) -> None:
        self._module: ModuleType = references_module(assignment.course, assignment.name)
        self._rules = Rules.of(self._module)
        self._computer = computer or LiveKeras(assignment.course, assignment.name)
        self.assignment = assignment.name
        self.requested_device = device
        self.placement: Placement | None = None
        self.provenance: Provenance | None = None
        self._loaded = False
        """The values came from the cache."""
        self._lock = threading.RLock()
        self._precomputed: dict[str, Any] | None = None
        backend = os.environ.get("KERAS_BACKEND") or _configured_backend()
        self.backend = backend
        key = f"{assignment.name}-{checks_digest(assignment)}-keras{metadata.version('keras')}-{backend}-f{CACHE_FORMAT}"
        root = cache_dir or default_cache_dir()
        self._cache = root / f"{key}.wire"

    def describe(self) -> str:
        if self.provenance is not None:
            return f"references from {self._cache}, computed by {self.provenance.describe()}" if self._loaded else self.provenance.describe()
        if self.placement is not None:
            return self.placement.describe()
        return f"Keras {self.backend} backend not loaded (references from {self._cache})"

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

    def _place(self) -> Placement:
        if self.placement is None:
            self.placement = self._computer.place(self.requested_device)
        return self.placement

    def _load_or_compute(self) -> dict[str, Any]:
        if self.requested_device == "gpu":
            self._place()  # no GPU refuses at once, even with references on disk
        cached = self._read_cache()
        if cached is not None:
            self.provenance, values = cached
            self._loaded = True
            return values
        placement = self._place()
        values = self._computer.compute()
        provenance = Provenance(placement.device, placement.backend, placement.precision)
        if placement.device != "cpu":
            provenance = self._checked_on_cpu(values, provenance)
        write_atomically(self._cache, to_bytes({"provenance": asdict(provenance), "values": values}))
        self.provenance = provenance
        return values

    def _checked_on_cpu(self, values: dict[str, Any], provenance: Provenance) -> Provenance:
        """The guard: the same entries computed afresh on the CPU, within DEVICE_SHARE of each
        check's tolerance (random entries left out), or a ReferencesDisagree."""
        comparison = compare(values, self._computer.compute_on_cpu(provenance.backend), self._rules, DEVICE_SHARE)
        require_agreement(comparison, provenance.device.upper(), "CPU", self.assignment)
        worst = comparison.worst
        return replace(provenance, verified=True, largest_share=worst.ratio if worst else 0.0)

    def _read_cache(self) -> tuple[Provenance, dict[str, Any]] | None:
        """What the cache holds when it was computed on the CPU or checked against it; None otherwise."""
        try:
            stored = from_bytes(self._cache.read_bytes())
            provenance = Provenance(**stored["provenance"])
            values = stored["values"]
        except (WireError, OSError, TypeError, KeyError):
            return None
        return (provenance, values) if provenance.usable and isinstance(values, dict) else None


def _configured_backend() -> str:
    config = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "keras.json"
    try:
        return json.loads(config.read_text()).get("backend", "tensorflow")
    except (OSError, ValueError):
        return "tensorflow"
