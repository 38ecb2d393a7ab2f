"""Build the source notebook of `regularization_rnn` from solutions/regularization_rnn.py.

The solution cells are copied, character for character, from the sections
between the ``# exercise: NAME`` and ``# end exercise`` markers of the
reference solution, so the notebook and the reference cannot drift apart
(tests/test_notebook.py proves it).  Run from anywhere:

    .venv/bin/python tools/build_notebook.py          # write the notebook
    .venv/bin/python tools/build_notebook.py --check  # exit 1 if it is stale

The output is deterministic: fixed cell ids, no outputs, sorted JSON keys.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
NAME = "regularization_rnn"
SOLUTION = ROOT / "solutions" / f"{NAME}.py"
NOTEBOOK = ROOT / "assignments" / NAME / f"{NAME}.ipynb"
EXERCISES = ("dropout", "l2", "softmax_ce", "rnn_shaping")
POINTS = 2

_SECTION = re.compile(r"^# exercise: (?P<name>\w+)\n(?P<code>.*?)\n# end exercise$", re.M | re.S)


def solution_sections(path: Path = SOLUTION) -> dict[str, str]:
    """``{exercise: code}``: the text between each pair of marker lines, markers excluded."""
    return {m["name"]: m["code"] for m in _SECTION.finditer(path.read_text())}


def _meta(grade_id: str, *, solution: bool = False, grade: bool = False, locked: bool = False) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution, "task": False}
    if grade:
        meta["points"] = POINTS
    return {"nbgrader": meta}


def md(cell_id: str, text: str):
    cell = new_markdown_cell(text.strip("\n"))
    cell.id = cell_id
    return cell


def code(cell_id: str, text: str, metadata: dict | None = None):
    cell = new_code_cell(text.strip("\n"), metadata=metadata or {})
    cell.id = cell_id
    return cell


INTRO = """
# Regularization and sequence data, in NumPy

In this assignment you write, with nothing but NumPy, the small pieces that
Keras does for you when you add `Dropout`, a `kernel_regularizer`, a
`softmax` output with `categorical_crossentropy`, or feed a recurrent layer:

1. **Inverted dropout** (2 points)
2. **L2 weight regularization** (2 points)
3. **Softmax and categorical cross-entropy** (2 points)
4. **Shaping a time series for a recurrent network** (2 points)

**How to work.** Each exercise has one cell that reads
`# YOUR CODE HERE` / `raise NotImplementedError()`: delete those two lines and
write the functions named in the exercise there, with exactly the names and
arguments given. Then run the test cell below it. The visible tests are only
sanity checks; the grader runs more (hidden) tests on your functions, each
exercise scored 0, 1 or 2.

* Run the notebook from the top (*Kernel → Restart & Run All*) before you submit.
* Use NumPy only (no TensorFlow or Keras in your answers); `np` is imported
  in the first cell. Do not rename the functions, and do not edit the test cells.
* Where a function receives a random generator `rng`
  (a `numpy.random.Generator`, e.g. `np.random.default_rng(0)`), draw your
  random numbers from it, not from `np.random`.

Each exercise names the lecture notes it comes from (the files in the course's
`lectures/` folder) and the slide titles.
"""

DROPOUT_MD = """
## Exercise 1: Inverted dropout (2 points)

*Lecture `003_ab2276fd2fad6cef.txt`, slides "Dropout", "Inside a Dropout Layer",
"Dropout Example" and "Inverted Dropout".*

Dropout removes a random subset of units on every training step, so that no
unit can rely on a few particular inputs (the lecture's intuition: it is like
training many smaller networks and averaging them, with an effect similar to
L2 regularization). Inside a dropout layer the slide builds a new random mask
on each forward pass:

```
mask = np.random.rand(n) < keep_prob
d = x * mask
```

