"""Fixtures for tests that run commands as other Unix users (the grader as an
ordinary user, students through nbgrader's exchange): as root, they become those users."""
from __future__ import annotations

import fcntl
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from classes import ESCAPES, GRADE_OPTIONS, SECRET, grades_csv

NOBODY = 65534
END_TO_END = (
    "test_grading.py", "test_unprivileged.py", "test_exchange.py", "test_release.py", "test_course.py",
    "test_notebook.py", "test_local_workers.py", "otter/test_against_otter.py", "otter/test_exception_format.py",
    "otter/test_release_imported.py", "outputs/test_formgrader.py", "sandbox/test_install.py",
)
"""Modules that run the commands, nbgrader, otter or Jupyter end to end: ``make check`` leaves them
out, ``make test`` runs them too. Single tests of the kind elsewhere carry ``@pytest.mark.e2e``."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    tests = Path(__file__).resolve().parent
    for item in items:
        if item.path.resolve().relative_to(tests).as_posix() in END_TO_END:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def traversable_root():
    """Other users can reach the Python here and this checkout for the test's duration: the Python
    lives under /root (mode 700), and a clone may live in a private folder (``mktemp -d``, a home).
    Each folder above them gets search permission for others (never read), and its mode back after;
    such tests take turns, so that one never gives back a mode while another still needs it."""
    reached = (Path(sys.base_prefix).resolve(), Path(__file__).resolve().parents[1])
    folders = {p for path in reached for p in (path, *path.parents) if p != Path("/")}
    with open(Path(tempfile.gettempdir()) / "autograder-tests-modes.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one such test at a time across pytest-xdist's workers
        modes = {p: stat.S_IMODE(p.stat().st_mode) for p in folders}
        for folder, mode in modes.items():
            folder.chmod(mode | 0o001)
        try:
            yield
        finally:
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


@pytest.fixture(scope="session")
def graded_classes(tmp_path_factory: pytest.TempPathFactory):
    """The whole sample class of an assignment (honest, broken and hostile students) graded as root,
    once a session whichever tests ask for it: ``graded_classes(name) -> (students, folder, grades.csv rows)``."""
    from autograder.assignment import load_assignment
    from autograder.cli import main
    from autograder.course import Course
    from autograder.samples import build_class

    repo = Path(__file__).resolve().parents[1]
    graded: dict[str, tuple] = {}

    def grade(name: str):
        if name not in graded:
            root = tmp_path_factory.mktemp(f"class-{name}")
            for path in ESCAPES:
                path.unlink(missing_ok=True)
            students = build_class(Course(repo), load_assignment(name), root / "submitted")
            segments = Path("/proc/sysvipc/shm").read_text()
            os.environ["AUTOGRADER_TEST_TOKEN"] = SECRET
            try:
                assert main(["grade", name, "--submitted", str(root / "submitted"), "--out", str(root / "out"), *GRADE_OPTIONS]) == 0
            finally:
                del os.environ["AUTOGRADER_TEST_TOKEN"]
            assert Path("/proc/sysvipc/shm").read_text() == segments, "a student left SysV shared memory on the host"
            graded[name] = (students, root, grades_csv(root / "out"))
        return graded[name]

    return grade
