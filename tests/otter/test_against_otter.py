"""The real otter-grader and our import of the same notebook give the same per-question scores.

`otter assign` builds the student and autograder versions of `squares.ipynb`
(otter's init, check, check-all and export cells in the student notebook; a
question's points split among its cases, all or nothing, a list of points; a
data file beside the notebook); `otter run` grades four filled-in student
notebooks; `autograder import-otter` and `autograder grade` grade the same four
in a temporary copy of the course (the repository is left without the imported
assignment). The fractional scores agree except for the cheating notebook,
which replaces doctest's runner: otter runs its tests in the student's process
and gives it full marks; our checks compare outputs in the grader and give it
what its wrong answers earn.

Gradescope's results.json: otter's ``to_gradescope_dict`` and ours give the same
tests, scores, visibility and statuses under otter's defaults and under
``show_hidden`` (how, and what may differ, in ``both_tools.same_gradescope_shape``).
"""
from __future__ import annotations

import csv
import sys

import pytest

from autograder.results import ResultStore
from both_tools import CONFIGS_COMPARED, grade_both, run, same_gradescope_shape

TOTAL = 'import csv\ntotal = sum(int(row["value"]) for row in csv.DictReader(open("data.csv")))'
ANSWERS = {
    "correct": ('def square(x):\n    """The square of x."""\n    return x * x', "evens = [0, 2, 4, 6, 8]", TOTAL),
    "partly": ('def square(x):\n    """The square of x."""\n    return abs(x) * x', "evens = [0, 2, 4, 6]", TOTAL.replace("total = sum", "total = float(sum") + ")"),
    "wrong_q1": ('def square(x):\n    """The square of x."""\n    return 2 * x', "evens = list(range(0, 10, 2))", TOTAL),
    "cheat": (
        'import doctest\ndoctest.DocTestRunner.run = lambda self, *a, **k: doctest.TestResults(0, 0)\n'
        'def square(x):\n    """The square of x."""\n    return 0',
        "evens = []",
        "total = 0",
    ),
}
OTTER_ONLY = {"cheat": {"q1": 2.0, "q2": 2.0, "q3": 3.0}}
"""What otter gives the cheat; ours gives it what its answers earn."""


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    graded = grade_both(tmp_path_factory.mktemp("otter"), "squares", ANSWERS)
    course = graded.work / "course"
    run(sys.executable, "-m", "autograder.cli", "export", "squares", "--format", "otter", cwd=course)
    final = list(csv.reader((course / "grades" / "squares" / "final_grades.csv").open()))
    return graded, final


def test_same_scores_as_otter_run(both):
    otter_scores, ours = both[0].otter, both[0].ours
    assert otter_scores["correct"] == {"q1": 2.0, "q2": 2.0, "q3": 3.0}
    assert otter_scores["partly"] == {"q1": 1.25, "q2": 0.0, "q3": 0.5}, "split, all-or-nothing and list points all exercised"
    for student in ANSWERS:
        if student not in OTTER_ONLY:
            assert ours[student] == otter_scores[student], student


def test_the_cheat_fools_otter_not_us(both):
    otter_scores, ours = both[0].otter, both[0].ours
    assert otter_scores["cheat"] == OTTER_ONLY["cheat"]
    assert ours["cheat"] == {"q1": 0.0, "q2": 0.0, "q3": 1.5}, "its total = 0 is an int: q3's last case, and no more"


def test_export_in_otters_final_grades_layout(both):
    final = both[1]
    assert final[0] == ["file", "q1", "q2", "q3", "total_points_earned", "percent_correct", "grading_status"]
    assert final[1] == ["points-per-question", "2", "2", "3", "7", "1.0", "--"]
    by_file = {row[0].split("/")[0]: row for row in final[2:]}
    assert by_file["partly"][1:] == ["1.25", "0", "0.5", "1.75", "0.25", "Completed"]


def test_otters_own_cells_and_data_file_run_in_the_sandbox(both):
    """The student notebooks from otter's release import otter, check each question, check all and
    export (the stand-in does nothing), and q3 reads data.csv beside the notebook."""
    records = ResultStore(both[0].work / "course" / "grades" / "squares").load()
    printed = "".join(e.printed for r in records.values() for e in r.exercises)
    assert "No module named" not in printed and "FileNotFoundError" not in printed
    assert all(not e.printed for e in records["correct"].exercises), "nothing went wrong in the correct notebook"


@pytest.mark.parametrize("config", CONFIGS_COMPARED)
def test_gradescope_results_in_otters_shape(both, config):
    graded = both[0]
    for student in ANSWERS:
        if student not in OTTER_ONLY:
            same_gradescope_shape(graded.otter_gradescope[student][config], graded.ours_gradescope[student][config])
    public = graded.ours_gradescope["partly"]["defaults"]["tests"][0]
    assert public["name"] == "Public Tests" and public["status"] == "failed"
    assert "hidden" not in public["output"], "no hidden case's sentence in the visible summary"
