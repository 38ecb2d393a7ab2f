"""Fixtures for tests that run commands as other Unix users (the grader as an
ordinary user, students through nbgrader's exchange): as root, they become those users."""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

NOBODY = 65534


@pytest.fixture
def traversable_root():
    """The Python here lives under /root (mode 700): let others through, as a grader's machine would."""
    python_home = Path(sys.base_prefix).resolve()
    folders = [p for p in (python_home, *python_home.parents) if p != Path("/")]
    modes = {p: stat.S_IMODE(p.stat().st_mode) for p in folders}
    for folder, mode in modes.items():
        folder.chmod(mode | 0o001)
    yield
    for folder, mode in modes.items():
        folder.chmod(mode)


@pytest.fixture
def shared_tmp():
    """A folder an ordinary user can reach (pytest's own are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="autograder-user-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def as_nobody(shared_tmp, traversable_root):
    """Runs a command as the ordinary user ``nobody``, with a home and a grader cache of its own
    (the reference answers copied in; it builds its own site-packages copy)."""
    home = shared_tmp / "home"
    (home / "cache").mkdir(parents=True)
    for answers in (Path.home() / ".cache" / "autograder").glob("*.wire"):
        shutil.copy(answers, home / "cache")
    for path in (home, *home.rglob("*")):
        os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "AUTOGRADER_CACHE": str(home / "cache"), "LANG": "C.UTF-8"}

    def run(command: list[str], **options) -> subprocess.CompletedProcess:
        return subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command],
                              capture_output=True, text=True, env=env | options.pop("env", {}), **options)

    return run
