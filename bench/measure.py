"""What the benches share: timing ``autograder grade`` and ``nbgrader autograde`` on one class, and memory."""
from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from importlib import metadata
from pathlib import Path

import nbformat
import psutil

from autograder.results import ResultStore

REPO = Path(__file__).resolve().parents[1]
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


def autograder_run(name: str, submitted: Path, out: Path, workers: int, cache: Path, watch_memory: bool = False) -> dict:
    """One ``autograder grade`` of the class, timed from the command's start to its exit (outputs written);
    with ``watch_memory``, the peak memory of its process tree too."""
    command = [str(BIN / "autograder"), "grade", name, "--submitted", str(submitted), "--out", str(out), "--workers", str(workers)]
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO, env=dict(os.environ, AUTOGRADER_CACHE=str(cache)))
    memory = PeakMemory(process.pid) if watch_memory else None
    _, err = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"autograder grade failed: {err.decode()[-2000:]}")
    records = ResultStore(out).load()
    run = {"submissions": len(records), "seconds": seconds, "per_submission": seconds / len(records)}
    if memory is not None:
        pss, rss = memory.stop()
        run |= {"peak_pss_mb": pss / 2**20, "peak_rss_mb": rss / 2**20}
    return run


def graded_twice(name: str, submitted: Path, scratch: Path, workers: int) -> dict:
    """Every submission graded on an empty cache, then every one again on the cache that run left.

    Times come from runs nobody watches; the peak memory of each kind from a
    second run of that kind, watched: the sampler's reads of /proc (every
    process's page tables, every 50 ms) slowed the grading it watched by 4-7%
    on 2 cores."""
    cache, out = scratch / f"cache_{submitted.name}", scratch / f"out_{submitted.name}"
    runs = {}
    for watch in (False, True):
        shutil.rmtree(cache, ignore_errors=True)
        for kind in ("cold_cache", "warm_cache"):
            run = autograder_run(name, submitted, out, workers, cache, watch_memory=watch)
            if watch:
                runs[kind] |= {k: v for k, v in run.items() if k.startswith("peak_")}
            else:
                runs[kind] = run
    return runs


def nbgrader_run(name: str, submitted: Path, sample: list[str], scratch: Path, hidden_tests: dict[str, str] | None = None) -> dict:
    """``nbgrader autograde`` of ``sample`` in a copy of the course; ``hidden_tests`` (test cell
    grade_id -> code) go into the source notebook's test cells as nbgrader hidden tests first."""
    course = scratch / "nbgrader_course"
    shutil.rmtree(course, ignore_errors=True)
    course.mkdir(parents=True)
    shutil.copy(REPO / "nbgrader_config.py", course)
    shutil.copytree(REPO / "assignments", course / "assignments")
    if hidden_tests:
        add_hidden_tests(course / "assignments" / name / f"{name}.ipynb", hidden_tests)
    env = dict(os.environ, PATH=f"{BIN}:{os.environ['PATH']}", TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0")
    subprocess.run([str(BIN / "nbgrader"), "generate_assignment", name, "--force"], cwd=course, env=env, check=True, capture_output=True)
    for student in sample:
        shutil.copytree(submitted / student, course / "submitted" / student)
    started = time.perf_counter()
    subprocess.run([str(BIN / "nbgrader"), "autograde", name, "--force"], cwd=course, env=env, check=True, capture_output=True)
    seconds = time.perf_counter() - started
    return {"submissions": len(sample), "seconds": seconds, "per_submission": seconds / len(sample)}


def add_hidden_tests(notebook: Path, hidden_tests: dict[str, str]) -> None:
    """Append each test cell's hidden section, marked as nbgrader marks hidden tests."""
    source = nbformat.read(notebook, as_version=4)
    for cell in source.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in hidden_tests:
            cell.source += f"\n### BEGIN HIDDEN TESTS\n{hidden_tests[grade_id].strip()}\n### END HIDDEN TESTS\n"
    nbformat.write(source, notebook)


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def where_measured(packages: tuple[str, ...]) -> dict:
    """The machine and the versions a result was measured with, kept beside it."""
    return {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "versions": {p: metadata.version(p) for p in packages}}
