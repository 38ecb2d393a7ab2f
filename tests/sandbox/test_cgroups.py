"""Worker cgroups on whichever hierarchy this machine has: limits set, members
seen, memory events counted, stale groups of dead graders reaped."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.sandbox import cgroups

FOUND, WHY = cgroups.detect()
V2 = (cgroups.ROOT / "cgroup.controllers").exists()
needs_cgroups = pytest.mark.skipif(FOUND is None, reason=f"no usable cgroup here: {WHY}")


@needs_cgroups
def test_a_worker_cgroup_caps_memory_and_processes_and_sees_its_members():
    group = FOUND.create(9000, 128)
    try:
        folder = group.folders["memory"]
        limit = (folder / ("memory.max" if FOUND.version == 2 else "memory.limit_in_bytes")).read_text().strip()
        assert int(limit) == 128 << 20
        if FOUND.has_pids:
            pids = group.folders["pids"] / "pids.max"
            assert pids.read_text().strip() == str(cgroups.PROCESSES)
        sleeper = subprocess.Popen(["sleep", "60"])
        for procs in group.procs_files:
            Path(procs).write_text(str(sleeper.pid))
        assert group.members() == {sleeper.pid}
        before = group.memory_events()
        join = "; ".join(f"echo $$ > {procs}" for procs in group.procs_files)
        hog = subprocess.run(["sh", "-c", f"{join}; exec {sys.executable} -c 'x = bytearray(512 << 20)'"])
        assert hog.returncode != 0
        assert group.memory_events() > before
        assert group.kill() == set()
        sleeper.wait()
    finally:
        group.remove()
    assert not any(folder.exists() for folder in group.folders.values())


@needs_cgroups
def test_groups_of_dead_graders_are_reaped_and_live_ones_kept():
    dead = [base / "autograder-999999999-1-1" for _, base in FOUND.bases]
    live = FOUND.create(9001, 128)
    for folder in dead:
        folder.mkdir()
    try:
        assert FOUND.reap_stale() >= 1
        assert not any(folder.exists() for folder in dead)
        assert all(folder.exists() for folder in live.folders.values())
    finally:
        live.remove()


@pytest.mark.skipif(not V2, reason="this machine has no cgroup v2 (unified) hierarchy mounted")
def test_cgroup_v2_is_detected_with_memory_and_pids():
    assert FOUND is not None, WHY
    assert FOUND.version == 2 and FOUND.has_pids
    assert FOUND.describe().startswith("cgroup v2 memory+pids")


@pytest.mark.skipif(V2, reason="this machine has cgroup v2; the v1 case is tested where v1 is mounted")
def test_cgroup_v1_is_detected_with_its_controllers():
    assert FOUND is None or FOUND.version == 1


@pytest.mark.skipif(FOUND is None or not FOUND.shares_cpu, reason="no cpu and cpuset controllers for this grader here")
def test_a_worker_cgroup_keeps_its_students_on_the_cores_it_was_made_on():
    """A worker pinned to a core makes its group there: its students cannot leave that core, and
    the CPU they use is counted."""
    cores = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cores[-1]})
    try:
        group = FOUND.create(9002, 128)
    finally:
        os.sched_setaffinity(0, set(cores))
    try:
        assert group.folders["cpuset"].joinpath("cpuset.cpus").read_text().strip() == str(cores[-1])
        spinner = subprocess.Popen([sys.executable, "-c", "import os, time\nos.sched_setaffinity(0, set(range(os.cpu_count())))\nwhile time.process_time() < 0.4: pass\nprint(sorted(os.sched_getaffinity(0)))"],
                                   stdout=subprocess.PIPE, text=True, preexec_fn=lambda: [Path(p).write_text(str(os.getpid())) for p in group.procs_files])
        assert spinner.communicate(timeout=60)[0].strip() == str([cores[-1]])
        assert group.cpu_seconds() >= 0.4
    finally:
        group.remove()
