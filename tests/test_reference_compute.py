"""References computed in a fresh interpreter on each Keras backend: torch's, on a machine
where TensorFlow cannot be imported (as on many GPU machines), agree with TensorFlow's within
the checks' own tolerances."""
from __future__ import annotations

import importlib.util
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from autograder.assignment import available_assignments
from autograder.course import Course
from autograder.reference_agreement import Rules, compare
from autograder.reference_compute import ComputationFailed, Computed, compute_in_fresh_process, references_module

COURSE = Course(Path(__file__).resolve().parents[1])
NAMES = available_assignments(COURSE)


def without_tensorflow(folder: Path) -> dict[str, str]:
    """An environment in which ``import tensorflow`` fails, as where it is not installed."""
    (folder / "tensorflow").mkdir()
    (folder / "tensorflow" / "__init__.py").write_text('raise ImportError("TensorFlow is not installed here")\n')
    return {"PYTHONPATH": os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")])}


@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="TensorFlow is not installed on this machine")
@pytest.mark.e2e
def test_every_assignment_gets_the_same_references_on_torch_without_tensorflow(tmp_path):
    def on(backend: str) -> dict[str, Computed]:
        return compute_in_fresh_process(COURSE, NAMES, backend, "cpu", without_tensorflow(tmp_path) if backend == "torch" else None)

    with ThreadPoolExecutor(2) as pool:  # two interpreters side by side: each is mostly its own Keras import
        torch, tensorflow = pool.map(on, ("torch", "tensorflow"))
    for name in NAMES:
        assert (torch[name].placement.backend, tensorflow[name].placement.backend) == ("torch", "tensorflow")
        assert torch[name].placement.device == "cpu"
        comparison = compare(torch[name].values, tensorflow[name].values, Rules.of(references_module(COURSE, name)))
        worst = comparison.worst
        assert comparison.agrees, f"{name}: {worst.path} is {worst.first} on torch, {worst.second} on tensorflow"
        assert set(comparison.entries) == set(tensorflow[name].values)


def test_a_failed_computation_is_one_sentence_with_its_cause(tmp_path):
    with pytest.raises(ComputationFailed, match=r"^Computing nothing_here references with Keras torch on the cpu in a fresh process failed: .*No module named"):
        compute_in_fresh_process(COURSE, ["nothing_here"], "torch", "cpu")
