"""``make bench``: autograder against nbgrader on the same honest submissions, side by side.

Builds classes of N submissions (correct and partly wrong work) from the
released notebook, grades them with ``autograder grade`` (full sandbox), grades
a sample with ``nbgrader autograde`` in the same run, and prints per-submission
times, their ratio, totals, the peak memory of the grading process tree and
where one submission's time goes. Results also go to bench/results/.

Each class is graded twice from scratch: with a cold cache (Keras imported,
every reference answer computed, the students' site-packages copy made: what
a new machine pays once) and with the warm cache the first run left (what
every later run pays). Ratios to nbgrader are given for both.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the autograder command sets it, before numpy loads

from autograder.assignment import Assignment, load_assignment  # noqa: E402
from autograder.course import Course  # noqa: E402
from autograder.engine import Grader  # noqa: E402
from autograder.local_workers import default_workers  # noqa: E402
from autograder.grading import read_class  # noqa: E402
from autograder.reference import KerasReferences  # noqa: E402
from autograder.results import ExerciseGrade, ResultStore, SubmissionGrade  # noqa: E402
from autograder.samples import build_class  # noqa: E402
from autograder.sandbox.sandboxes import SandboxPool  # noqa: E402
from autograder.sandbox.settings import SandboxSettings  # noqa: E402
from measure import REPO, graded_twice, median, nbgrader_run, where_measured  # noqa: E402

NAME = "regularization_rnn"


def breakdown(course: Course, submitted: Path) -> dict:
    """Where one honest submission's time goes, measured in this process on one worker."""
    assignment = load_assignment(NAME)
    references = KerasReferences(assignment, device="cpu", cache_dir=Path(tempfile.mkdtemp()))
    started = time.perf_counter()
    references.warm()
    reference_seconds = time.perf_counter() - started
    submissions = [s for s in read_class(assignment, course, submitted) if s.student_id.startswith("correct")][:20]
    started = time.perf_counter()
    pool = SandboxPool(SandboxSettings(timeout=20), 1)
    zygote_seconds = time.perf_counter() - started
    empty_sessions = []
    with pool.checkout() as sandbox:
        for _ in range(20):
            started = time.perf_counter()
            with sandbox.session([], []):
                pass
            empty_sessions.append(time.perf_counter() - started)
    grader = Grader(assignment, references, pool)
    grader.grade(submissions[0])
    totals, checks = [], []
    for submission in submissions:
        started, cpu = time.perf_counter(), time.thread_time()
        grader.grade(submission)
        checks.append(time.thread_time() - cpu)
        totals.append(time.perf_counter() - started)
    pool.close()
    store = ResultStore(Path(tempfile.mkdtemp()))
    record = _sample_record(assignment)
    started = time.perf_counter()
    for _ in range(100):
        store.append(record)
    write_seconds = (time.perf_counter() - started) / 100
    per_submission = median(totals)
    sessions = median(empty_sessions)  # one student process per submission
    return {
        "keras_import_and_precomputed_references_once_per_run_s": reference_seconds,
        "zygote_pool_start_once_per_run_s": zygote_seconds,
        "one_submission_median_s": per_submission,
        "sandbox_sessions_s": sessions,
        "checks_in_grader_cpu_s": median(checks),
        "student_code_and_messages_s": per_submission - sessions - median(checks),
        "write_result_s": write_seconds,
    }


def _sample_record(assignment: Assignment) -> SubmissionGrade:
    exercises = tuple(ExerciseGrade(e.name, 2, 2, "graded") for e in assignment.exercises)
    return SubmissionGrade("s", assignment.name, "0" * 32, "n.ipynb", None, None, exercises, 0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--nbgrader-sample", type=int, default=6)
    parser.add_argument("--workers", type=int, default=default_workers())
    args = parser.parse_args()
    course = Course(REPO)
    assignment = load_assignment(NAME)
    scratch = Path(tempfile.mkdtemp(prefix="autograder-bench-"))
    results: dict = {**where_measured(("autograder", "nbgrader", "keras", "numpy")), "runs": {}}
    try:
        for size in args.sizes:
            submitted = scratch / f"class_{size}"
            build_class(course, assignment, submitted, copies=size // 2, honest_only=True)
            results["runs"][str(size)] = graded_twice(NAME, submitted, scratch, args.workers)
            print(f"autograder, {size} submissions: {json.dumps(results['runs'][str(size)])}", flush=True)
        smallest = scratch / f"class_{min(args.sizes)}"
        sample = sorted(p.name for p in smallest.iterdir())[: args.nbgrader_sample]
        results["nbgrader"] = nbgrader_run(NAME, smallest, sample, scratch)
        print(f"nbgrader autograde, {len(sample)} submissions: {json.dumps(results['nbgrader'])}", flush=True)
        results["breakdown"] = breakdown(course, smallest)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    report(results, args.sizes)
    out = REPO / "bench" / "results" / f"grade_speed-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"results: {out}")


def report(results: dict, sizes: list[int]) -> None:
    runs = results["runs"]
    largest, smallest = str(max(sizes)), str(min(sizes))
    theirs = results["nbgrader"]["per_submission"]
    print()
    for kind in ("warm_cache", "cold_cache"):
        ours = runs[largest][kind]["per_submission"]
        results[f"ratio_nbgrader_over_autograder_{kind}"] = theirs / ours
        print(f"per submission, {kind.replace('_', ' ')}: nbgrader {theirs * 1000:.0f} ms, autograder {ours * 1000:.1f} ms "
              f"({largest} submissions)  ->  {theirs / ours:.0f}x faster")
    for size, both in runs.items():
        for kind, run in both.items():
            print(f"{size:>5} submissions, {kind:10s}: {run['seconds']:6.1f} s total, {run['per_submission'] * 1000:6.1f} ms each, "
                  f"peak memory of the process tree {run['peak_pss_mb']:.0f} MB PSS ({run['peak_rss_mb']:.0f} MB summed RSS)")
    if largest != smallest:
        for kind in ("warm_cache", "cold_cache"):
            big, small = runs[largest][kind], runs[smallest][kind]
            marginal = (big["seconds"] - small["seconds"]) / (big["submissions"] - small["submissions"])
            fixed = small["seconds"] - marginal * small["submissions"]
            results[f"{kind}_marginal_per_submission_s"], results[f"{kind}_fixed_s"] = marginal, fixed
            print(f"{kind:10s}: each further submission {marginal * 1000:.1f} ms, fixed cost of a run {fixed:.1f} s")
    print("one submission's time (1 worker) and the costs paid once:")
    for key, value in results["breakdown"].items():
        print(f"  {key:55s} {value * 1000:9.1f} ms")


if __name__ == "__main__":
    main()
