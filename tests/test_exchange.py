"""The course's life cycle through nbgrader's real exchange, as an instructor and
two students (separate Unix users) live it: release, fetch, validate, submit
(twice), collect, ``autograder grade``, ``autograder feedback``,
``release_feedback``, ``fetch_feedback``, and the gradebook and
``nbgrader export`` at the end.

``make course-demo`` runs this test and prints each command as it goes.
"""
from __future__ import annotations

import csv
import os
import pwd
import shlex
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from autograder.assignment import load_assignment
from autograder.course import Course
from autograder.samples import build_class
from autograder.sandbox.confinement import detect

NAME = "regularization_rnn"
"""The course's numpy assignment: the exchange is under test here, not Keras, which test_grading grades."""
REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
COURSE_ID = "dl101"
pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("setpriv") or not detect().confined,
    reason="needs root: nbgrader's exchange names a student by their Unix account, so two students are two users, "
    "run with setpriv (and a working sandbox to grade them)",
)


STUDENTS = ("ag-ada", "ag-ben")
"""Unix users for the two students; nbgrader's exchange names a student by the account's name."""


class Person:
    """Someone who runs commands: the instructor (this process's user) or a student (another uid)."""

    def __init__(self, name: str, home: Path, uid: int | None = None, gid: int | None = None) -> None:
        self.name, self.home, self.uid, self.gid = name, home, uid, gid

    def run(self, *command: str, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
        env = {
            "PATH": f"{BIN}{os.pathsep}/usr/bin{os.pathsep}/bin", "PYTHONPATH": str(REPO), "HOME": str(self.home),
            "USER": self.name, "LOGNAME": self.name, "LANG": "C.UTF-8",
            "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0",
        }
        if self.uid is None:
            env["AUTOGRADER_CACHE"] = os.environ.get("AUTOGRADER_CACHE", str(Path.home() / ".cache" / "autograder"))
        prefix = [] if self.uid is None else ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--clear-groups"]
        print(f"[{self.name}] $ {shlex.join(command)}", flush=True)
        done = subprocess.run([*prefix, *command], cwd=cwd or self.home, env=env, capture_output=True, text=True, timeout=300)
        if check:
            assert done.returncode == 0, f"{shlex.join(command)} as {self.name}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        return done

    def nbgrader(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
        return self.run(str(BIN / "nbgrader"), *args, cwd=cwd)


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture
def students(shared_tmp) -> list[Person]:
    """The two students as Unix users, each with a private home; users this
    test had to create (``useradd --system``) are removed afterwards."""
    created = []
    people = []
    for name in STUDENTS:
        home = shared_tmp / "home" / name
        try:
            pwd.getpwnam(name)
        except KeyError:
            subprocess.run(["useradd", "--system", "--user-group", "--no-create-home", "--home-dir", str(home),
                            "--shell", "/usr/sbin/nologin", name], check=True)
            created.append(name)
        account = pwd.getpwnam(name)
        home.mkdir(parents=True)
        os.chown(home, account.pw_uid, account.pw_gid)
        home.chmod(0o700)
        people.append(Person(name, home, account.pw_uid, account.pw_gid))
    yield people
    for name in created:
        subprocess.run(["userdel", name], check=True)


@pytest.fixture
def course(shared_tmp, traversable_root) -> tuple[Path, Path]:
    """A copy of the course wired to a fresh exchange; returns (course, exchange)."""
    course, exchange = shared_tmp / "course", shared_tmp / "exchange"
    course.mkdir()
    shutil.copy(REPO / "nbgrader_config.py", course)
    for folder in ("assignments", "release", "checks", "solutions"):
        shutil.copytree(REPO / folder, course / folder, ignore=shutil.ignore_patterns("__pycache__"))
    with (course / "nbgrader_config.py").open("a") as config:
        config.write(
            f"\nc.CourseDirectory.course_id = {COURSE_ID!r}\nc.Exchange.root = {str(exchange)!r}\n"
            "c.LateSubmissionPlugin.penalty_method = 'zero'\n"
        )
    exchange.mkdir()
    exchange.chmod(0o777)  # as nbgrader's docs set up /srv/nbgrader/exchange
    return course, exchange


def test_the_course_end_to_end_through_nbgraders_exchange(course, students, shared_tmp):
    course, exchange = course
    teacher = Person("instructor", Path.home())
    ada, ben = students
    work = build_class(Course(REPO), load_assignment(NAME), shared_tmp / "work", honest_only=True)
    correct, partly_wrong = (shared_tmp / "work" / f"{kind}_0000" / NAME / f"{NAME}.ipynb" for kind in ("correct", "partly_wrong"))
    assert [s.kind for s in work] == ["correct", "partly wrong"]

    # The instructor releases the assignment to the exchange.
    teacher.run(sys.executable, "-m", "autograder.cli", "release", NAME, cwd=course)
    teacher.nbgrader("release_assignment", NAME, cwd=course)
    exchange_args = (f"--course={COURSE_ID}", f"--Exchange.root={exchange}")

    def hand_in(student: Person, notebook: Path, validate: bool = False) -> None:
        """The student's work goes into the fetched notebook (written as theirs), then to the exchange."""
        target = student.home / NAME / f"{NAME}.ipynb"
        shutil.copyfile(notebook, target)
        os.chown(target, student.uid, student.gid)
        if validate:
            passed = student.nbgrader("validate", str(target), cwd=student.home / NAME).stdout
            assert "Success! Your notebook passes all the tests." in passed
        student.nbgrader("submit", NAME, *exchange_args)

    # Each student fetches it; Ada validates her finished work and submits twice, Ben once and later.
    for student in (ada, ben):
        student.nbgrader("fetch_assignment", NAME, *exchange_args)
        assert (student.home / NAME / f"{NAME}.ipynb").is_file()
    hand_in(ada, partly_wrong)
    hand_in(ada, correct, validate=True)
    time.sleep(1.1)
    due = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    time.sleep(1.1)
    hand_in(ben, partly_wrong)

    # The instructor sets the due date between the two (Ben is late), collects and grades.
    teacher.nbgrader("db", "assignment", "add", NAME, f"--duedate={due.isoformat(sep=' ')} UTC", cwd=course)
    teacher.nbgrader("collect", NAME, cwd=course)
    graded = teacher.run(sys.executable, "-m", "autograder.cli", "grade", NAME, "--workers", "2", "--timeout", "10",
                         "--memory", "1024", cwd=course)
    assert "2 submissions" in graded.stderr
    rows = _csv(course / "grades" / NAME / "grades.csv")
    totals = {s: sum(float(r["score"]) for r in rows if r["student_id"] == s) for s in STUDENTS}
    maximum = sum(float(r["max_score"]) for r in rows if r["student_id"] == ada.name)
    assert totals[ada.name] == maximum > totals[ben.name]  # Ada is graded on her later, correct submission

    # The gradebook agrees with grades.csv, knows when each student submitted, and nbgrader's
    # export applies the course's late-submission plugin ('zero') to Ben alone.
    from nbgrader.api import Gradebook
    from nbgrader.utils import parse_utc

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in STUDENTS:
            submission = gb.find_submission(NAME, student)
            assert submission.score == totals[student]
            stamp = (course / "submitted" / student / NAME / "timestamp.txt").read_text()
            assert submission.timestamp == parse_utc(stamp.strip())
        assert gb.find_submission(NAME, ada.name).timestamp < due < gb.find_submission(NAME, ben.name).timestamp
    teacher.nbgrader("export", "--to", "export.csv", cwd=course)
    on_time, late = (next(r for r in _csv(course / "export.csv") if r["student_id"] == s.name) for s in (ada, ben))
    assert float(on_time["score"]) == totals[ada.name] and float(on_time["late_submission_penalty"]) == 0
    assert float(late["raw_score"]) == totals[ben.name] and float(late["score"]) == 0

    # Feedback goes back through the exchange; each student fetches their own, with their own scores.
    teacher.run(sys.executable, "-m", "autograder.cli", "feedback", NAME, cwd=course)
    teacher.nbgrader("release_feedback", NAME, cwd=course)
    for student, other in ((ada, ben), (ben, ada)):
        student.nbgrader("fetch_feedback", NAME, *exchange_args)
        pages = sorted((student.home / NAME / "feedback").glob(f"*/{NAME}.html"))
        assert len(pages) == 1, pages
        page = pages[0].read_text()
        assert f"Student: <b>{student.name}</b>" in page and f"Total: <b>{totals[student.name]:g} / {maximum:g}</b>" in page
        assert f"<b>{other.name}</b>" not in page
        # Nor can a student reach the other's: the exchange's feedback folder cannot be listed, a home cannot be read.
        assert student.run("ls", str(exchange / COURSE_ID / "feedback"), check=False).returncode != 0
        assert student.run("ls", str(other.home), check=False).returncode != 0
