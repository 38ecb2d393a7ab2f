"""``make bench``, the Keras-model assignment: autograder against nbgrader on the same class.

Builds an honest class of ``keras_regularization`` (correct and partly wrong
models), grades it with ``autograder grade`` (full sandbox: the models live only
in student processes forked from a zygote that imported Keras on torch once)
on a cold and on a warm cache, and grades a sample of the same notebooks with
``nbgrader autograde``. So that nbgrader does comparable work, its copy of the
source notebook gets hidden tests (``HIDDEN_TESTS``) that build the reference
Keras models and compare the student's with them: layers, parameters,
regularisers, rates and compile settings, predictions with the reference's
weights, ``sum(model.losses)``, seeded ``train_on_batch`` losses, and the real
``EarlyStopping`` callback (training losses are not compared for dropout
models, whose masks come from per-layer seeds, as in our checks). nbgrader runs them in the student's kernel with the
machine's default Keras backend (TensorFlow here), once per submission.

Then, on one worker, where one submission's time goes: starting a student
process (the fork), building a model, the probes, and reading the reference
answers. Results also go to bench/results/.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from autograder.assignment import load_assignment  # noqa: E402
from autograder.course import Course  # noqa: E402
from autograder.local_workers import default_workers  # noqa: E402
from autograder.grading import read_class  # noqa: E402
from autograder.reference import KerasReferences  # noqa: E402
from autograder.samples import build_class  # noqa: E402
from autograder.sandbox.sandboxes import SandboxPool  # noqa: E402
from autograder.sandbox.settings import SandboxSettings  # noqa: E402
from autograder.protocol import Student  # noqa: E402
from measure import REPO, graded_twice, median, nbgrader_run, where_measured  # noqa: E402

hidden = load_assignment("keras_regularization", Course(REPO)).part("inputs")

NAME = "keras_regularization"

_REFERENCE_MODEL = '''
import numpy as _np, keras as _keras
def _same_model(found, wanted, x, y, train=True):
    assert [type(l).__name__ for l in found.layers] == [type(l).__name__ for l in wanted.layers]
    assert found.count_params() == wanted.count_params()
    for a, b in zip(found.layers, wanted.layers):
        assert getattr(a, "units", None) == getattr(b, "units", None)
        assert getattr(a, "rate", None) == getattr(b, "rate", None)
        ra, rb = getattr(a, "kernel_regularizer", None), getattr(b, "kernel_regularizer", None)
        assert (ra is None) == (rb is None) and (ra is None or _np.isclose(float(ra.l2), float(rb.l2)))
    assert type(found.optimizer).__name__ == type(wanted.optimizer).__name__
    found.set_weights(wanted.get_weights())
    assert _np.allclose(found.predict(x, verbose=0), wanted.predict(x, verbose=0), atol=1e-5)
    assert _np.isclose(float(sum(found.losses) if found.losses else 0.0), float(sum(wanted.losses) if wanted.losses else 0.0))
    if not train:
        return
    _keras.utils.set_random_seed(7)
    a = [float(_np.ravel(found.train_on_batch(x, y))[0]) for _ in range(3)]
    _keras.utils.set_random_seed(7)
    b = [float(_np.ravel(wanted.train_on_batch(x, y))[0]) for _ in range(3)]
    assert _np.allclose(a, b, rtol=1e-4, atol=1e-6)
_rng = _np.random.default_rng(0)
'''


def _dense_reference(cases: dict, dropout: bool) -> str:
    lines = [_REFERENCE_MODEL]
    for arguments in cases.values():
        units, width = arguments.get("units", 16), arguments["input_dim"]
        if dropout:
            rate = arguments.get("rate", 0.5)
            body = (f"_keras.layers.Dense({units}, activation='relu'), _keras.layers.Dropout({rate}), "
                    f"_keras.layers.Dense({units}, activation='relu'), _keras.layers.Dropout({rate})")
            builder = "build_dropout_model"
        else:
            factor = arguments.get("l2", 0.002)
            regularizer = f"_keras.regularizers.L2({factor})" if factor else "None"
            body = ", ".join([f"_keras.layers.Dense({units}, activation='relu', kernel_regularizer={regularizer})"] * 2)
            builder = "build_l2_model"
        lines += [
            f"_ref = _keras.Sequential([_keras.Input(({width},)), {body}, _keras.layers.Dense(1, activation='sigmoid')])",
            "_ref.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['accuracy'])",
            f"_x = _rng.normal(size=(16, {width})).astype('float32'); _y = (_rng.random((16, 1)) < 0.5).astype('float32')",
            f"_same_model({builder}(**{arguments!r}), _ref, _x, _y, train={not dropout})",
        ]
    return "\n".join(lines)


def _forecaster_reference() -> str:
    lines = [_REFERENCE_MODEL]
    for arguments in hidden.FORECASTER_CASES.values():
        length, features, units = arguments["sequence_length"], arguments["features"], arguments.get("units", 32)
        lines += [
            f"_ref = _keras.Sequential([_keras.Input(({length}, {features})), _keras.layers.SimpleRNN({units}), _keras.layers.Dense({features})])",
            "_ref.compile(optimizer='rmsprop', loss='mse')",
            f"_x = _rng.normal(size=(16, {length}, {features})).astype('float32'); _y = _rng.normal(size=(16, {features})).astype('float32')",
            f"_same_model(build_forecaster(**{arguments!r}), _ref, _x, _y)",
        ]
    return "\n".join(lines)


def _early_stopping_reference() -> str:
    histories = {**hidden.HISTORIES, **hidden.EDGE_HISTORIES}
    return "\n".join([
        "import keras as _keras",
        "def _callback(losses, patience, min_delta):",
        "    model = _keras.Sequential([_keras.Input((1,)), _keras.layers.Dense(1)])",
        "    stop = _keras.callbacks.EarlyStopping(monitor='val_loss', patience=patience, min_delta=min_delta, restore_best_weights=True)",
        "    stop.set_model(model); stop.on_train_begin()",
        "    last = len(losses)",
        "    for epoch, loss in enumerate(losses):",
        "        stop.on_epoch_end(epoch, {'val_loss': loss})",
        "        if model.stop_training:",
        "            last = epoch + 1",
        "            break",
        "    return (stop.best_epoch + 1, last)",
        f"for _losses, _patience, _delta in {list(histories.values())!r}:",
        "    assert tuple(early_stopping_epochs(list(_losses), _patience, _delta)) == _callback(list(_losses), _patience, _delta)",
    ])


HIDDEN_TESTS = {
    "test_vectorize": "\n".join([
        f"_out = vectorize_sequences({hidden.SEQUENCES!r}, {hidden.DIMENSION})",
        "assert _out.dtype == 'float32' and _out.shape == (4, 11)",
        f"for _bad in {list(hidden.OUT_OF_RANGE)!r}:",
        "    try:",
        f"        vectorize_sequences(_bad, {hidden.DIMENSION})",
        "        raise AssertionError('no ValueError')",
        "    except ValueError:",
        "        pass",
    ]),
    "test_l2_model": _dense_reference(hidden.L2_CASES, dropout=False),
    "test_dropout_model": _dense_reference(hidden.DROPOUT_CASES, dropout=True),
    "test_early_stopping": _early_stopping_reference(),
    "test_forecaster": _forecaster_reference(),
}


def breakdown(course: Course, submitted: Path) -> dict:
    """One honest submission on one worker, and its parts measured in a session of their own."""
    assignment = load_assignment(NAME)
    settings = SandboxSettings(timeout=60, runtime=assignment.runtime)
    references = KerasReferences(assignment, device="cpu", cache_dir=Path(tempfile.mkdtemp()))
    references.warm()
    started = time.perf_counter()
    for exercise in ("l2_model", "dropout_model", "forecaster", "early_stopping", "vectors"):
        references[exercise]
    lookup = time.perf_counter() - started
    started = time.perf_counter()
    pool = SandboxPool(settings, 1)
    zygote = time.perf_counter() - started
    submission = next(s for s in read_class(assignment, course, submitted) if s.student_id.startswith("correct"))
    case = references["l2_model"]["defaults"]
    arguments = hidden.L2_CASES["defaults"]
    probe_args = (case["weights"], case["x"], case["x"], case["y"], hidden.STEPS, hidden.SEED)
    timings: dict[str, list[float]] = {"fork": [], "build": [], "config_probe": [], "behaviour_probe": []}
    with pool.checkout() as sandbox:
        for _ in range(5):
            started = time.perf_counter()
            with sandbox.session([], []):
                pass
            timings["fork"].append(time.perf_counter() - started)
        with sandbox.session(submission.cells_to_run(assignment), ["build_l2_model"]) as session:
            for _ in range(5):
                for name, probe, extra in (("build", None, ()), ("config_probe", "model_config", ()), ("behaviour_probe", "model_behaviour", probe_args)):
                    session.begin_exercise()
                    started = time.perf_counter()
                    Student(session).inspect(probe, "build_l2_model", (), arguments, extra)
                    timings[name].append(time.perf_counter() - started)
    pool.close()
    from autograder.engine import Grader

    pool = SandboxPool(settings, 1)
    grader = Grader(assignment, references, pool)
    grader.grade(submission)
    started = time.perf_counter()
    grader.grade(submission)
    whole = time.perf_counter() - started
    pool.close()
    build = median(timings["build"])
    return {
        "keras_zygote_start_once_per_worker_s": zygote,
        "one_submission_s": whole,
        "fork_student_process_s": median(timings["fork"]),
        "model_build_s": build,
        "config_probe_beyond_build_s": median(timings["config_probe"]) - build,
        "behaviour_probe_beyond_build_s": median(timings["behaviour_probe"]) - build,
        "reference_lookup_all_exercises_s": lookup,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--nbgrader-sample", type=int, default=4)
    parser.add_argument("--workers", type=int, default=default_workers())
    args = parser.parse_args()
    course = Course(REPO)
    assignment = load_assignment(NAME)
    scratch = Path(tempfile.mkdtemp(prefix="autograder-keras-bench-"))
    results: dict = {**where_measured(("autograder", "nbgrader", "keras", "torch"))}
    try:
        submitted = scratch / f"class_{args.size}"
        build_class(course, assignment, submitted, copies=args.size // 2, honest_only=True)
        results["autograder"] = graded_twice(NAME, submitted, scratch, args.workers)
        print(f"autograder, {args.size} submissions: {json.dumps(results['autograder'])}", flush=True)
        sample = sorted(p.name for p in submitted.iterdir())[: args.nbgrader_sample]
        results["nbgrader"] = nbgrader_run(NAME, submitted, sample, scratch, HIDDEN_TESTS)
        print(f"nbgrader autograde with hidden Keras tests, {len(sample)} submissions: {json.dumps(results['nbgrader'])}", flush=True)
        results["breakdown"] = breakdown(course, submitted)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    theirs = results["nbgrader"]["per_submission"]
    print()
    for kind, run in results["autograder"].items():
        results[f"ratio_nbgrader_over_autograder_{kind}"] = theirs / run["per_submission"]
        print(f"{kind.replace('_', ' ')}: {args.size} submissions in {run['seconds']:.1f} s (start-up included), "
              f"{run['per_submission'] * 1000:.0f} ms each; nbgrader {theirs * 1000:.0f} ms each  ->  {theirs / run['per_submission']:.0f}x; "
              f"peak memory {run['peak_pss_mb']:.0f} MB PSS ({run['peak_rss_mb']:.0f} MB summed RSS)")
    print("one submission on one worker, and its parts:")
    for key, value in results["breakdown"].items():
        print(f"  {key:45s} {value * 1000:9.1f} ms")
    out = REPO / "bench" / "results" / f"keras_speed-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"results: {out}")


if __name__ == "__main__":
    main()
