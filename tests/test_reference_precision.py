"""Reference work runs at full float32 precision on every backend: each library's own query of
its setting says so once :mod:`autograder.device` has set it."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

from autograder import device

ROOT = Path(__file__).resolve().parents[1]


def run_python(code: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """Code in a fresh interpreter: a backend that starts there leaves this process as it was."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]), **environment}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True, timeout=300)


def needs(module: str, reason: str) -> None:
    """Skip unless ``module`` is installed, without importing it here."""
    if importlib.util.find_spec(module) is None:
        pytest.skip(reason)


def test_environment_asks_for_full_precision_before_any_backend_starts(monkeypatch):
    for name in ("JAX_DEFAULT_MATMUL_PRECISION", "NVIDIA_TF32_OVERRIDE", "CUDA_VISIBLE_DEVICES", "JAX_PLATFORMS"):
        monkeypatch.delenv(name, raising=False)
    device.prepare_environment("auto")
    assert os.environ["JAX_DEFAULT_MATMUL_PRECISION"] == "highest"
    assert os.environ["NVIDIA_TF32_OVERRIDE"] == "0"
    assert "CUDA_VISIBLE_DEVICES" not in os.environ


class FakeJaxConfig:
    """jax.config as far as reference work uses it: update(name, value), then read the option back."""

    def __init__(self) -> None:
        self.jax_default_matmul_precision = None

    def update(self, name: str, value: str) -> None:
        assert hasattr(self, name), f"no JAX option {name}"
        setattr(self, name, value)


def test_jax_matmul_precision_is_highest_through_a_fake_module(monkeypatch):
    fake = types.ModuleType("jax")
    fake.config = FakeJaxConfig()
    monkeypatch.setitem(sys.modules, "jax", fake)
    report = device.full_precision("jax")
    assert fake.config.jax_default_matmul_precision == "highest"
    assert report == "jax_default_matmul_precision=highest"


def test_jax_matmul_precision_is_highest_in_real_jax():
    needs("jax", "JAX is not installed on this machine; the fake-module test covers the call")
    done = run_python("""
        from autograder.device import full_precision
        import jax
        print(full_precision("jax"))
        assert jax.config.jax_default_matmul_precision == "highest", jax.config.jax_default_matmul_precision
    """)
    assert done.returncode == 0, done.stderr


def test_torch_matmuls_and_convolutions_have_tf32_off():
    done = run_python("""
        import torch
        assert torch.backends.cudnn.allow_tf32, "torch's default lets cuDNN use TF32: nothing to prove otherwise"
        from autograder.device import full_precision
        print(full_precision("torch"))
        assert torch.get_float32_matmul_precision() == "highest"
        assert torch.backends.cuda.matmul.allow_tf32 is False
        assert torch.backends.cudnn.allow_tf32 is False
    """)
    assert done.returncode == 0, done.stderr
    assert "float32_matmul_precision=highest" in done.stdout


def test_tensorflow_tf32_execution_is_off():
    needs("tensorflow", "TensorFlow is not installed on this machine")
    done = run_python("""
        import tensorflow as tf
        assert tf.config.experimental.tensor_float_32_execution_enabled(), "TF's default is TF32 on"
        from autograder.device import full_precision
        print(full_precision("tensorflow"))
        assert not tf.config.experimental.tensor_float_32_execution_enabled()
    """, TF_CPP_MIN_LOG_LEVEL="3")
    assert done.returncode == 0, done.stderr
    assert "tensor_float_32_execution_enabled=False" in done.stdout


def test_resolving_a_device_sets_precision_before_keras_computes_anything():
    done = run_python("""
        from autograder.device import DeviceUnavailable, resolve
        placement = resolve("cpu")
        print(placement)
        import torch
        assert placement.device == "cpu" and placement.backend == "torch"
        assert torch.get_float32_matmul_precision() == "highest" and "highest" in placement.precision
        try:
            resolve("gpu")
        except DeviceUnavailable as error:
            print(error)
        else:
            raise AssertionError("a GPU was found on a machine said to have none")
    """, KERAS_BACKEND="torch")
    assert done.returncode == 0, done.stderr
