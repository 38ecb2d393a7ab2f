"""Every mutation operator by name, in the order they are tried at a site.

The specific come before the general: where two operators make the same
change (``axis=-1`` to ``axis=0`` is also a changed number), the mutant
counts for the one that names the mistake better. ``generate`` takes any
sequence of these, so a caller can leave some out.
"""
from __future__ import annotations

from autograder.mutants import keras_operators as keras
from autograder.mutants import numpy_operators as numpy
from autograder.mutants import syntax_operators as syntax
from autograder.mutants.sites import Operator

OPERATORS: tuple[Operator, ...] = (
    Operator("activation", "a Keras activation swapped, or one given to a layer that is linear by default", keras.activations),
    Operator("optimizer", "a Keras optimizer swapped (rmsprop, adam, sgd)", keras.optimizers),
    Operator("loss", "a Keras loss swapped (binary and categorical cross-entropy, mse, mae)", keras.losses),
    Operator("regularizer", "L1 for L2 and the like, or the regulariser on the wrong weights", keras.regularizers),
    Operator("layer_dropped", "a layer left out of the model", keras.layers),
    Operator("layer_order", "two neighbouring layers in the wrong order", keras.layer_order),
    Operator("layer_swapped", "another recurrent layer (SimpleRNN, LSTM, GRU)", keras.recurrent),
    Operator("compile_dropped", "the model never compiled", keras.compile_dropped),
    Operator("axis", "another axis (0, 1, -1)", numpy.axes),
    Operator("copy_removed", "a copy left out: the caller's array comes back", numpy.copies),
    Operator("conversion_removed", "np.asarray, np.array, float or astype left out", numpy.conversions),
    Operator("reduction", "a mean for a sum, a minimum for a maximum", numpy.reductions),
    Operator("norm", "absolute values for squares (L1 for L2)", numpy.norms),
    Operator("global_random", "NumPy's global random state for the generator passed in", numpy.global_random),
    Operator("in_place", "an update of a parameter in place instead of a new array", numpy.in_place),
    Operator("check_dropped", "a check of the arguments that raises, left out", syntax.checks),
    Operator("condition_negated", "a condition the wrong way round", syntax.conditions),
    Operator("keyword_dropped", "a keyword argument left out", syntax.keywords),
    Operator("argument_ignored", "an argument of the function ignored for its default (or 1)", syntax.arguments),
    Operator("comparison", "a comparison changed (< for <=, < for >, == for !=)", syntax.comparisons),
    Operator("arithmetic", "an arithmetic operator changed (+ for -, * for /, * for **)", syntax.arithmetic),
    Operator("sign", "a minus sign left out", syntax.signs),
    Operator("operand_dropped", "a term of an operation left out", syntax.operands),
    Operator("off_by_one", "a slice bound or range argument off by one", syntax.bounds),
    Operator("boolean", "True for False and the reverse", syntax.booleans),
    Operator("number", "a number changed (integers +1, -1, x2; floats x10, /10; 0 and 1 swapped)", syntax.numbers),
)
