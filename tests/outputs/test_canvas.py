import argparse
import csv
import io

import pytest

from autograder.cli import main
from autograder.errors import UserError
from autograder.outputs import canvas
from autograder.results import ResultStore

from outputs_fixtures import UNSAFE

ROSTER = """\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Homework 1 (1234),Current Score
    Points Possible,,,,,10.00,(read only)
"Zoe, Zed",101,9001,zoe,A,8,80
"Bob, Builder",102,bob,b.builder,A,5,50
"Dave, D",103,9003,DAVE,B,7,70
"Nora, Never",104,9004,nora,B,,
"Student, Test",105,,,A,0,0
"""


def _args(course, roster, **extra):
    base = dict(assignment="demo_assignment", course=course, out=None, format="canvas", roster=roster, output=None)
    return argparse.Namespace(**{**base, **extra})


def test_canvas_import_file_and_unmatched_lists(graded_dir, tmp_path, capsys):
    roster = tmp_path / "canvas.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    assert canvas.run(_args(graded_dir, roster)) == 0
    out = graded_dir / "grades" / "demo_assignment"
    rows = list(csv.reader(io.StringIO((out / "canvas.csv").read_text())))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "demo_assignment (autograder)"]
    assert rows[1] == ["    Points Possible", "", "", "", "", "4"]
    scores = {row[0]: row[-1] for row in rows[2:]}
    # zoe by login, bob by SIS User ID, DAVE ignoring case; nora has no submission: kept, empty
    assert scores == {"Zoe, Zed": "4", "Bob, Builder": "1", "Dave, D": "2", "Nora, Never": ""}
    unmatched = (out / "canvas_unmatched.txt").read_text()
    assert "Nora, Never" in unmatched
    assert "carol" in unmatched and "eve" in unmatched  # graded, not on the roster
    printed = capsys.readouterr().out
    assert "Nora, Never" in printed and "carol" in printed


def test_output_option(graded_dir, tmp_path):
    roster = tmp_path / "canvas.csv"
    roster.write_text(ROSTER)
    target = tmp_path / "to_canvas.csv"
    canvas.run(_args(graded_dir, roster, output=target))
    assert target.read_text().startswith("Student,ID,")


def test_bad_input_is_one_sentence(graded_dir, tmp_path, capsys):
    roster = tmp_path / "canvas.csv"
    roster.write_text(ROSTER)
    with pytest.raises(UserError, match="Unknown export format 'moodle'"):
        canvas.run(_args(graded_dir, roster, format="moodle"))
    with pytest.raises(UserError, match="does not exist"):
        canvas.run(_args(graded_dir, tmp_path / "nope.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_text("name,score\nx,1\n")
    with pytest.raises(UserError, match="not a Canvas gradebook export"):
        canvas.run(_args(graded_dir, bad))
    empty_course = tmp_path / "empty"
    empty_course.mkdir()
    (empty_course / "nbgrader_config.py").write_text("")
    code = main(["--course", str(empty_course), "export", "demo_assignment", "--format", "canvas", "--roster", str(roster)])
    assert code == 2 and capsys.readouterr().err.startswith("autograder: No grades for 'demo_assignment'")


HOSTILE_ROSTER = """Student,ID,SIS User ID,SIS Login ID,Section
    Points Possible,,,,
"=HYPERLINK(""http://evil"",""x"")",201,9101,-2+3,A
"@SUM(A1:A9)\u202e",202,9102,a\u0000b,A
"""


def test_roster_and_record_text_is_cleaned_and_never_a_formula(graded_dir, hostile_records, tmp_path, capsys):
    out = graded_dir / "grades" / "demo_assignment"
    (out / "results.jsonl").unlink()
    store = ResultStore(out)
    for record in hostile_records:
        store.append(record)
    roster = tmp_path / "roster.csv"
    roster.write_text(HOSTILE_ROSTER, encoding="utf-8")
    assert canvas.run(_args(graded_dir, roster)) == 0
    text = (out / "canvas.csv").read_text(encoding="utf-8")
    assert not UNSAFE.search(text)
    rows = list(csv.reader(io.StringIO(text)))[2:]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert rows[0][:4] == ['\'=HYPERLINK("http://evil","x")', "201", "9101", "'-2+3"] and rows[0][-1] == "1"  # matched by login
    assert rows[1][0] == "'@SUM(A1:A9)" and rows[1][3] == "ab" and rows[1][-1] == "1"  # matched raw, written clean
    for shown in ((out / "canvas_unmatched.txt").read_text(encoding="utf-8"), capsys.readouterr().out):
        assert not UNSAFE.search(shown) and "pwned" not in shown and "bob\ufffdevil" in shown
