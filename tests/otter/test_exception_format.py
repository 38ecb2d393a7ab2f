"""otter's exception-format tests (`tests: ok_format: false`): the real otter-grader and our import agree.

`cubes.ipynb` writes its tests as plain functions of `env` and of named globals,
and has otter seed NumPy at the start of every cell (`generate: seed:`);
`otter assign` turns each into a `@test_case(points=..., hidden=...)` function in a
test file that imports `otter.test_files.test_case`, and `otter run` calls them in the
student's kernel. Our import runs each function in the sandboxed student process and
only learns whether it raised (see `autograder.otter.cases` for what a student
who controls that process could do against such a test: it is as strong as otter's own
run of it, no stronger, so no cheating notebook is compared here).
"""
from __future__ import annotations

import zipfile

import pytest

from both_tools import CONFIGS_COMPARED, grade_both, same_gradescope_shape

ANSWERS = {
    "correct": ('def cube(x):\n    """The cube of x."""\n    return x ** 3', "total = sum(range(1, 11))", "draws = np.random.rand(3)"),
    "partly": ('def cube(x):\n    """The cube of x."""\n    return abs(x) ** 3', "total = 55.0", "draws = np.random.rand(3)[::-1]"),
    "wrong": ('def cube(x):\n    """The cube of x."""\n    return 3 * x', "total = sum(range(10))", "draws = [0.1, 0.2]"),
    "raises": (
        'def cube(x):\n    """The cube of x."""\n    if x < 0:\n        raise ValueError("negative")\n    return x ** 3',
        'total = sum(range(1, 11))\nraise RuntimeError("a stray error after the answer")',
        'raise RuntimeError("before the draws")\ndraws = np.random.rand(3)',
    ),
}
EXPECTED = {
    "correct": {"q1": 3.0, "q2": 2.0, "q3": 1.5},
    "partly": {"q1": 1.0, "q2": 0.0, "q3": 0.5},
    "wrong": {"q1": 0.0, "q2": 0.0, "q3": 0.0},
    "raises": {"q1": 1.0, "q2": 2.0, "q3": 0.0},
}
"""q1 scores per case (1 public point, 2 hidden); q2 is all or nothing (55.0 is not an int); q3's
1.5 points are 0.5 public and 1 hidden, which passes only on the draws otter's seed gives."""


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    return grade_both(tmp_path_factory.mktemp("otter_exceptions"), "cubes", ANSWERS)


def test_otter_assign_writes_exception_format_test_files(both):
    (zip_file,) = (both.work / "dist" / "autograder").glob("*.zip")
    with zipfile.ZipFile(zip_file) as archive:
        q1 = archive.read("tests/q1.py").decode()
    assert "from otter.test_files import test_case" in q1 and "OK_FORMAT = False" in q1
    assert "@test_case(points=2, hidden=True" in q1 and "def test_cube_of_negatives(env):" in q1


def test_same_scores_as_otter_run(both):
    assert both.otter == EXPECTED
    assert both.ours == EXPECTED


@pytest.mark.parametrize("config", CONFIGS_COMPARED)
def test_gradescope_results_in_otters_shape(both, config):
    for student in ANSWERS:
        same_gradescope_shape(both.otter_gradescope[student][config], both.ours_gradescope[student][config])
