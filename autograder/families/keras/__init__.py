"""Exercises whose answers are Keras models: the student's world that runs them and the probes
that question a model where it lives, in the student's process."""
from autograder.sandbox.settings import StudentRuntime

KERAS_RUNTIME = StudentRuntime(
    packages=("numpy", "keras", "torch", "matplotlib", "pandas"),
    preload=("numpy", "numpy.random", "numpy.linalg", "keras", "tensorflow"),
    environment=(("KERAS_BACKEND", "torch"),),
    probes=("autograder.families.keras.probes",),
    shims=("autograder.families.keras.shims",),
)
"""Keras on its torch backend, preloaded once per worker (one thread; TensorFlow and JAX are not
fork-safe), ``tensorflow.keras`` served by the shim, models questioned by the probes."""
