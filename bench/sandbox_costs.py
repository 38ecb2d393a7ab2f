"""What the sandbox's protections cost, measured side by side in one run.

The same work under each confinement this machine allows: the full sandbox
(as root: namespaces, minimal root, cgroup, nobody), and with no confinement
at all (a bare fork of the same zygote), which is the floor every protection
is paid on top of. Prints per-session and per-submission times and their
ratios; run as root it also measures the user-namespace mode by grading the
same work with rlimits instead of a cgroup.

    .venv/bin/python bench/sandbox_costs.py [--sessions 200] [--submissions 40]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from autograder.assignment import load_assignment  # noqa: E402
from autograder.course import Course  # noqa: E402
from autograder.engine import Grader  # noqa: E402
from autograder.grading import read_class  # noqa: E402
from autograder.reference import KerasReferences  # noqa: E402
from autograder.samples import build_class  # noqa: E402
from autograder.sandbox.confinement import Confinement, detect  # noqa: E402
from autograder.sandbox.sandboxes import SandboxPool  # noqa: E402
from autograder.sandbox.settings import SandboxSettings  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
NAME = "regularization_rnn"


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def measure(confinement: Confinement, sessions: int, submissions: list, assignment, references) -> dict[str, float]:
    settings = SandboxSettings(timeout=20, allow_unconfined=True, runtime=assignment.runtime)
    started = time.perf_counter()
    pool = SandboxPool(settings, 1, confinement)
    start = time.perf_counter() - started
    try:
        empty = []
        with pool.checkout() as sandbox:
            for _ in range(sessions):
                began = time.perf_counter()
                with sandbox.session([], []):
                    pass
                empty.append(time.perf_counter() - began)
        grader = Grader(assignment, references, pool)
        grader.grade(submissions[0])
        graded = []
        for submission in submissions:
            began = time.perf_counter()
            grader.grade(submission)
            graded.append(time.perf_counter() - began)
    finally:
        pool.close()
    return {"zygote_start_s": start, "empty_session_ms": 1000 * median(empty), "submission_ms": 1000 * median(graded)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--submissions", type=int, default=40)
    args = parser.parse_args()
    assignment = load_assignment(NAME)
    references = KerasReferences(assignment, device="cpu")
    references.warm()
    with tempfile.TemporaryDirectory() as scratch:
        build_class(Course(REPO), assignment, Path(scratch), copies=args.submissions // 2, honest_only=True)
        submissions = read_class(assignment, Course(REPO), Path(scratch))
    full = detect()
    modes = {"unconfined (floor)": Confinement("unconfined", None, "measured as the floor")}
    if full.confined:
        modes[f"{full.mode}: {full.describe()}"] = full
        if full.mode == "root":
            modes["rlimits instead of a cgroup"] = replace(full, cgroups=None)
    rows = {name: measure(mode, args.sessions, submissions, assignment, references) for name, mode in modes.items()}
    floor = rows["unconfined (floor)"]
    print(f"{'mode':<100} {'zygote start':>13} {'empty session':>14} {'submission':>11}")
    for name, row in rows.items():
        print(f"{name:<100} {row['zygote_start_s']:>11.2f} s {row['empty_session_ms']:>11.2f} ms {row['submission_ms']:>8.1f} ms")
    for name, row in rows.items():
        if row is not floor:
            print(f"{name}: a session costs {row['empty_session_ms'] - floor['empty_session_ms']:+.2f} ms over the floor "
                  f"({row['empty_session_ms'] / floor['empty_session_ms']:.1f}x); a submission {row['submission_ms'] / floor['submission_ms']:.2f}x")


if __name__ == "__main__":
    main()
