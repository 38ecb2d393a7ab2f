"""Reference solution of `regularization_rnn`.

Each section between the ``# exercise: NAME`` markers is exactly the code of
that exercise's solution cell in the source notebook (a test proves it).
"""
import numpy as np

# exercise: dropout
def dropout_mask(shape, keep_prob, rng):
    """Boolean mask: True (keep) with probability keep_prob, independently per entry."""
    return rng.random(shape) < keep_prob


def inverted_dropout(x, keep_prob, rng, training=True):
    """Inverted dropout: drop, then rescale by 1/keep_prob so the expected output equals x."""
    if not 0 < keep_prob <= 1:
        raise ValueError(f"keep_prob must lie in (0, 1], got {keep_prob}")
    x = np.asarray(x)
    if not training:
        return x.copy(), np.ones(x.shape, dtype=bool)
    mask = dropout_mask(x.shape, keep_prob, rng)
    return x * mask / keep_prob, mask
# end exercise

# exercise: l2
def l2_penalty(weights, lam):
    """What keras.regularizers.L2(lam) adds to the loss: lam * sum of squared kernel entries."""
    if lam < 0:
        raise ValueError(f"lam must be >= 0, got {lam}")
    return float(lam * sum(np.sum(np.square(W)) for W in weights))


def l2_gradient_term(W, lam):
    """The gradient of lam * sum(W**2) with respect to W."""
    if lam < 0:
        raise ValueError(f"lam must be >= 0, got {lam}")
    return 2 * lam * np.asarray(W)


def sgd_step_l2(W, dW, lam, lr):
    """One gradient-descent step on the regularised cost; W itself is left as it was."""
    return W - lr * (dW + l2_gradient_term(W, lam))
# end exercise

# exercise: softmax_ce
def softmax(z):
    """Row-wise softmax; subtracting the row maximum keeps exp from overflowing."""
    z = np.asarray(z, dtype=float)
    shifted = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_cross_entropy(logits, y_onehot):
    """Mean over the batch of -sum_j y_j log softmax(logits)_j, via log-sum-exp."""
    z = np.asarray(logits, dtype=float)
    shifted = z - np.max(z, axis=-1, keepdims=True)
    log_softmax = shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
    return float(np.mean(-np.sum(y_onehot * log_softmax, axis=-1)))


def softmax_cross_entropy_grad(logits, y_onehot):
    """Gradient of the mean cross-entropy with respect to the logits."""
    z = np.asarray(logits, dtype=float)
    return (softmax(z) - y_onehot) / z.shape[0]
# end exercise

# exercise: rnn_shaping
def make_sequences(series, sequence_length):
    """Windows of `sequence_length` steps, each with the step that follows it as target."""
    series = np.asarray(series)
    if series.ndim == 1:
        series = series[:, None]
    timesteps = series.shape[0]
    if not 1 <= sequence_length < timesteps:
        raise ValueError(f"sequence_length must lie in [1, {timesteps - 1}], got {sequence_length}")
    examples = timesteps - sequence_length
    X = np.stack([series[i : i + sequence_length] for i in range(examples)])
    y = series[sequence_length:].copy()
    return X, y
# end exercise
