"""``--memory`` caps the whole session in every mode: children, memfd, socket and pipe buffers,
System V shared memory, the scratch tmpfs. Where a cgroup counts them they are allowed and the
cgroup holds; where none does, what it would not see is refused and one address space is the cap."""
from __future__ import annotations

import errno
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from autograder.sandbox.confinement import detect
from autograder.sandbox.sandboxes import SandboxPool
from memory_routes import MEMORY_MB, SETTINGS, try_routes, without_cgroup

pytestmark = pytest.mark.skipif(not detect().confined, reason=f"no sandbox here: {detect().problem}")
HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SCRATCH_MB = 64


def expect_refused_where_uncounted(met: dict) -> None:
    assert met["children"] == 0, "a session without a cgroup made a second process"
    for route in ("memfd", "socket buffers", "pipes", "System V shared memory"):
        assert met[route] == errno.EPERM, (route, met[route])
    assert met["address space"] == "failure: memory"
    assert met["scratch"] <= min(SCRATCH_MB, MEMORY_MB // 4) << 20


@pytest.mark.skipif(detect().cgroups is None, reason="no cgroup for this grader here")
def test_in_cgroup_mode_the_cgroup_holds_everything_a_session_holds():
    pool = SandboxPool(SETTINGS, 1)
    try:
        met = try_routes(pool)
        group = pool._all[0].cgroup
        peak = group.folders["memory"] / ("memory.peak" if group.version == 2 else "memory.max_usage_in_bytes")
        held = int(peak.read_text())
    finally:
        pool.close()
    assert met["children"] in ("failure: memory", "failure: crashed") or isinstance(met["children"], int)
    assert held <= MEMORY_MB << 20
    for route in ("memfd", "socket buffers", "pipes"):
        assert met[route] == errno.EPERM, (route, met[route])
    assert met["System V shared memory"] == 0
    assert met["address space"] == "failure: memory"
    assert met["scratch"] <= SCRATCH_MB << 20


def test_without_a_cgroup_what_an_address_space_limit_would_not_see_is_refused():
    pool = without_cgroup()
    try:
        met = try_routes(pool)
    finally:
        pool.close()
    expect_refused_where_uncounted(met)


@pytest.mark.e2e
@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root (to become an ordinary user) and setpriv")
def test_as_an_ordinary_user_in_a_user_namespace(as_nobody):
    done = as_nobody([sys.executable, str(HERE / "memory_routes.py")], cwd=REPO, env={"PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert "user namespace" in outcome["mode"]
    expect_refused_where_uncounted(outcome["met"])
