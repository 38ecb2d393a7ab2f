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
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from importlib import metadata
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the autograder command sets it, before numpy loads

import psutil  # noqa: E402

from autograder.assignment import Assignment, load_assignment
from autograder.course import Course
from autograder.engine import Grader, default_workers
from autograder.grading import read_class
from autograder.reference import KerasReferences
from autograder.results import ExerciseGrade, ResultStore, SubmissionGrade
from autograder.samples import build_class
from autograder.sandbox.pool import SandboxPool, SandboxSettings

REPO = Path(__file__).resolve().parents[1]
NAME = "regularization_rnn"
BIN = Path(sys.executable).parent


class PeakMemory:
    """Samples the memory of a process and all its descendants: the summed PSS
    (a page shared by n processes counts 1/n in each: what the tree really
    holds, since every student process shares its zygote's pages) and the
    summed RSS (shared pages counted once per process: an upper bound)."""

    def __init__(self, pid: int) -> None:
        self.root, self.peak_pss, self.peak_rss, self._stop = psutil.Process(pid), 0, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            pss = rss = 0
            for process in [self.root, *self._children()]:
                try:
                    info = process.memory_full_info()
                except psutil.Error:
                    continue
                pss, rss = pss + info.pss, rss + info.rss
            self.peak_pss, self.peak_rss = max(self.peak_pss, pss), max(self.peak_rss, rss)
            time.sleep(0.05)

    def _children(self) -> list[psutil.Process]:
        try:
            return self.root.children(recursive=True)
        except psutil.Error:
            return []

    def stop(self) -> tuple[int, int]:
        self._stop.set()
        self._thread.join()
        return self.peak_pss, self.peak_rss


def autograder_run(submitted: Path, out: Path, workers: int, cache: Path) -> dict:
    command = [str(BIN / "autograder"), "grade", NAME, "--submitted", str(submitted), "--out", str(out), "--workers", str(workers)]
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO, env=dict(os.environ, AUTOGRADER_CACHE=str(cache)))
    memory = PeakMemory(process.pid)
    _, err = process.communicate()
    seconds = time.perf_counter() - started
    pss, rss = memory.stop()
    if process.returncode != 0:
        raise SystemExit(f"autograder grade failed: {err.decode()[-2000:]}")
    records = ResultStore(out).load()
    return {"submissions": len(records), "seconds": seconds, "per_submission": seconds / len(records), "peak_pss_mb": pss / 2**20, "peak_rss_mb": rss / 2**20}


def graded_twice(submitted: Path, scratch: Path, workers: int) -> dict:
    """Every submission graded on an empty cache, then every one again on the cache that run left."""
    cache = scratch / f"cache_{submitted.name}"
    shutil.rmtree(cache, ignore_errors=True)
    cold = autograder_run(submitted, scratch / f"out_{submitted.name}", workers, cache)
    warm = autograder_run(submitted, scratch / f"out_{submitted.name}", workers, cache)
    return {"cold_cache": cold, "warm_cache": warm}


def nbgrader_run(course_src: Course, submitted: Path, sample: list[str], scratch: Path) -> dict:
    course = scratch / "nbgrader_course"
    shutil.rmtree(course, ignore_errors=True)
    course.mkdir(parents=True)
    shutil.copy(REPO / "nbgrader_config.py", course)
    shutil.copytree(REPO / "assignments", course / "assignments")
    env = dict(os.environ, PATH=f"{BIN}:{os.environ['PATH']}", TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0")
    subprocess.run([str(BIN / "nbgrader"), "generate_assignment", NAME, "--force"], cwd=course, env=env, check=True, capture_output=True)
    for student in sample:
        shutil.copytree(submitted / student, course / "submitted" / student)
    started = time.perf_counter()
    subprocess.run([str(BIN / "nbgrader"), "autograde", NAME, "--force"], cwd=course, env=env, check=True, capture_output=True)
    seconds = time.perf_counter() - started
    return {"submissions": len(sample), "seconds": seconds, "per_submission": seconds / len(sample)}


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


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


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
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
                     "versions": {p: metadata.version(p) for p in ("autograder", "nbgrader", "keras", "numpy")}, "runs": {}}
    try:
        for size in args.sizes:
            submitted = scratch / f"class_{size}"
            build_class(course, assignment, submitted, copies=size // 2, honest_only=True)
            results["runs"][str(size)] = graded_twice(submitted, scratch, args.workers)
            print(f"autograder, {size} submissions: {json.dumps(results['runs'][str(size)])}", flush=True)
        smallest = scratch / f"class_{min(args.sizes)}"
        sample = sorted(p.name for p in smallest.iterdir())[: args.nbgrader_sample]
        results["nbgrader"] = nbgrader_run(course, smallest, sample, scratch)
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
