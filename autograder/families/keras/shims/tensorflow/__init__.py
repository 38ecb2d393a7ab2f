"""``tensorflow`` in a student's world: only ``tensorflow.keras``, which is Keras itself.

Lecture code writes ``from tensorflow.keras import layers`` (Listing 5.13);
the sandbox runs Keras on a fork-safe backend without TensorFlow, so this
module makes that import give the very modules ``from keras import layers``
gives: a student is graded the same either way. Anything else of
TensorFlow is absent, as it would be without TensorFlow installed.
An assignment that offers it preloads it (`preload` names "tensorflow"), so Keras learns there is no
TensorFlow before any student code runs. Part of the sandbox runtime's world, never imported by the grader.
"""
import sys

try:
    import keras
    import keras.src.utils.module_utils
except ImportError as missing:
    raise ModuleNotFoundError("No module named 'tensorflow'", name="tensorflow") from missing

SUBMODULES = (
    "activations", "applications", "backend", "callbacks", "config", "constraints", "datasets", "initializers",
    "layers", "losses", "metrics", "mixed_precision", "models", "ops", "optimizers", "preprocessing", "random",
    "regularizers", "saving", "utils",
)

# Keras itself looks for TensorFlow: while a module named tensorflow is loaded it asks it whether it
# runs eagerly, and wherever `tf.available` holds it calls TensorFlow's own API (tf.random,
# tf.TensorShape). The answers TensorFlow-less Keras would get: eager, and not available. (Its
# lazy handle may be asking right now, having imported this module: a class whose `available`
# is always False wins over the True it is about to record.)
_handle = keras.src.utils.module_utils.tensorflow


class _Absent(type(_handle)):
    available = property(lambda self: False)


_handle.__class__ = _Absent


def executing_eagerly() -> bool:
    return True


sys.modules[f"{__name__}.keras"] = keras
for _name in SUBMODULES:
    if hasattr(keras, _name):
        sys.modules[f"{__name__}.keras.{_name}"] = getattr(keras, _name)
