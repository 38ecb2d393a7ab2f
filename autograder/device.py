"""Which device reference Keras work runs on, and at what float32 precision, decided before
Keras computes anything.

Ampere and later NVIDIA GPUs multiply float32 matrices in TF32 (10-bit mantissas) unless
told not to: JAX does so by default, TensorFlow does, and torch does for convolutions.
References computed that way differ from the CPU's by more than the checks allow, so
reference work always runs with every backend's reduced-precision matmuls turned off.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from autograder.errors import UserError


class DeviceUnavailable(UserError):
    """``--device gpu`` on a machine whose Keras backend sees no GPU."""


@dataclass(frozen=True)
class Placement:
    """Where reference work ran: recorded with the cached references it produced."""

    device: str
    """'cpu' or 'gpu'."""
    backend: str
    precision: str
    """The backend's own report of its float32 matmul setting, read back after setting it."""

    def describe(self) -> str:
        return f"Keras {self.backend} backend on {self.device} ({self.precision})"


def prepare_environment(device: str) -> None:
    """Set what must be set before the first ``import keras``: JAX reads its matmul
    precision from the environment when it starts, and NVIDIA's libraries read
    ``NVIDIA_TF32_OVERRIDE=0`` as "no TF32" whatever a framework asks (cuDNN documents it)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ["JAX_DEFAULT_MATMUL_PRECISION"] = "highest"
    os.environ["NVIDIA_TF32_OVERRIDE"] = "0"
    if device == "cpu":
        os.environ["CUDA_VISIBLE_DEVICES"] = "-1"
        os.environ["JAX_PLATFORMS"] = "cpu"


def full_precision(backend: str) -> str:
    """Turn off TF32 and other reduced-precision float32 matmuls and convolutions of
    ``backend``; return the library's own report of the setting afterwards."""
    if backend == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_tensor_float_32_execution(False)
        return f"tensor_float_32_execution_enabled={tf.config.experimental.tensor_float_32_execution_enabled()}"
    if backend == "jax":
        import jax

        jax.config.update("jax_default_matmul_precision", "highest")
        return f"jax_default_matmul_precision={jax.config.jax_default_matmul_precision}"
    if backend == "torch":
        import torch

        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        torch.set_float32_matmul_precision("highest")
        return (f"float32_matmul_precision={torch.get_float32_matmul_precision()}, "
                f"cuda.matmul.allow_tf32={torch.backends.cuda.matmul.allow_tf32}, cudnn.allow_tf32={torch.backends.cudnn.allow_tf32}")
    return f"no reduced-precision setting in the {backend} backend"


def backend_gpu_count(backend: str) -> int:
    """GPUs the Keras backend sees; imports only that backend."""
    if backend == "tensorflow":
        import tensorflow as tf

        return len(tf.config.list_physical_devices("GPU"))
    if backend == "jax":
        import jax

        return sum(1 for d in jax.devices() if d.platform == "gpu")
    if backend == "torch":
        import torch

        return torch.cuda.device_count()
    return 0


def resolve(device: str) -> Placement:
    """Where reference work runs for a requested 'auto', 'cpu' or 'gpu', with full float32
    precision set on the backend before any Keras computation."""
    prepare_environment(device)
    import keras

    backend = keras.config.backend()
    precision = full_precision(backend)
    gpus = 0 if device == "cpu" else backend_gpu_count(backend)
    if device == "gpu" and gpus == 0:
        raise DeviceUnavailable(f"--device gpu was asked for, but the Keras {backend} backend sees no GPU on this machine.")
    return Placement("gpu" if gpus else "cpu", backend, precision)
