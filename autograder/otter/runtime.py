"""How ``otter run`` runs a student's notebook, reproduced in our sandbox for an imported assignment.

``otter run`` executes the notebook in the student's kernel, with otter installed (``import otter``
works), the master's ``files`` and ``autograder_files`` copied beside the notebook, and, where the
master asks for it, a seed set at the start of every cell (``GradingPreprocessor.add_seeds``). Here:

- ``import otter`` gives the stand-in in ``shims/otter`` (:data:`OTTER_RUNTIME`), whose calls do
  nothing, so an otter student's notebook runs unchanged;
- the files, kept in the checks package's ``files/`` folder (so they travel with it to every
  grading machine and Gradescope), are written into the student's working folder before the
  notebook's first cell (:class:`OtterCells`), by code that runs in a namespace of its own;
- the seed is set by a line put before each cell, as otter puts it there (so, as under otter, a
  cell's error message counts its lines one further).

Nothing here is secret: students have the files, and a seed set in their process is theirs to see
under otter too.
"""
from __future__ import annotations

import base64
import hashlib
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from autograder.errors import UserError
from autograder.sandbox.settings import StudentRuntime

OTTER_RUNTIME = StudentRuntime(shims=("autograder.otter.shims",))
"""The default packages, and ``otter`` as the stand-in."""
GRADING_FILES = "files"
"""The folder of the checks package holding the files ``otter run`` puts beside a submission."""
DATA_LIMIT = 16 << 20
"""Bytes of such files an assignment may have: they are written into each student process's
scratch folder (64 MiB), sent with its cells."""
BEFORE_THE_FIRST_CELL = -1
"""The index of the cell that writes the files: before every cell of the notebook, and owned by no
exercise, so nothing of it is shown to a student."""
_WRITE = """import base64, os, zlib
for path, data in FILES:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as stream:
        stream.write(zlib.decompress(base64.b64decode(data)))
"""


@dataclass(frozen=True)
class Seed:
    """otter's intercell seeding, as ``otter run`` applies it before every cell of a submission:
    ``numpy.random.seed(value)`` and ``random.seed(value)`` (``generate: seed:``), or, where the
    master names a ``seed: variable:``, that variable set to its ``autograder_value``."""

    value: int
    variable: str | None = None

    @property
    def line(self) -> str:
        """The line otter puts at the start of each cell, without names of its own in the student's namespace."""
        if self.variable is not None:
            return f"{self.variable} = {self.value}\n"
        return f"__import__('numpy').random.seed({self.value}); __import__('random').seed({self.value})\n"


@dataclass(frozen=True)
class DataFile:
    path: str
    """Relative to the notebook's folder, with ``/`` between folders."""
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class OtterCells:
    """The :class:`~autograder.extensions.CellSetup` of an imported otter assignment."""

    seed: Seed | None = None
    files: tuple[DataFile, ...] = ()

    def cells(self, cells: list[tuple[int, str]]) -> list[tuple[int, str]]:
        seeded = [(index, self.seed.line + source) for index, source in cells] if self.seed else cells
        return [(BEFORE_THE_FIRST_CELL, self._writer()), *seeded] if self.files else seeded

    def _writer(self) -> str:
        packed = [(f.path, base64.b64encode(zlib.compress(f.data)).decode("ascii")) for f in self.files]
        return f"exec({_WRITE!r}, {{'FILES': {packed!r}}})"


def data_files(package_file: str, digests: dict[str, str]) -> tuple[DataFile, ...]:
    """The files ``import-otter`` copied into the checks package at ``package_file``, each as it
    wrote it (``digests``: path to SHA-256), so a changed file is a sentence, not a silent change
    of what students are graded on."""
    folder = Path(package_file).parent / GRADING_FILES
    found = []
    for path, digest in digests.items():
        try:
            data = (folder / path).read_bytes()
        except OSError:
            raise UserError(f"{folder / path} is missing: import the otter master again (with --force).") from None
        if hashlib.sha256(data).hexdigest() != digest:
            raise UserError(f"{folder / path} changed since `autograder import-otter` wrote it: import the otter master again (with --force).")
        found.append(DataFile(path, data))
    return tuple(found)
