import argparse
import os
import re
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from autograder.cli import main
from autograder.errors import UserError
from autograder.outputs import feedback
from autograder.outputs.common import safe_file_name
from autograder.outputs.feedback import NOT_YET, feedback_html, place_for_nbgrader, write_feedback
from autograder.results import ExerciseGrade, SubmissionGrade
from autograder.status import Status
from autograder.text import student_id_for

from outputs_fixtures import HOSTILE, MASK_SENTENCE, UNSAFE


def test_everything_from_the_record_is_escaped(assignment, records):
    eve = next(r for r in records if r.student_id == "eve")
    page = feedback_html(assignment, eve)
    assert HOSTILE not in page and "<img src=x" not in page and "<b>renamed</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;renamed&lt;/b&gt;" in page
    assert "<script" not in page.lower()
    assert "more characters not kept" in page and "x" * 2500 not in page  # printed output truncated


def test_each_student_sees_scores_sentences_status_and_problem(assignment, records, tmp_path):
    paths = write_feedback(assignment, records, tmp_path)
    assert sorted(p.name for p in paths) == sorted(f"{r.student_id}.html" for r in records)
    bob = (tmp_path / "feedback" / "bob.html").read_text()
    assert "1 / 2" in bob and MASK_SENTENCE.replace("'", "&#x27;") in bob and "function not defined" in bob
    assert "Total: <b>1 / 4</b>" in bob
    carol = (tmp_path / "feedback" / "carol.html").read_text()
    assert "notebook is not valid JSON" in carol and "could not be graded normally" in carol
    dave = (tmp_path / "feedback" / "dave.html").read_text()
    assert "timed out" in dave


def _section(page: str, exercise: str) -> str:
    return page.split(f"<small>({exercise})</small>")[1].split("</section>")[0]


def test_what_is_not_yet_right_stands_under_a_heading_each_failed_check_marked(assignment, records):
    bob = feedback_html(assignment, next(r for r in records if r.student_id == "bob"))
    a, b = _section(bob, "a"), _section(bob, "b")
    assert f'<p class="missing">{NOT_YET}</p><ul class="failed"><li><span class="mark" aria-hidden="true">✗</span> ' in a
    assert MASK_SENTENCE.replace("'", "&#x27;") + "</li>" in a
    assert "Status: function not defined" in b and NOT_YET in b
    assert "<code>rnn_step</code> is not defined as a function" in b and "`" not in bob  # markup rendered, never shown


@pytest.mark.parametrize("status", [s for s in Status if s.sentence])
def test_a_status_that_kept_the_checks_from_running_is_explained_not_listed_as_a_failure(assignment, status):
    record = SubmissionGrade("ann", "demo_assignment", "d", "x.ipynb", None, None,
                             (ExerciseGrade("a", 0, 2, status, (status.sentence,)), ExerciseGrade("b", 2, 2, Status.GRADED)))
    page = feedback_html(assignment, record)
    a = _section(page, "a")
    assert f"Status: {status.text}" in a and f"<p>{status.sentence}</p>" in a.replace("&#x27;", "'")
    assert NOT_YET not in page and "All checks passed." in _section(page, "b")


def test_a_submission_that_could_not_be_read_says_why_once(assignment, records):
    carol = feedback_html(assignment, next(r for r in records if r.student_id == "carol"))
    assert carol.count("notebook is not valid JSON") == 1 and carol.count("Status: notebook unreadable") == 2
    assert NOT_YET not in carol


def test_what_the_cells_printed_is_shown_as_it_is_whatever_it_says_of_cells(assignment, records):
    printed = "[errors while running your notebook]\ncell 7: stopped the process\ncell 12: NameError: `x`"
    bob = next(r for r in records if r.student_id == "bob")
    record = replace(bob, exercises=(replace(bob.exercises[0], printed=printed), bob.exercises[1]))
    assert f"<pre>{printed}</pre>" in feedback_html(assignment, record)


def test_an_odd_student_id_cannot_leave_the_folder(assignment, records, tmp_path):
    odd = replace(records[0], student_id="../../etc")
    (path,) = write_feedback(assignment, [odd], tmp_path)
    assert path.parent == tmp_path / "feedback"


@pytest.mark.parametrize("student_id", ["bob", "j.doe", "anna+1@uni.edu", "Zoe-2"])
def test_a_safe_id_is_its_own_file_name(student_id):
    assert safe_file_name(student_id) == student_id


