import argparse

import pytest

from autograder.cli import main
from autograder.errors import UserError
from autograder.outputs import feedback
from autograder.outputs.feedback import feedback_html, write_feedback

from outputs_fixtures import HOSTILE, MASK_SENTENCE


def test_everything_from_the_record_is_escaped(assignment, records):
    eve = next(r for r in records if r.student_id == "eve")
    page = feedback_html(assignment, eve)
    assert HOSTILE not in page and "<img src=x" not in page and "<b>renamed</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;renamed&lt;/b&gt;" in page
    assert "<script" not in page.lower()
    assert "more characters not shown" in page and "x" * 2500 not in page  # printed output truncated


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


def test_an_odd_student_id_cannot_leave_the_folder(assignment, records, tmp_path):
    from dataclasses import replace

    odd = replace(records[0], student_id="../../etc")
    (path,) = write_feedback(assignment, [odd], tmp_path)
    assert path.parent == tmp_path / "feedback"


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
