"""Computing an assignment's ``PRECOMPUTED`` references with live Keras: in this process, on the
device :func:`autograder.device.resolve` chose, or in a fresh interpreter on a device of its own.

The fresh interpreter is how references computed on a GPU are checked against the CPU: CUDA is
hidden from it and JAX is told to use the CPU before any backend starts, so its CPU cannot be
a GPU in disguise, and nothing of this process's Keras state (seeds, device scopes, compiled
functions) reaches it. It costs one more Keras import.
"""
from __future__ import annotations

import importlib
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from autograder import device as devices
from autograder.assignment import course_package
from autograder.course import Course
from autograder.device import Placement
from autograder.errors import UserError
from autograder.files import write_atomically
from autograder.sandbox.wire import from_bytes, to_bytes


class ComputationFailed(UserError):
    """Reference work in a fresh interpreter ended without its results."""


@dataclass(frozen=True)
class Computed:
    values: dict[str, Any]
    placement: Placement


def references_module(course: Course, name: str) -> ModuleType:
    """An assignment's ``references`` module, from its course's checks."""
    return importlib.import_module(f"{course_package(course)}.{name}.references")


def compute(course: Course, name: str) -> dict[str, Any]:
    """Every ``PRECOMPUTED`` entry of the assignment's references, on the device already resolved."""
    import keras

    return {entry: make(keras) for entry, make in references_module(course, name).PRECOMPUTED.items()}


class LiveKeras:
    """Keras in this process for the references graded with; a fresh interpreter for the CPU's check of them."""

    def __init__(self, course: Course, name: str) -> None:
        self.course, self.name = course, name

    def place(self, device: str) -> Placement:
        return devices.resolve(device)

    def compute(self) -> dict[str, Any]:
        return compute(self.course, self.name)

    def compute_on_cpu(self, backend: str) -> dict[str, Any]:
        return compute_in_fresh_process(self.course, [self.name], backend, "cpu")[self.name].values


def compute_in_fresh_process(
    course: Course, names: list[str], backend: str, device: str, environment: dict[str, str] | None = None,
) -> dict[str, Computed]:
    """Each assignment's references computed by a new interpreter with Keras on ``backend`` and
    ``device`` (and ``environment`` added to this process's)."""
    with tempfile.TemporaryDirectory(prefix="autograder-references-") as folder:
        out = Path(folder) / "references.wire"
        done = subprocess.run(
            [sys.executable, "-m", __name__, device, str(out), str(course.root), *names],
            env={**os.environ, **(environment or {}), "KERAS_BACKEND": backend}, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True, errors="replace", check=False,
        )
        if done.returncode != 0 or not out.exists():
            last = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
            raise ComputationFailed(f"Computing {', '.join(names)} references with Keras {backend} on the {device} in a fresh process failed: {last}")
        found = from_bytes(out.read_bytes())
    return {name: Computed(part["values"], Placement(**part["placement"])) for name, part in found.items()}


def main(argv: list[str]) -> int:
    device, out, root, *names = argv
    placement = devices.resolve(device)
    course = Course(Path(root))
    found = {name: {"values": compute(course, name), "placement": asdict(placement)} for name in names}
    write_atomically(Path(out), to_bytes(found))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
