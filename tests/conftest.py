"""Fixtures for tests that run commands as other Unix users (the grader as an
ordinary user, students through nbgrader's exchange): as root, they become those users."""
from __future__ import annotations

import shutil
import stat
import sys
import tempfile
from pathlib import Path

import pytest


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