def test_file_names_are_injective_and_never_hidden():
    ids = ["a b", "a_b", "a\x00b", "a\x01b", "a/b", "a\\b", ".", "..", "", ".bashrc", "_.bashrc", "\udcff", "\udcfe",
           "x" * 300, "x" * 301, "a_b~" + "0" * 12]
    names = [safe_file_name(i) for i in ids]
    assert len(set(names)) == len(ids)
    for name in names:
        assert re.fullmatch(r"[A-Za-z0-9._@+~-]+", name) and not name.startswith(".") and len(name) < 120, name


def test_hostile_records_each_get_their_own_clean_page(assignment, hostile_records, tmp_path):
    paths = write_feedback(assignment, hostile_records, tmp_path)
    assert len(set(paths)) == len(hostile_records) and all(p.parent == tmp_path / "feedback" for p in paths)
    for path in paths:
        page = path.read_text(encoding="utf-8")
        assert not UNSAFE.search(page) and "pwned" not in page and "\ufffdevil" in page


def _args(course, **extra):
    return argparse.Namespace(assignment="demo_assignment", course=course, out=None, **extra)


def test_feedback_command_places_files_for_release_feedback(graded_dir, records, capsys):
    submitted = graded_dir / "submitted" / "bob" / "demo_assignment"
    submitted.mkdir(parents=True)
    (submitted / "timestamp.txt").write_text("2024-01-01 10:00:00.000000 UTC")
    (submitted / "submission_secret.txt").write_text("s3cret")
    assert feedback.run(_args(graded_dir)) == 0
    for record in records:
        placed = graded_dir / "feedback" / record.student_id / "demo_assignment" / "demo_assignment.html"
        assert placed.read_text() == (graded_dir / "grades" / "demo_assignment" / "feedback" / f"{record.student_id}.html").read_text()
    bob = graded_dir / "feedback" / "bob" / "demo_assignment"
    assert (bob / "submission_secret.txt").read_text() == "s3cret" and (bob / "timestamp.txt").exists()
    assert "cannot hand them back" in capsys.readouterr().out  # the others were not collected via the exchange


def test_no_grades_is_one_sentence_and_exit_2(tmp_path, capsys):
    (tmp_path / "nbgrader_config.py").write_text("")
    with pytest.raises(UserError, match=r"No grades for 'demo_assignment' in .*: run `autograder grade demo_assignment` first\."):
        feedback.run(_args(tmp_path))
    for command in ("feedback", "report"):
        assert main(["--course", str(tmp_path), command, "demo_assignment"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("autograder: No grades for 'demo_assignment'") and err.count("\n") == 1


def test_release_files_never_come_through_a_link_or_a_pipe(assignment, records, tmp_path):
    out, root, submitted = tmp_path / "out", tmp_path / "feedback", tmp_path / "submitted"
    bob, zoe = records[1], records[0]
    write_feedback(assignment, [bob, zoe], out)
    grader_secret = tmp_path / "grader_secret"
    grader_secret.write_text("the grader's key")
    (submitted / "bob" / "demo_assignment").mkdir(parents=True)
    (submitted / "bob" / "demo_assignment" / "submission_secret.txt").symlink_to(grader_secret)
    os.mkfifo(submitted / "bob" / "demo_assignment" / "timestamp.txt")
    (submitted / "zoe").symlink_to(submitted / "bob", target_is_directory=True)
    done = []
    worker = threading.Thread(target=lambda: done.append(place_for_nbgrader(assignment, [bob, zoe], out, root, submitted)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "a FIFO blocked the copy"
    placed, without_secret = done[0]
    assert len(placed) == 2 and without_secret == ["bob", "zoe"]
    assert sorted(p.name for p in (root / "bob" / "demo_assignment").iterdir()) == ["demo_assignment.html"]


def test_release_files_are_found_for_a_non_utf8_folder(assignment, records, tmp_path):
    out, root, submitted = tmp_path / "out", tmp_path / "feedback", tmp_path / "submitted"
    folder = os.path.join(os.fsencode(submitted), b"caf\xe9", b"demo_assignment")
    os.makedirs(folder)
    with open(os.path.join(folder, b"submission_secret.txt"), "w") as stream:
        stream.write("s3cret")
    record = replace(records[0], student_id=student_id_for(os.fsdecode(b"caf\xe9")))
    write_feedback(assignment, [record], out)
    (placed,), without_secret = place_for_nbgrader(assignment, [record], out, root, submitted)
    assert without_secret == [] and (placed.parent / "submission_secret.txt").read_text() == "s3cret"
    assert placed.parent.parent.name == safe_file_name(record.student_id) != record.student_id
