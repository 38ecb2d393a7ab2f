"""The exported solution's format: what render writes, parse reads back, and nothing else."""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder.errors import UserError
from autograder.solution import Part, Solution, parse, render

SOLUTION = Solution(
    "demo",
    (
        Part("import numpy as np"),
        Part("def one():\n    return 1", "one", 1),
        Part("HELPER = 2"),
        Part("def two():\n    return HELPER", "two", 3),
    ),
)
WHERE = Path("solutions/demo.py")


def test_render_then_parse_gives_the_solution_back():
    text = render(SOLUTION)
    assert "# exercise: one, 1 point\n" in text and "# exercise: two, 3 points\n" in text
    assert parse("demo", text, WHERE) == SOLUTION


def test_a_fraction_of_a_point_is_written_as_otter_writes_it_and_read_back():
    split = Solution("demo", (Part("x = 2", "q1", 3.75), Part("y = 1", "q2", 1 / 3)))
    text = render(split)
    assert "# exercise: q1, 3.75 points\n" in text and "# exercise: q2, 0.33333 points\n" in text
    assert [p.points for p in parse("demo", text, WHERE).parts] == [3.75, 0.33333]


def test_the_rendered_module_runs_and_defines_every_function():
    namespace: dict = {}
    exec(compile(render(SOLUTION), str(WHERE), "exec"), namespace)
    assert namespace["one"]() == 1 and namespace["two"]() == 2


def test_with_code_replaces_one_exercise_only():
    changed = SOLUTION.with_code("two", "def two():\n    return 0")
    assert changed.exercises["two"] == Part("def two():\n    return 0", "two", 3)
    assert changed.exercises["one"] == SOLUTION.exercises["one"] and changed.parts[0] == SOLUTION.parts[0]
    with pytest.raises(KeyError):
        SOLUTION.with_code("three", "")


@pytest.mark.parametrize(
    "text, says",
    [
        ("import numpy as np\n", "was not written by `autograder export-solution demo`"),
        (render(SOLUTION).replace("# end exercise\n\n\nHELPER", "\n\n\nHELPER", 1), "marker without its pair"),
        (render(Solution("other", SOLUTION.parts)), "was not written by"),
    ],
)
def test_anything_else_is_one_sentence(text, says):
    with pytest.raises(UserError) as raised:
        parse("demo", text, WHERE)
    assert says in str(raised.value) and "\n" not in str(raised.value)
