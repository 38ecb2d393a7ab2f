"""Whether two computations of an assignment's references agree closely enough to grade with either.

A GPU can compute the reference answers differently from the CPU (TF32 matmuls, another order
of summation), and a reference that moves moves every student's grade with it. So references
computed on a GPU are compared, entry by entry, with the same entries computed on the CPU.

What may differ, and by how much, is declared by each assignment's ``references`` module beside
``PRECOMPUTED``; entries are named by their path of keys and indices, ``"l2_model/defaults/
behaviour/called"``, and a declared pattern (``fnmatch``: ``*`` crosses ``/``) covers an entry
and everything inside it:

- ``RANDOM``: patterns of entries Keras draws at random from a seed (dropout masks, losses of
  training through dropout). Each backend and device draws its own, so no second computation
  can confirm them and they are left out of every comparison.
- ``TOLERANCES``: pattern -> :class:`Tolerance`, the tolerance the checks apply when they compare
  a student's value with that entry; the first matching pattern counts. An entry no pattern
  names is compared exactly, as the checks compare such entries (shapes, names, counts, the
  hidden inputs themselves, which numpy draws and Keras never touches).

Nothing here knows any assignment or imports Keras.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fnmatch import fnmatchcase
from types import ModuleType
from typing import Any, Iterator

import numpy as np

from autograder.errors import UserError


@dataclass(frozen=True)
class Tolerance:
    """A check's ``np.isclose(found, wanted, rtol, atol)``: ``|found - wanted| <= atol + rtol * |wanted|``."""

    rtol: float
    atol: float


EXACT = Tolerance(0.0, 0.0)

DEVICE_SHARE = 0.1
"""The share of a check's tolerance that a GPU's reference may differ from the CPU's by.

A check accepts a student's value s when ``|s - r| <= atol + rtol * |r|`` around the reference r,
and an honest student's float32 or float64 work lies well inside that band around the CPU's r:
each inputs module sets its tolerances at several times the float32 rounding its checks can
meet. A GPU reference r' with ``|r' - r|`` at most a tenth of the band shifts the band by a tenth
only, so an honest answer still passes unless it already used nine tenths of the allowance on
the CPU. Float32 reorderings (a GPU sums in another order) move a sum of n terms by a few times
sqrt(n) * 6e-8 relative, inside a tenth of the tightest tolerance here (rtol 1e-5); TF32, which
rounds every operand to a 10-bit mantissa (relative error up to 2**-11, about 5e-4, per
product), exceeds a tenth of even the loosest output tolerance (rtol 1e-4) by far."""


class ReferencesDisagree(UserError):
    """References computed on a GPU differ from the CPU's by more than grading can absorb."""


@dataclass(frozen=True)
class Rules:
    """What an assignment declares about its references (see the module's docstring)."""

    random: tuple[str, ...] = ()
    tolerances: tuple[tuple[str, Tolerance], ...] = ()

    @classmethod
    def of(cls, references: ModuleType) -> Rules:
        return cls(tuple(getattr(references, "RANDOM", ())), tuple(getattr(references, "TOLERANCES", {}).items()))

    def is_random(self, path: str) -> bool:
        return any(_covers(pattern, path) for pattern in self.random)

    def tolerance(self, path: str) -> Tolerance:
        return next((tolerance for pattern, tolerance in self.tolerances if _covers(pattern, path)), EXACT)


def _covers(pattern: str, path: str) -> bool:
    return fnmatchcase(path, pattern) or fnmatchcase(path, f"{pattern}/*")


@dataclass(frozen=True)
class Difference:
    """The worst-placed value of one entry: where, the two values, and how far apart against what is allowed."""

    path: str
    first: str
    second: str
    difference: float
    allowed: float

    @property
    def ratio(self) -> float:
        if self.difference == 0:
            return 0.0
        return self.difference / self.allowed if self.allowed > 0 else math.inf

    @property
    def within(self) -> bool:
        return self.ratio <= 1.0


