"""Which device reference Keras work runs on, decided before Keras is imported."""
from __future__ import annotations

import os

from autograder.errors import UserError


class DeviceUnavailable(UserError):
    """``--device gpu`` on a machine whose Keras backend sees no GPU."""


def prepare_environment(device: str) -> None:
    """Set what must be set before the first ``import keras``."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    if device == "cpu":
        os.environ["CUDA_VISIBLE_DEVICES"] = "-1"
        os.environ["JAX_PLATFORMS"] = "cpu"


def backend_gpu_count() -> int:
    """GPUs the configured Keras backend sees; imports only that backend."""
    import keras

    backend = keras.config.backend()
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


def resolve(device: str) -> str:
    """'cpu' or 'gpu' for a requested 'auto', 'cpu' or 'gpu'."""
    prepare_environment(device)
    if device == "cpu":
        return "cpu"
    gpus = backend_gpu_count()
    if device == "gpu" and gpus == 0:
        raise DeviceUnavailable("--device gpu was asked for, but the Keras backend sees no GPU on this machine.")
    return "gpu" if gpus else "cpu"
