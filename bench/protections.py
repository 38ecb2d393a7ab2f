"""What the protections added against the second red team cost, each measured side by side in one run.

- The seccomp allow-list: the same loop of cheap system calls in a forked process with the
  filter the zygote loads (this machine's, counted and uncounted) and without any filter, and
  the calls an honest submission makes (counted with strace when the sandbox was measured).
- CPU accounting for deadlines: reading a session's CPU from the worker cgroup, and asking the
  zygote for it where no cgroup counts it; each is paid once per exercise.
- The whole submission: an honest numpy submission graded on one worker with the cgroup (cpu
  weight, cpuset, CPU read from cpuacct) and without it (CPU asked of the zygote, one process a
  session), in the same run.

    .venv/bin/python bench/protections.py [--calls 200000] [--submissions 40]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from autograder.assignment import load_assignment  # noqa: E402
from autograder.course import Course  # noqa: E402
from autograder.engine import Grader  # noqa: E402
from autograder.grading import read_class  # noqa: E402
from autograder.reference import KerasReferences  # noqa: E402
from autograder.samples import build_class  # noqa: E402
from autograder.sandbox import seccomp, syscalls  # noqa: E402
from autograder.sandbox.confinement import Confinement, detect  # noqa: E402
from autograder.sandbox.sandboxes import SandboxPool  # noqa: E402
from autograder.sandbox.settings import SandboxSettings  # noqa: E402
from measure import median  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
NAME = "regularization_rnn"
CALLS_PER_SUBMISSION = 1500
"""System calls an honest numpy submission's process makes (strace of a graded class: the session's set-up, its cells, its replies)."""


def syscall_seconds(calls: int, counted: bool | None) -> float:
    """Seconds for ``calls`` getppid calls in a child with the allow-list (``counted`` as a cgroup would set it) or none (None)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        if counted is not None:
            syscalls.prctl(syscalls.PR_SET_NO_NEW_PRIVS, 1)
            seccomp.install(counted)
        started = time.perf_counter()
        for _ in range(calls):
            os.getppid()
        os.write(write, repr(time.perf_counter() - started).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read) as stream:
        return float(stream.read())


def cpu_read_micros(pool: SandboxPool, reads: int = 2000) -> float:
    with pool.checkout() as sandbox, sandbox.session([], []):
        started = time.perf_counter()
        for _ in range(reads):
            sandbox.cpu_seconds()
        return 1e6 * (time.perf_counter() - started) / reads


def submission_ms(confinement: Confinement, submissions: list, assignment, references) -> tuple[float, float]:
    """Per honest submission on one worker (ms), and the CPU read's cost (us) in that mode."""
    pool = SandboxPool(SandboxSettings(timeout=20, runtime=assignment.runtime), 1, confinement)
    try:
        grader = Grader(assignment, references, pool)
        grader.grade(submissions[0])
        times = []
        for submission in submissions:
            began = time.perf_counter()
            grader.grade(submission)
            times.append(time.perf_counter() - began)
        return 1000 * median(times), cpu_read_micros(pool)
    finally:
        pool.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--submissions", type=int, default=40)
    args = parser.parse_args()

    bare = median([syscall_seconds(args.calls, None) for _ in range(5)])
    filtered = {counted: median([syscall_seconds(args.calls, counted) for _ in range(5)]) for counted in (True, False)}
    per_call = {counted: 1e9 * (seconds - bare) / args.calls for counted, seconds in filtered.items()}
    print(f"seccomp allow-list ({len(seccomp.rules(os.uname().machine, True))} instructions): "
          f"{per_call[True]:+.0f} ns a system call with a cgroup, {per_call[False]:+.0f} ns without "
          f"(a bare getppid: {1e9 * bare / args.calls:.0f} ns); an honest submission's ~{CALLS_PER_SUBMISSION} calls: "
          f"{CALLS_PER_SUBMISSION * per_call[True] / 1e6:+.3f} ms")

    course = Course(REPO)
    assignment = load_assignment(NAME, course)
    references = KerasReferences(assignment, device="cpu")
    references.warm()
    with tempfile.TemporaryDirectory() as scratch:
        build_class(course, assignment, Path(scratch), copies=args.submissions // 2, honest_only=True)
        submissions = read_class(assignment, course, Path(scratch))
    found = detect()
    if not found.confined or found.cgroups is None:
        print(f"no cgroup here ({found.describe()}): the whole-submission comparison needs one")
        return
    with_cgroup, read_cgroup = submission_ms(found, submissions, assignment, references)
    without, read_zygote = submission_ms(Confinement(found.mode, None), submissions, assignment, references)
    print(f"reading a session's CPU: {read_cgroup:.1f} us from the cgroup, {read_zygote:.1f} us asked of the zygote; "
          f"{len(assignment.exercises)} reads a submission")
    print(f"an honest submission on one worker: {with_cgroup:.1f} ms with the cgroup (memory, pids, cpu weight, cpuset), "
          f"{without:.1f} ms without (address-space cap, one process a session): {with_cgroup / without:.2f}x")


if __name__ == "__main__":
    main()