`keep_prob` is the probability of **keeping** a unit (of NOT dropping it):
each entry of `np.random.rand` is uniform on $[0, 1)$, so it is below
`keep_prob` with probability `keep_prob`. The "Dropout Example" slide shows
that with `keep_prob = 0.6` not exactly 60% survive each time, but 60% on average.

At prediction time the output must not be random. **Inverted dropout** moves
the correction to training time: divide the kept values by `keep_prob`,

$$d = \\frac{x \\odot m}{p}, \\qquad
E[d_i] = p \\cdot \\frac{x_i}{p} + (1 - p) \\cdot 0 = x_i,$$

where $m$ is the mask and $p$ is `keep_prob`. So at prediction time the layer simply passes its input on (`d = x`).
This is what `keras.layers.Dropout(rate)` does, with `rate = 1 - keep_prob`.

**Write** (in the solution cell below):

* `dropout_mask(shape, keep_prob, rng)`: a **boolean** NumPy array of the
  given `shape`, `True` (keep) with probability `keep_prob`, independently per
  entry. Draw it the lecture's way but from the generator you are given:
  uniform numbers from `rng.random(shape)`, compared with `keep_prob`.
* `inverted_dropout(x, keep_prob, rng, training=True)`: returns a pair
  `(out, mask)`.
  * With `training=True`: `mask` comes from `dropout_mask(x.shape, keep_prob, rng)`
    (one call), and `out` is `x` times the mask divided by `keep_prob`.
  * With `training=False`: `out` is a copy of `x` and `mask` is all `True`
    (nothing is dropped, nothing is drawn).
  * `x` may be a list or an array of any shape; never modify `x` itself.
  * Raise `ValueError` when `keep_prob` is not in $(0, 1]$.
"""

L2_MD = """
## Exercise 2: L2 weight regularization (2 points)

*Lecture `003_ab2276fd2fad6cef.txt`, slides "L2 Regularization" and
"Other Cost Function Regularizers"; lecture `002_68feca35d645f180.txt`,
slide "Listing 5.13" (Adding L2 weight regularization to the model).*

L2 regularization adds to the cost a term that grows with the size of the weights:

$$J = \\frac{1}{m} \\sum_{j=1}^{m} L(\\hat{y}, y) + \\lambda \\sum w^2 .$$

The two terms compete: the loss term wants weights that fit the data, the
regularization term (minimal when all weights are 0) wants small weights, and
the hyperparameter $\\lambda$ sets the balance ($\\lambda = 0$: no
regularization). Small, spread-out weights keep a few weights from dominating
a unit's output, which reduces overfitting. Bias parameters are usually not
regularized.

In Keras (Listing 5.13) this is `kernel_regularizer=regularizers.l2(0.002)`.
**Keras's convention:** `keras.regularizers.L2(lam)` adds
`lam * sum(W**2)` to the loss for each regularized kernel `W`: no factor
$\\frac12$, and not divided by the number of examples. Other texts scale
differently: lecture `004_818fa62321bb76fc.txt` (slide "L2 Regularisation")
writes the term as $\\frac{\\lambda}{2n} \\sum_j w_j^2$; that is the same
penalty with Keras's `lam` $= \\lambda / (2n)$.

Differentiating $\\lambda \\sum w^2$ with respect to a weight gives
$2 \\lambda w$, so one gradient-descent step with learning rate `lr` on the
regularized cost is

$$W \\leftarrow W - \\text{lr} \\, (dW + 2 \\lambda W) = (1 - 2\\,\\text{lr}\\,\\lambda) \\, W - \\text{lr} \\, dW,$$

which shrinks the weights a little on every step: hence the name *weight decay*.

**Write:**

