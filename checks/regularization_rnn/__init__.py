"""Hidden checks of `regularization_rnn`: dropout, L2, softmax cross-entropy, RNN data shaping.

Each exercise has one check module (``dropout``, ``l2``, ``softmax_ce``,
``rnn_shaping``); the hidden inputs live in ``inputs``, the Keras reference
answers in ``references``, and the catalogue of known mistakes (with the score
each must get) in ``mistakes.toml``. What each exercise is worth comes from
its test cell in the notebook.
"""
from autograder.assignment import Assignment, Exercise

ASSIGNMENT = Assignment(
    name="regularization_rnn",
    exercises=(
        Exercise(
            "dropout",
            "Inverted dropout",
            ("dropout_mask", "inverted_dropout"),
            lecture='lecture "Regularization and more topics related to training: Deep Learning", slide "Inverted Dropout"',
        ),
        Exercise(
            "l2",
            "L2 regularisation",
            ("l2_penalty", "l2_gradient_term", "sgd_step_l2"),
            lecture='lecture "Regularization and more topics related to training: Deep Learning", slide "L2 Regularization"',
        ),
        Exercise(
            "softmax_ce",
            "Softmax and categorical cross-entropy",
            ("softmax", "softmax_cross_entropy", "softmax_cross_entropy_grad"),
            lecture='lecture "Python with Keras, Regularization", slide "Categorical cross-entropy"',
        ),
        Exercise(
            "rnn_shaping",
            "Shaping a series for an RNN",
            ("make_sequences",),
            lecture='lecture "Deep learning: Regularisation & Sequential modelling", slide "Sequence dataset"',
        ),
    ),
)
