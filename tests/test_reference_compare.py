"""``autograder references``: a machine without a GPU is told so in one sentence; two CPU
computations compared show every entry agreeing."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from autograder.assignment import Assignment
from autograder.device import Placement
from autograder.reference_compare import compare_devices

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = Assignment("regularization_rnn", exercises=())


def autograder(*arguments: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "autograder.cli", *arguments], env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.skipif(Path("/dev/nvidia0").exists(), reason="this machine has an NVIDIA GPU")
def test_without_a_gpu_the_command_says_so_in_one_sentence_and_exits_2():
    done = autograder("references", "regularization_rnn")
    assert done.returncode == 2
    message = done.stderr.strip()
    assert message.startswith("autograder: ") and "sees no GPU" in message and "--cpu-twice" in message
    assert "\n" not in message and "Traceback" not in message


@pytest.mark.e2e
def test_two_cpu_computations_agree_on_every_entry():
    done = autograder("references", "regularization_rnn", "--cpu-twice")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("regularization_rnn: Keras ") and "on cpu" in lines[0]
    assert any(line.split() == ["dropout_value_sets", "random:", "not", "compared"] for line in lines)
    assert lines[-1].endswith("agree")


class Disagreeing:
    """A GPU whose softmax is off in its fourth digit."""

    def place(self, device: str) -> Placement:
        return Placement("gpu", "jax", "jax_default_matmul_precision=highest")

    def compute(self) -> dict[str, Any]:
        return {"softmax": {"moderate": {"softmax": np.array([0.2001, 0.7999])}}}

    def compute_on_cpu(self, backend: str) -> dict[str, Any]:
        return {"softmax": {"moderate": {"softmax": np.array([0.2, 0.8])}}}


def test_a_disagreement_is_shown_with_its_entry_and_values():
    result = compare_devices(ASSIGNMENT, cpu_twice=False, computer=Disagreeing())
    assert not result.comparison.agrees
    lines = result.lines()
    assert "on gpu" in lines[0]
    assert "softmax/moderate/softmax[0] (0.2001 against 0.2)" in lines[1]
    assert lines[-1].endswith("DISAGREE: grading would refuse these references")