* `l2_penalty(weights, lam)`: `weights` is a list of weight arrays (kernels);
  return, as a Python `float`, `lam` times the sum of the squares of all their
  entries (what Keras's `L2(lam)` adds for those kernels together). An empty
  list gives `0.0`.
* `l2_gradient_term(W, lam)`: the gradient of `lam * sum(W**2)` with respect
  to `W` (an array shaped like `W`).
* `sgd_step_l2(W, dW, lam, lr)`: the new weights after one gradient-descent
  step on the regularized cost, where `dW` is the gradient of the loss term
  alone. Return a new array; leave `W` unchanged.
* Each of the three raises `ValueError` when `lam < 0`.
"""

SOFTMAX_MD = """
## Exercise 3: Softmax and categorical cross-entropy (2 points)

*Lecture `001_b0e8ddc73a6f682a.txt`, slides "Softmax function" and
"Categorical cross-entropy"; lecture `003_ab2276fd2fad6cef.txt`, slide
"Recall: Categorical Loss Cost Function".*

For a single-label classification with $n_c$ classes the last layer outputs
**logits** $z$ (unnormalized log probabilities) and softmax turns them into
probabilities that lie in $[0, 1]$ and sum to 1:

$$\\operatorname{softmax}(z)_i = \\frac{\\exp(z_i)}{\\sum_j \\exp(z_j)} .$$

Unlike an argmax it gives the network "partial credit", distributing its
guess exponentially over the classes. The loss of one example with one-hot
label $y$ is the categorical cross-entropy, and the cost is its mean over the
$m$ examples of the batch:

$$L(\\hat{y}, y) = -\\sum_{j=1}^{n_c} y_j \\log \\hat{y}_j, \\qquad J = \\frac{1}{m} \\sum L .$$

Computing `np.log(softmax(z))` directly breaks for large logits (`exp`
overflows to `inf`, or a probability underflows to 0 and its log to `-inf`).
The lecture's identity avoids both:

$$\\log \\operatorname{softmax}(z)_i = z_i - \\log \\sum_j \\exp(z_j),$$

and subtracting $\\max_j z_j$ from every logit first changes nothing
mathematically (it cancels) but keeps every `exp` at most 1 (the
*log-sum-exp* trick). As the lecture notes, $\\log \\sum_j \\exp(z_j) \\approx
\\max_j z_j$, so the loss strongly penalizes the most confident wrong class.
Finally, the gradient of the mean cross-entropy with respect to the logits is
simply $(\\operatorname{softmax}(z) - y) / m$.

**Write** (logits have shape `(m, n_c)`: one row per example; work along the last axis):

* `softmax(z)`: row-wise softmax, same shape as `z`, stable for large logits
  (no overflow warnings, no `nan`).
* `softmax_cross_entropy(logits, y_onehot)`: the mean over the batch of the
  cross-entropy, as a Python `float`, computed through log-softmax as above
  (this is `keras.losses.CategoricalCrossentropy(from_logits=True)`).
* `softmax_cross_entropy_grad(logits, y_onehot)`: its gradient with respect to
  `logits`, same shape as `logits`.
"""

RNN_MD = """
## Exercise 4: Shaping a time series for a recurrent network (2 points)

*Lecture `004_818fa62321bb76fc.txt`, slides "Sequence dataset" and
"Recurrent Network Data".*

A feed-forward network takes data shaped `(examples, features)`. A recurrent
network takes each example as a *sequence* of steps, so its input is 3-D:

**Data = `(examples, sequence_length, features)`**

To predict the next value of a time series from the previous
`sequence_length` values (e.g. "predict temperature tomorrow given the last
few days"), slide a window over the series: window $i$ holds steps
$i, \\dots, i + L - 1$ and its target is step $i + L$ (with $L$ =
`sequence_length`). A series of $T$ steps gives $T - L$ examples. For
`series = [0, 1, 2, 3, 4]` and $L = 3$ the windows are `[0, 1, 2]` (target
`3`) and `[1, 2, 3]` (target `4`).

**Write:**

* `make_sequences(series, sequence_length)`: `series` has shape `(T,)` (one
  feature) or `(T, features)`; a 1-D series counts as one feature. Return
  `(X, y)` with `X` of shape `(T - L, L, features)`, where `X[i]` is steps
  `i` to `i + L - 1`, and `y` of shape `(T - L, features)`, where `y[i]` is
  step `i + L`. Keep the dtype of the series.
  Raise `ValueError` unless $1 \\le L \\le T - 1$.
"""

TEST_DROPOUT = '''
# Visible sanity checks for Exercise 1 (the grader runs more).
rng = np.random.default_rng(0)
mask = dropout_mask((4, 5), 0.6, rng)
assert isinstance(mask, np.ndarray), f"dropout_mask should return a numpy array, got {type(mask).__name__}"
assert mask.shape == (4, 5), f"mask should have the requested shape (4, 5), got {mask.shape}"
assert mask.dtype == bool, f"mask should be boolean (True = keep), got dtype {mask.dtype}"

# The lecture's recipe, drawn from the generator you are given.
uniform = np.random.default_rng(1).random((2, 5))
assert np.array_equal(dropout_mask((2, 5), 0.6, np.random.default_rng(1)), uniform < 0.6), \\
    "mask should be rng.random(shape) < keep_prob, drawn from the rng argument"

# On average keep_prob of the entries are kept.
share = dropout_mask((100_000,), 0.6, np.random.default_rng(2)).mean()
assert abs(share - 0.6) < 0.01, f"about 60% of entries should be kept with keep_prob=0.6, got {share:.3f}"

x = np.arange(1.0, 11.0)
x_before = x.copy()
out, mask = inverted_dropout(x, 0.5, np.random.default_rng(3))
assert out.shape == x.shape and mask.shape == x.shape, "out and mask should have the shape of x"
assert np.allclose(out[mask], x[mask] / 0.5), "kept entries should be divided by keep_prob"
assert np.all(out[~mask] == 0), "dropped entries should be 0"
assert np.array_equal(x, x_before), "inverted_dropout must not modify x"

# Inverted dropout keeps the expected value: the mean of dropped-out ones stays near 1.
out, _ = inverted_dropout(np.ones(200_000), 0.8, np.random.default_rng(4))
assert abs(out.mean() - 1.0) < 0.01, f"E[out] should equal x (1.0), got {out.mean():.4f}"

# At prediction time nothing is dropped.
out, mask = inverted_dropout(x, 0.5, np.random.default_rng(5), training=False)
assert np.array_equal(out, x) and mask.all(), "with training=False, out should equal x and mask be all True"

for bad in (0.0, -0.2, 1.5):
    try:
        inverted_dropout(x, bad, np.random.default_rng(6))
    except ValueError:
        pass
    else:
        raise AssertionError(f"keep_prob={bad} should raise ValueError")
print("Exercise 1: visible tests passed.")
'''

TEST_L2 = '''
# Visible sanity checks for Exercise 2 (the grader runs more).
W1 = np.array([[1.0, -2.0], [3.0, 0.0]])   # squares sum to 14
W2 = np.array([[2.0], [-1.0]])             # squares sum to 5
penalty = l2_penalty([W1, W2], 0.01)
assert isinstance(penalty, float), f"l2_penalty should return a Python float, got {type(penalty).__name__}"
assert np.isclose(penalty, 0.19), f"0.01 * (14 + 5) = 0.19 (Keras convention, no 1/2), got {penalty}"
assert np.isclose(l2_penalty([W1], 0.002), 0.028), "one kernel with Listing 5.13's lam=0.002: 0.002 * 14 = 0.028"
assert l2_penalty([W1, W2], 0.0) == 0.0, "lam=0 means no penalty"

grad = l2_gradient_term(W1, 0.1)
assert np.shape(grad) == W1.shape, f"the gradient should have the shape of W {W1.shape}, got {np.shape(grad)}"
assert np.allclose(grad, 0.2 * W1), "the gradient of lam * sum(W**2) is 2 * lam * W"

# Compare with a finite difference on one entry.
eps = 1e-6
W_plus = W1.copy()
W_plus[1, 0] += eps
numeric = (l2_penalty([W_plus], 0.1) - l2_penalty([W1], 0.1)) / eps
assert np.isclose(grad[1, 0], numeric, atol=1e-4), f"gradient {grad[1, 0]} disagrees with finite difference {numeric}"

W = np.array([[0.5, -1.0], [2.0, 1.5]])
dW = np.array([[0.1, 0.2], [-0.3, 0.0]])
W_before = W.copy()
new_W = sgd_step_l2(W, dW, lam=0.01, lr=0.5)
assert np.allclose(new_W, W - 0.5 * (dW + 0.02 * W)), "new W should be W - lr * (dW + 2 * lam * W)"
assert np.array_equal(W, W_before), "sgd_step_l2 must not modify W"
# Weight decay: with no loss gradient the weights shrink by the factor (1 - 2 * lr * lam).
assert np.allclose(sgd_step_l2(W, np.zeros_like(W), lam=0.01, lr=0.5), 0.99 * W), "with dW = 0 the step should give 0.99 * W"

try:
    l2_penalty([W1], -0.1)
except ValueError:
    pass
else:
    raise AssertionError("a negative lam should raise ValueError")
print("Exercise 2: visible tests passed.")
'''

TEST_SOFTMAX = '''
# Visible sanity checks for Exercise 3 (the grader runs more).
z = np.array([[1.0, 2.0, 3.0],
              [0.0, 0.0, 0.0]])
p = softmax(z)
assert np.shape(p) == z.shape, f"softmax should keep the shape {z.shape}, got {np.shape(p)}"
assert np.allclose(np.sum(p, axis=-1), 1.0), "each row of softmax should sum to 1"
assert np.allclose(p[0], [0.09003057, 0.24472847, 0.66524096]), f"softmax([1, 2, 3]) is wrong: {p[0]}"
assert np.allclose(p[1], 1 / 3), "equal logits should give equal probabilities"

# Large logits must not overflow.
with np.errstate(over="raise", invalid="raise"):
    big = softmax(np.array([[1000.0, 0.0], [-1000.0, -1000.0]]))
assert np.allclose(big, [[1.0, 0.0], [0.5, 0.5]]), f"softmax of large logits is wrong: {big}"

y = np.array([[0.0, 0.0, 1.0],
              [1.0, 0.0, 0.0]])
loss = softmax_cross_entropy(z, y)
assert isinstance(loss, float), f"softmax_cross_entropy should return a Python float, got {type(loss).__name__}"
expected = (-np.log(0.66524096) + np.log(3)) / 2     # mean over the 2 examples
assert np.isclose(loss, expected), f"expected mean cross-entropy {expected:.6f}, got {loss}"

# Through log-softmax the loss stays finite: a confident wrong answer costs about the logit gap.
with np.errstate(over="raise", invalid="raise", divide="raise"):
    wrong = softmax_cross_entropy(np.array([[1000.0, 0.0]]), np.array([[0.0, 1.0]]))
assert np.isclose(wrong, 1000.0), f"loss of logits [1000, 0] with label 1 should be 1000, got {wrong}"

grad = softmax_cross_entropy_grad(z, y)
assert np.shape(grad) == z.shape, f"the gradient should have the shape of the logits {z.shape}"
assert np.allclose(grad, (p - y) / 2), "the gradient should be (softmax(z) - y) / m"
eps = 1e-6
z_plus = z.copy()
z_plus[0, 1] += eps
numeric = (softmax_cross_entropy(z_plus, y) - loss) / eps
assert np.isclose(grad[0, 1], numeric, atol=1e-4), f"gradient {grad[0, 1]} disagrees with finite difference {numeric}"
print("Exercise 3: visible tests passed.")
'''

TEST_RNN = '''
# Visible sanity checks for Exercise 4 (the grader runs more).
series = np.arange(10.0)                 # T = 10 steps, one feature
X, y = make_sequences(series, 3)
assert np.shape(X) == (7, 3, 1), f"X should be (examples, sequence_length, features) = (7, 3, 1), got {np.shape(X)}"
assert np.shape(y) == (7, 1), f"y should be (examples, features) = (7, 1), got {np.shape(y)}"
assert np.array_equal(X[0, :, 0], [0, 1, 2]) and y[0, 0] == 3, "the first window should be steps 0..2 with target step 3"
assert np.array_equal(X[-1, :, 0], [6, 7, 8]) and y[-1, 0] == 9, "the last window should be steps 6..8 with target step 9"
assert X.dtype == series.dtype, f"keep the dtype of the series ({series.dtype}), got {X.dtype}"

two = np.stack([np.arange(6), 10 * np.arange(6)], axis=1)     # T = 6 steps, 2 features
X2, y2 = make_sequences(two, 2)
assert np.shape(X2) == (4, 2, 2) and np.shape(y2) == (4, 2), f"expected shapes (4, 2, 2) and (4, 2), got {np.shape(X2)} and {np.shape(y2)}"
assert np.array_equal(X2[1], two[1:3]) and np.array_equal(y2[1], two[3]), "window 1 should be steps 1..2 with target step 3"

for bad in (0, 10):
    try:
        make_sequences(series, bad)
    except ValueError:
        pass
    else:
        raise AssertionError(f"sequence_length={bad} with 10 steps should raise ValueError")
print("Exercise 4: visible tests passed.")
'''

OPTIONAL_MD = """
## Optional: real data, and a comparison with Keras

Nothing below is graded, and nothing below runs when your exercises are graded.
Run these cells once your exercises pass, to see your functions on real data
and next to what Keras does.

**Sunspots.** The yearly sunspot numbers 1700–2008 ship with `statsmodels`
(no download). The solar cycle is about 11 years long, so windows of 11 years
are a natural input for a recurrent network that predicts the next year.
"""

OPTIONAL_SUNSPOTS = '''
from statsmodels.datasets import sunspots

activity = sunspots.load_pandas().data["SUNACTIVITY"].to_numpy()
X_sun, y_sun = make_sequences(activity, 11)
print(f"{activity.shape[0]} yearly values -> X {X_sun.shape} (examples, sequence_length, features), y {y_sun.shape}")
print("first window:", X_sun[0, :, 0], "-> next year:", y_sun[0, 0])
assert X_sun.shape == (activity.shape[0] - 11, 11, 1)
'''

OPTIONAL_KERAS_MD = """
### Optional: compare with Keras

Importing Keras takes a few seconds. Each cell computes the same thing with
your function and with Keras and checks that they agree (Keras works in
`float32`, hence the tolerances).
"""

OPTIONAL_KERAS_IMPORT = '''
import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")   # quieter TensorFlow
import keras
print("Keras", keras.__version__, "backend", keras.backend.backend())
'''

OPTIONAL_KERAS_DROPOUT = '''
# Dropout(rate) keeps each unit with probability 1 - rate and scales by 1 / (1 - rate).
keep_prob = 0.8
ones = np.ones((1, 100_000), dtype="float32")
keras_out = keras.ops.convert_to_numpy(keras.layers.Dropout(rate=1 - keep_prob, seed=0)(ones, training=True))
mine, _ = inverted_dropout(ones, keep_prob, np.random.default_rng(0))
print("values (Keras):", np.unique(keras_out.round(4)), " values (yours):", np.unique(mine.round(4)))
print(f"kept (Keras): {np.mean(keras_out > 0):.3f}  kept (yours): {np.mean(mine > 0):.3f}")
assert np.allclose(np.unique(keras_out), np.unique(mine))
assert abs(np.mean(keras_out > 0) - np.mean(mine > 0)) < 0.01
'''

OPTIONAL_KERAS_L2 = '''
W = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
keras_penalty = float(keras.regularizers.L2(0.002)(W))
print("L2 (Keras):", keras_penalty, " L2 (yours):", l2_penalty([W], 0.002))
assert np.isclose(keras_penalty, l2_penalty([W], 0.002), rtol=1e-5)
'''

OPTIONAL_KERAS_CE = '''
logits = np.random.default_rng(1).normal(size=(5, 4)) * 3
labels = np.eye(4)[[0, 3, 1, 1, 2]]
keras_loss = float(keras.losses.CategoricalCrossentropy(from_logits=True)(labels, logits))
print("cross-entropy (Keras):", keras_loss, " (yours):", softmax_cross_entropy(logits, labels))
assert np.isclose(keras_loss, softmax_cross_entropy(logits, labels), rtol=1e-5)
'''

OPTIONAL_KERAS_SEQUENCES = '''
# keras.utils.timeseries_dataset_from_array pairs window i with targets[i].
# Its documented recipe data=series[:-L], targets=series[L:] drops windows;
# data=series[:-1], targets=series[L:] gives all T - L of them.
L = 11
series2d = activity[:, None]
dataset = keras.utils.timeseries_dataset_from_array(
    data=series2d[:-1], targets=series2d[L:], sequence_length=L, batch_size=64, shuffle=False)
X_keras = np.concatenate([np.asarray(xb) for xb, _ in dataset])
y_keras = np.concatenate([np.asarray(yb) for _, yb in dataset])
print("Keras:", X_keras.shape, y_keras.shape, " yours:", X_sun.shape, y_sun.shape)
assert np.allclose(X_keras, X_sun) and np.allclose(y_keras, y_sun)
'''


def build() -> nbformat.NotebookNode:
    sections = solution_sections()
    missing = [name for name in EXERCISES if name not in sections]
    if missing:
        raise SystemExit(f"{SOLUTION} has no '# exercise:' section for {', '.join(missing)}")
    teaching = {"dropout": DROPOUT_MD, "l2": L2_MD, "softmax_ce": SOFTMAX_MD, "rnn_shaping": RNN_MD}
    tests = {"dropout": TEST_DROPOUT, "l2": TEST_L2, "softmax_ce": TEST_SOFTMAX, "rnn_shaping": TEST_RNN}

    cells = [md("intro", INTRO), code("imports", "import numpy as np", _meta("imports", locked=True))]
    for name in EXERCISES:
        cells.append(md(f"{name}-intro", teaching[name]))
        source = f"### BEGIN SOLUTION\n{sections[name]}\n### END SOLUTION"
        cells.append(code(f"{name}_solution", source, _meta(f"{name}_solution", solution=True)))
        cells.append(code(f"test_{name}", tests[name], _meta(f"test_{name}", grade=True, locked=True)))
    cells += [
        md("optional-intro", OPTIONAL_MD),
        code("optional-sunspots", OPTIONAL_SUNSPOTS),
        md("optional-keras-intro", OPTIONAL_KERAS_MD),
        code("optional-keras-import", OPTIONAL_KERAS_IMPORT),
        code("optional-keras-dropout", OPTIONAL_KERAS_DROPOUT),
        code("optional-keras-l2", OPTIONAL_KERAS_L2),
        code("optional-keras-ce", OPTIONAL_KERAS_CE),
        code("optional-keras-sequences", OPTIONAL_KERAS_SEQUENCES),
    ]
    nb = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
    )
    nbformat.validate(nb)
    return nb


def render(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if the notebook is not what this script builds")
    args = parser.parse_args(argv)
    text = render(build())
    if args.check:
        if not NOTEBOOK.exists() or NOTEBOOK.read_text() != text:
            print(f"{NOTEBOOK.relative_to(ROOT)} is stale: run python tools/build_notebook.py", file=sys.stderr)
            return 1
        print(f"{NOTEBOOK.relative_to(ROOT)} is up to date.")
        return 0
    NOTEBOOK.parent.mkdir(parents=True, exist_ok=True)
    NOTEBOOK.write_text(text)
    print(f"wrote {NOTEBOOK.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