@dataclass(frozen=True)
class Comparison:
    """Each top-level entry's worst value (None: nothing in it was compared), and how many values were left out as random."""

    entries: dict[str, Difference | None]
    excluded: int

    @property
    def worst(self) -> Difference | None:
        found = [d for d in self.entries.values() if d is not None]
        return max(found, key=lambda d: (d.ratio, d.difference)) if found else None

    @property
    def agrees(self) -> bool:
        return self.worst is None or self.worst.within


_MISSING = object()


def compare(first: dict[str, Any], second: dict[str, Any], rules: Rules, share: float = 1.0) -> Comparison:
    """Every value of ``first`` against ``second`` (whose magnitudes scale ``rtol``), allowed
    ``share`` of the declared tolerance; random entries left out."""
    entries: dict[str, Difference | None] = {}
    excluded = 0
    for name in _keys(first, second):
        worst: Difference | None = None
        for path, a, b in _pairs(first.get(name, _MISSING), second.get(name, _MISSING), name):
            if rules.is_random(path):
                excluded += 1
                continue
            found = _difference(path, a, b, rules.tolerance(path), share)
            if worst is None or (found.ratio, found.difference) > (worst.ratio, worst.difference):
                worst = found
        entries[name] = worst
    return Comparison(entries, excluded)


def _keys(a: dict[Any, Any], b: dict[Any, Any]) -> list[Any]:
    return list(a) + [key for key in b if key not in a]


def _pairs(a: Any, b: Any, path: str) -> Iterator[tuple[str, Any, Any]]:
    """The two trees walked together, down to values (numbers, arrays, strings)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in _keys(a, b):
            yield from _pairs(a.get(key, _MISSING), b.get(key, _MISSING), f"{path}/{key}")
    elif isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b)):
            yield from _pairs(x, y, f"{path}/{index}")
    else:
        yield path, a, b


def _numeric(value: Any) -> bool:
    return isinstance(value, (int, float, np.number, np.bool_)) or (isinstance(value, np.ndarray) and value.dtype.kind in "biuf")


def _difference(path: str, a: Any, b: Any, tolerance: Tolerance, share: float) -> Difference:
    if not (_numeric(a) and _numeric(b)):
        same = a is not _MISSING and b is not _MISSING and type(a) is type(b) and bool(np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b)
        return Difference(path, _shown(a), _shown(b), 0.0 if same else math.inf, 0.0)
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if x.shape != y.shape:
        return Difference(path, f"shape {x.shape}", f"shape {y.shape}", math.inf, 0.0)
    if x.size == 0:
        return Difference(path, "[]", "[]", 0.0, 0.0)
    with np.errstate(invalid="ignore"):
        gap = np.where((x == y) | (np.isnan(x) & np.isnan(y)), 0.0, np.abs(x - y))
    gap = np.where(np.isnan(gap), math.inf, gap)
    allowed = share * (tolerance.atol + tolerance.rtol * np.where(np.isfinite(y), np.abs(y), 0.0))
    ratio = np.where(gap == 0, 0.0, np.divide(gap, allowed, out=np.full_like(gap, math.inf), where=allowed > 0))
    at = np.unravel_index(int(np.lexsort((gap.ravel(), ratio.ravel()))[-1]), x.shape)
    where = f"{path}[{', '.join(map(str, at))}]" if x.ndim else path
    return Difference(where, f"{x[at]:.9g}", f"{y[at]:.9g}", float(gap[at]), float(allowed[at]))


def _shown(value: Any) -> str:
    return "nothing" if value is _MISSING else repr(value)[:80]


def require_agreement(comparison: Comparison, first: str, second: str, assignment: str) -> None:
    """A :class:`ReferencesDisagree` naming the worst value when the comparison does not agree."""
    worst = comparison.worst
    if worst is None or worst.within:
        return
    raise ReferencesDisagree(
        f"{assignment}'s references computed on the {first} differ from the {second}'s at {worst.path} "
        f"({worst.first} against {worst.second}, allowed {worst.allowed:.2g}), so nothing is graded with them; "
        f"`autograder references {assignment}` compares every entry."
    )
