"""The inputs of an array exercise: what each parameter is, and cases drawn alike.

A listing only names its free inputs (``n``, ``keep_prob``, ``x``), so what each
one is comes from its name, by the conventions of lecture code: a probability
or a rate is a number in (0, 1); a count or a size is a whole number; anything
else is a float array, as long as the count when there is one. The visible
test gets inputs of ``VISIBLE_SIZE`` with short literals; each hidden case is
drawn by the same rule at another size from a seed of its own, so hidden inputs
are like the visible ones, and the checks and references draw the same.
The instructor sees the kinds before anything is written and may edit them in
the checks' ``inputs.py``.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any, Union

import numpy as np

FRACTIONS = frozenset({"p", "prob", "rate", "dropout", "alpha", "beta", "lam", "lambd", "lambda_", "lr", "learning_rate", "momentum"})
COUNTS = frozenset({"n", "m", "k", "size", "length", "steps", "units", "features", "examples", "timesteps", "batch_size"})
VISIBLE_SIZE = 6
HIDDEN_SIZES = (3, 9, 14)


@dataclass(frozen=True)
class Count:
    """A whole number that sizes the case: the case's size."""


@dataclass(frozen=True)
class Fraction:
    """A number in (0, 1): ``visible`` in the visible test, drawn from [0.2, 0.9] in hidden cases."""

    visible: float = 0.8


@dataclass(frozen=True)
class Floats:
    """A float array whose dimensions are Count parameters' names or fixed lengths."""

    shape: tuple[Union[str, int], ...]


Kind = Union[Count, Fraction, Floats]


def kind_of(name: str, counts: list[str]) -> Kind:
    if name in FRACTIONS or name.endswith(("_prob", "_rate", "prob")):
        return Fraction()
    if name in COUNTS or name.startswith(("n_", "num_")) or name.endswith(("_dim", "_size", "_len", "_length")):
        return Count()
    return Floats(tuple(counts[:2]) if counts else (4, 5))


def kinds(names: tuple[str, ...]) -> dict[str, Kind]:
    """What each parameter is, by its name."""
    counts = [name for name in names if isinstance(kind_of(name, []), Count)]
    return {name: kind_of(name, counts) for name in names}


def describe(kind: Kind) -> str:
    if isinstance(kind, Count):
        return "a whole number (the case's size)"
    if isinstance(kind, Fraction):
        return "a number in (0, 1)"
    return f"a float array of shape ({', '.join(map(str, kind.shape))}{',' if len(kind.shape) == 1 else ''})"


def generator(key: str) -> np.random.Generator:
    return np.random.default_rng([20261205, zlib.crc32(key.encode())])


def draw(parameters: dict[str, Kind], size: int, rng: np.random.Generator, visible: bool = False) -> dict[str, Any]:
    """One case: each parameter drawn by its kind at ``size``; the visible case's numbers kept short."""
    case: dict[str, Any] = {}
    for name, kind in parameters.items():
        if isinstance(kind, Count):
            case[name] = size
        elif isinstance(kind, Fraction):
            case[name] = kind.visible if visible else round(float(rng.uniform(0.2, 0.9)), 3)
        else:
            shape = tuple(size if isinstance(d, str) else d for d in kind.shape)
            values = rng.normal(size=shape)
            case[name] = values.round(2) if visible else values
    return case


def visible_case(parameters: dict[str, Kind]) -> dict[str, Any]:
    return draw(parameters, VISIBLE_SIZE, generator("visible"), visible=True)


def hidden_cases(function: str, parameters: dict[str, Kind]) -> dict[str, dict[str, Any]]:
    """The hidden cases of ``function``: one per size of ``HIDDEN_SIZES``, each from its own seed."""
    return {f"size_{size}": draw(parameters, size, generator(f"{function}/{size}")) for size in HIDDEN_SIZES}
