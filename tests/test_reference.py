"""KerasReferences with a fake computer: GPU references are graded with only once the CPU
agrees, and the cache says where its values came from."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from autograder.assignment import Assignment
from autograder.device import DeviceUnavailable, Placement
from autograder.reference import KerasReferences, Provenance
from autograder.reference_agreement import ReferencesDisagree
from autograder.sandbox.wire import to_bytes
from tf32_rounding import tf32

ASSIGNMENT = Assignment("regularization_rnn", exercises=())
"""A real references module (its RANDOM and TOLERANCES), with values from the fakes below."""

SOFTMAX = np.array([[0.1, 0.2, 0.7], [0.3, 0.3, 0.4]])


def values(softmax: np.ndarray = SOFTMAX, masks: float = 1.25) -> dict[str, Any]:
    return {"dropout_value_sets": {"0.8": np.array([0.0, masks])}, "softmax": {"moderate": {"softmax": softmax}}}


class FakeComputer:
    """A 'GPU' that returns ``here`` and a CPU that returns ``cpu``; counts what was computed."""

    def __init__(self, device: str, here: dict[str, Any], cpu: dict[str, Any] | None = None) -> None:
        self.device, self.here, self.cpu = device, here, cpu
        self.computed: list[str] = []

    def place(self, device: str) -> Placement:
        if device == "gpu" and self.device != "gpu":
            raise DeviceUnavailable("no GPU here.")
        return Placement(self.device, "torch", "float32_matmul_precision=highest")

    def compute(self) -> dict[str, Any]:
        self.computed.append(self.device)
        return self.here

    def compute_on_cpu(self, backend: str) -> dict[str, Any]:
        self.computed.append("cpu check")
        assert self.cpu is not None, "the CPU was not to be asked"
        return self.cpu


def references(tmp_path: Path, computer: FakeComputer, device: str = "auto") -> KerasReferences:
    return KerasReferences(ASSIGNMENT, device=device, cache_dir=tmp_path, computer=computer)


def test_gpu_references_rounded_as_tf32_are_refused_and_not_cached(tmp_path):
    gpu = FakeComputer("gpu", values(tf32(SOFTMAX).astype(np.float64)), values())
    with pytest.raises(ReferencesDisagree, match=r"softmax/moderate/softmax\[\d, \d\]"):
        references(tmp_path, gpu).warm()
    assert gpu.computed == ["gpu", "cpu check"]
    assert not list(tmp_path.iterdir())


def test_gpu_references_the_cpu_agrees_with_are_used_and_cached_as_verified(tmp_path):
    gpu = FakeComputer("gpu", values(SOFTMAX + 1e-9, masks=1.25), values(masks=1.2500001))  # value sets are random: not compared
    found = references(tmp_path, gpu)
    assert np.array_equal(found["softmax"]["moderate"]["softmax"], SOFTMAX + 1e-9)
    assert found.provenance.verified and found.provenance.device == "gpu"
    assert "checked against the CPU" in found.describe()

    again = references(tmp_path, FakeComputer("cpu", {}))
    assert np.array_equal(again["softmax"]["moderate"]["softmax"], SOFTMAX + 1e-9)
    assert again.provenance == found.provenance
    assert "computed by Keras torch backend on gpu" in again.describe()


def test_cpu_references_are_not_checked_again(tmp_path):
    cpu = FakeComputer("cpu", values())
    found = references(tmp_path, cpu)
    found.warm()
    assert cpu.computed == ["cpu"]
    assert found.provenance == Provenance("cpu", "torch", "float32_matmul_precision=highest")


def test_an_unverified_gpu_cache_is_never_used(tmp_path):
    first = references(tmp_path, FakeComputer("cpu", values()))
    first.warm()
    (cache,) = tmp_path.iterdir()
    unverified = Provenance("gpu", "torch", "float32_matmul_precision=highest", verified=False)
    cache.write_bytes(to_bytes({"provenance": vars(unverified), "values": values(SOFTMAX * 2)}))
    cpu = FakeComputer("cpu", values())
    found = references(tmp_path, cpu)
    assert np.array_equal(found["softmax"]["moderate"]["softmax"], SOFTMAX)
    assert cpu.computed == ["cpu"]


def test_a_cache_of_the_old_layout_is_not_read(tmp_path):
    first = references(tmp_path, FakeComputer("cpu", values()))
    first.warm()
    (cache,) = tmp_path.iterdir()
    cache.write_bytes(to_bytes(values(SOFTMAX * 2)))
    cpu = FakeComputer("cpu", values())
    assert np.array_equal(references(tmp_path, cpu)["softmax"]["moderate"]["softmax"], SOFTMAX)
    assert cpu.computed == ["cpu"]


def test_gpu_asked_for_without_one_is_refused_even_with_a_cache(tmp_path):
    references(tmp_path, FakeComputer("cpu", values())).warm()
    with pytest.raises(DeviceUnavailable):
        references(tmp_path, FakeComputer("cpu", values()), device="gpu").warm()
