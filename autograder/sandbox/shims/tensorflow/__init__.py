"""``tensorflow`` in a student's world: only ``tensorflow.keras``, which is Keras itself.

Lecture code writes ``from tensorflow.keras import layers`` (Listing 5.13);
the sandbox runs Keras on a fork-safe backend without TensorFlow, so this
module makes that import give the very modules ``from keras import layers``
gives: a student is graded the same either way. Anything else of
TensorFlow is absent, as it would be without TensorFlow installed.
Part of the sandbox runtime's world, never imported by the grader.
"""
import sys

try:
    import keras
except ImportError as missing:
    raise ModuleNotFoundError("No module named 'tensorflow'", name="tensorflow") from missing

SUBMODULES = (
    "activations", "applications", "backend", "callbacks", "config", "constraints", "datasets", "initializers",
    "layers", "losses", "metrics", "mixed_precision", "models", "ops", "optimizers", "preprocessing", "random",
    "regularizers", "saving", "utils",
)

sys.modules[f"{__name__}.keras"] = keras
for _name in SUBMODULES:
    if hasattr(keras, _name):
        sys.modules[f"{__name__}.keras.{_name}"] = getattr(keras, _name)
