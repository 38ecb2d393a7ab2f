"""The class report: content checks, then a real render in headless Chromium."""
import argparse
import os
import re
import shutil
import subprocess

import pytest

from autograder.outputs import report
from autograder.outputs.report import report_html
from autograder.results import ExerciseGrade, SubmissionGrade
from autograder.status import Status

from outputs_fixtures import HOSTILE, MASK_SENTENCE, UNSAFE

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars",
]


def test_page_has_plots_reasons_problems_and_the_table(assignment, records):
    page = report_html(assignment, records)
    assert page.count('<img src="data:image/png;base64,') == len(assignment.exercises) + 1
    assert "http://" not in page and "https://" not in page  # nothing to fetch
    assert f"<b>2</b> students: {MASK_SENTENCE}".replace("'", "&#x27;") in page  # bob and eve
    attention = page.split('id="attention"')[1].split("</table>")[0]
    assert "carol" in attention and "notebook is not valid JSON" in attention
    assert "dave" in attention and "b: timed out" in attention and "bob" in attention
    assert "zoe" not in attention and "eve" not in attention
    students = page.split('id="students"')[1]
    assert re.search(r'<td data-v="zoe">zoe</td><td class="num" data-v="2">2</td><td class="num" data-v="2">2</td><td class="num" data-v="4">4</td>', students)
    assert "mean <b>1.20</b>" in page


def test_reasons_show_code_as_code_never_backticks(assignment, records):
    page = report_html(assignment, records)
    assert "<b>1</b> student: <code>rnn_step</code> is not defined as a function" in page and "`" not in page


@pytest.mark.parametrize("status", [s for s in Status if s != Status.GRADED])
def test_a_submission_not_graded_normally_is_listed_in_the_words_every_output_uses(assignment, status):
    record = SubmissionGrade("ann", "demo_assignment", "d", "x.ipynb", None, None,
                             (ExerciseGrade("a", 0, 2, status, (status.sentence or "Why.",)), ExerciseGrade("b", 2, 2, Status.GRADED)))
    attention = report_html(assignment, [record]).split('id="attention"')[1].split("</table>")[0]
    assert f"<td>a: {status.text}</td>" in attention


def test_student_text_is_escaped(assignment, records):
    page = report_html(assignment, records)
    assert HOSTILE not in page and "<b>renamed</b>" not in page
    assert "&lt;b&gt;renamed&lt;/b&gt;" in page
    assert page.lower().count("<script") == 1  # only the sorting snippet


def test_hostile_text_is_cleaned_before_it_is_escaped(assignment, hostile_records, tmp_path):
    page = report.write_report(assignment, hostile_records, tmp_path).read_text(encoding="utf-8")
    assert not UNSAFE.search(page) and "pwned" not in page
    students = page.split('id="students"')[1]
    assert '<td data-v="ab">ab</td>' in students and students.count('data-v="ab"') == 2  # a\x00b and a\x01b both listed
    assert "<b>9</b> students: \ufffdevil\n=1+1" in page  # one reason, however its controls differed


def test_report_command_writes_the_page(graded_dir):
    args = argparse.Namespace(assignment="demo_assignment", course=graded_dir, out=None)
    assert report.run(args) == 0
    assert (graded_dir / "grades" / "demo_assignment" / "report.html").stat().st_size > 10_000


@pytest.fixture(scope="session")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("headless Chromium is not installed and cannot be installed here (needs root and apt-get): "
                    "`apt-get install -y chromium` to run the report render test")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            pytest.skip(f"could not install Debian's chromium ({' '.join(command)} failed): {done.stderr.strip()[-300:]}")
    found = shutil.which("chromium")
    if not found:
        pytest.skip("apt-get installed chromium but no `chromium` is on PATH")
    return found


def _chromium(binary, tmp_path, *args):
    profile = tmp_path / "profile"
    command = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.mark.e2e
def test_renders_with_its_plots_in_headless_chromium(chromium, assignment, records, tmp_path):
    from PIL import Image

    page = report.write_report(assignment, records, tmp_path)
    dom = _chromium(chromium, tmp_path, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    images = re.findall(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="([^"]*)"', dom.stdout)
    assert images == ["score distribution of a", "score distribution of b", "distribution of total scores"]
    assert "<td data-v=\"carol\">carol</td>" in dom.stdout

    shot = tmp_path / "report.png"
    done = _chromium(chromium, tmp_path, f"--screenshot={shot}", "--window-size=1200,1400", page.as_uri())
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    assert image.size == (1200, 1400)
    colors = image.getcolors(maxcolors=1 << 20)
    assert len(colors) > 50, "the screenshot is blank"
    # The bars are drawn in #3b6ea8: the plots were decoded and painted, not just present in the DOM.
    bar_pixels = sum(n for n, (r, g, b) in colors if abs(r - 0x3B) < 12 and abs(g - 0x6E) < 12 and abs(b - 0xA8) < 12)
    assert bar_pixels > 2000
