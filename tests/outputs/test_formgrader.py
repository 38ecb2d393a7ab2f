"""nbgrader's formgrader, running, on a class ``autograder grade`` graded: it lists and opens
every submission, and what a grader sets there survives the next ``grade``.

The test starts a Jupyter server with nbgrader's formgrader on loopback in a temporary
course and talks to it as formgrader's own page does (its REST API, with a token).
"""
from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from autograder.assignment import load_assignment
from autograder.cli import main
from autograder.course import Course
from autograder.outputs.autograded import autograded_path
from autograder.samples import build_class, partial_mistakes
from autograder.sandbox.confinement import detect

from outputs_fixtures import BIN, run_nbgrader

NAME = "regularization_rnn"
REPO = Path(__file__).resolve().parents[2]
TOKEN = "formgrader-test-token"
START_LIMIT = 60.0

pytestmark = pytest.mark.skipif(not detect().confined, reason=f"grading needs the sandbox: {detect().problem}")


def _missing_server() -> str | None:
    if not (BIN / "jupyter-server").is_file():
        return f"no jupyter-server in {BIN}"
    if importlib.util.find_spec("nbgrader.server_extensions.formgrader") is None:
        return "nbgrader's formgrader extension is not installed"
    return None


class Formgrader:
    """A Jupyter server with nbgrader's formgrader in a course folder, spoken to with a token."""

    def __init__(self, course: Path, scratch: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.log = scratch / "jupyter-server.log"
        env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
               "JUPYTER_CONFIG_DIR": str(scratch / "config"), "JUPYTER_RUNTIME_DIR": str(scratch / "runtime")}
        command = [str(BIN / "jupyter-server"), "--allow-root", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
                   f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={course}",
                   "--ServerApp.jpserver_extensions", "nbgrader.server_extensions.formgrader=True"]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=course, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait(self) -> None:
        """Until formgrader answers; the test is skipped, with the server's last words, if it never does."""
        deadline = time.monotonic() + START_LIMIT
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if self.get("/formgrader/api/status") == {"status": True}:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        tail = self.log.read_text(errors="replace")[-1500:]
        pytest.skip(f"jupyter-server with nbgrader's formgrader did not start on 127.0.0.1:{self.port}: {tail}")

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                         headers={"Authorization": f"token {TOKEN}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()

    def get(self, path: str):
        return json.loads(self.request("GET", path)[1])

    def put(self, path: str, body: dict):
        return json.loads(self.request("PUT", path, body)[1])

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """The assignment released by nbgrader in a fresh course, and an honest class submitted."""
    course = tmp_path / "course"
    for folder in ("assignments", "release", "checks"):
        shutil.copytree(REPO / folder / NAME, course / folder / NAME)
    (course / "solutions").mkdir()
    shutil.copy(REPO / "solutions" / f"{NAME}.py", course / "solutions")
    shutil.copy(REPO / "nbgrader_config.py", course)
    run_nbgrader(course, "generate_assignment", NAME, "--force")
    build_class(Course(REPO), load_assignment(NAME), course / "submitted", honest_only=True)
    return course


@pytest.fixture
def formgrader(course: Path, tmp_path: Path) -> Iterator[Formgrader]:
    if reason := _missing_server():
        pytest.skip(reason)
    server = Formgrader(course, tmp_path)
    yield server
    server.stop()


def grade(course: Path) -> None:
    assert main(["--course", str(course), "grade", NAME, "--workers", "1", "--timeout", "5", "--memory", "768"]) == 0


def page_text(page: str) -> str:
    """What a reader of the page sees: tags gone (highlighting splits code into spans), entities read."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def test_formgrader_opens_every_submission_and_keeps_manual_grades_through_a_regrade(course, formgrader):
    grade(course)  # while the server starts
    formgrader.wait()
    listed = formgrader.get(f"/formgrader/api/submitted_notebooks/{NAME}/{NAME}")
    assert sorted(s["student"] for s in listed) == ["correct_0000", "partly_wrong_0000"]
    assert sorted(s["index"] for s in listed) == [0, 1]  # both open: formgrader indexes only notebooks it finds
    wrong = next(s for s in listed if s["student"] == "partly_wrong_0000")
    mistake = partial_mistakes(load_assignment(NAME))[0]
    assert wrong["failed_tests"] and wrong["score"] < wrong["max_score"]

    # The submission page: formgrader renders the autograded notebook, the student's code in it.
    status, page = formgrader.request("GET", f"/formgrader/submissions/{wrong['id']}/?index={wrong['index']}")
    assert status == 200
    shown = page_text(page)
    for line in filter(str.strip, mistake.code.splitlines()):
        assert line in shown
    assert f"points for {mistake.exercise} (graded)" in shown

    # A grader gives partial credit and a comment, as formgrader's page does.
    grades = {g["name"]: g for g in formgrader.get(f"/formgrader/api/grades?submission_id={wrong['id']}")}
    comments = {c["name"]: c for c in formgrader.get(f"/formgrader/api/comments?submission_id={wrong['id']}")}
    test, answer = grades[f"test_{mistake.exercise}"], comments[f"{mistake.exercise}_solution"]
    manual = test["auto_score"] + 0.5
    formgrader.put(f"/formgrader/api/grade/{test['id']}", {"manual_score": manual, "extra_credit": None})
    formgrader.put(f"/formgrader/api/comment/{answer['id']}", {"manual_comment": "Right idea, see the lecture's scaling."})

    # The student's notebook changes (not its code); the other's does not; grade runs again.
    submitted = course / "submitted" / "partly_wrong_0000" / NAME / f"{NAME}.ipynb"
    notebook = json.loads(submitted.read_text())
    remark = "Resubmitted with a last remark. <script>document.title = 'graded by the student'</script>"
    notebook["cells"].append({"cell_type": "markdown", "metadata": {}, "source": remark})
    submitted.write_text(json.dumps(notebook))
    untouched = autograded_path(Course(course), "correct_0000", NAME).stat().st_mtime_ns
    grade(course)

    after = {g["name"]: g for g in formgrader.get(f"/formgrader/api/grades?submission_id={wrong['id']}")}
    assert (after[test["name"]]["manual_score"], after[test["name"]]["auto_score"]) == (manual, test["auto_score"])
    assert {n: g["auto_score"] for n, g in after.items()} == {n: g["auto_score"] for n, g in grades.items()}
    assert formgrader.get(f"/formgrader/api/comment/{answer['id']}")["manual_comment"] == "Right idea, see the lecture's scaling."
    status, page = formgrader.request("GET", f"/formgrader/submissions/{wrong['id']}/?index={wrong['index']}")
    assert status == 200 and "Resubmitted with a last remark." in page_text(page)
    assert "graded by the student" in page and "<script>document.title" not in page  # shown, never run
    assert autograded_path(Course(course), "correct_0000", NAME).stat().st_mtime_ns == untouched
