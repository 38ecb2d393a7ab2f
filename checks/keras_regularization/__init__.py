"""Hidden checks of `keras_regularization`: students build Keras models, graded against reference models.

One check module per exercise (``vectorize``, ``l2_model``, ``dropout_model``,
``early_stopping``, ``forecaster``); ``models`` judges a model from the sandbox probes'
reports, ``inputs`` holds the hidden inputs and tolerances, ``references`` the reference
models and what they compute, ``mistakes.toml`` the known mistakes.

The sandbox preloads Keras on its torch backend (one thread, imported once per worker, then
forked per student: TensorFlow and JAX are not fork-safe); ``tensorflow.keras`` there is Keras
itself (``autograder/families/keras/shims``), so lecture code that imports it runs unchanged;
the model probes (``autograder/families/keras/probes``) answer the checks' questions there.
"""
from autograder.assignment import Assignment, Exercise
from autograder.families.keras import KERAS_RUNTIME

ASSIGNMENT = Assignment(
    name="keras_regularization",
    exercises=(
        Exercise("vectorize", "Multi-hot vectors", ("vectorize_sequences",),
                 lecture='lecture "Python with Keras, Regularization", slide "Data Wrangling"'),
        Exercise("l2_model", "L2 weight regularisation in Keras", ("build_l2_model",),
                 lecture='lecture "Intro to Neural Nets: Session 4: Model Fitting", slide "Regularizing Weights Means Less Entropy"'),
        Exercise("dropout_model", "Dropout layers in Keras", ("build_dropout_model",),
                 lecture='lecture "Python with Keras, Regularization", slide "Regularization: adding dropout"'),
        Exercise("early_stopping", "Early stopping", ("early_stopping_epochs",),
                 lecture='lecture "Social Data Science: Text Data and Deep Learning: Week 4", slide "Early stopping"'),
        Exercise("forecaster", "A recurrent forecaster", ("build_forecaster",),
                 lecture='lecture "Deep learning: Regularisation & Sequential modelling", slide "Recurrent Network Data"'),
    ),
    runtime=KERAS_RUNTIME,
)
