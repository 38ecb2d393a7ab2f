"""`autograder new NAME --from-lecture` in this process, where no Keras is needed: what is refused
(in one sentence, exit 2, nothing written) and an array exercise written from a markdown deck.
The Keras listings of the course, end to end, are in test_new_from_lecture.py."""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder.cli import main
from autograder.course import Course
from autograder.solution import installed

ROOT = Path(__file__).resolve().parents[1]
DECK = """# Linear algebra

## Inverting a kernel

```python
inverse = np.linalg.inv(W)
```

## Scaling

```python
scaled = np.clip(x, -1.0, 1.0) * rate
```
"""


@pytest.fixture
def course(tmp_path) -> Path:
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()  # noqa: F821\n")
    (tmp_path / "deck.md").write_text(DECK)
    return tmp_path


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def run(course: Path, *args: str) -> int:
    return main(["--course", str(course), "new", *args])


def test_the_survey_shows_each_listing_and_writes_nothing(course, capsys):
    before = files(course)
    assert run(course, "week", "--from-lecture", str(course / "deck.md")) == 0
    shown = capsys.readouterr().out
    assert "[1] Inverting a kernel" in shown and "kind:     array computation: inverse(W)" in shown
    assert "Nothing is written yet: choose exercises by number with --pick (e.g. --pick 1,2)." in shown
    assert files(course) == before


@pytest.mark.parametrize("args, says", [
    (["--pick", "3"], "There is no listing 3: the survey lists 1 to 2."),
    (["--pick", "one"], "--pick takes listing numbers separated by commas (e.g. --pick 1,3), not 'one'."),
    (["--pick", "1"], "Listing 1's inverse(W=array of shape (4, 5)) raised LinAlgError: Last 2 dimensions of the array must be square: "
                      "write that exercise by hand, or fix the listing."),
])
def test_what_cannot_be_made_is_one_sentence_exit_2_and_nothing_written(course, capsys, args, says):
    before = files(course)
    assert run(course, "week", "--from-lecture", str(course / "deck.md"), *args) == 2
    message = capsys.readouterr().err.strip()
    assert message == f"autograder: {says}"
    assert files(course) == before


def test_pick_without_lectures_is_refused(course, capsys):
    assert run(course, "week", "--pick", "1") == 2
    assert capsys.readouterr().err.strip() == "autograder: --pick chooses among the listings of --from-lecture: give the lecture files too."


def test_an_array_listing_is_written_with_its_checks_and_solution(course, capsys):
    assert run(course, "week", "--from-lecture", str(course / "deck.md"), "--pick", "2") == 0
    shown = capsys.readouterr().out
    assert "note: x is taken to be a float array of shape (4, 5)." in shown and "note: rate is taken to be a number in (0, 1)." in shown
    solution = installed(Course(course), "week")
    assert list(solution.exercises) == ["scaled"]
    assert "return scaled" in solution.exercises["scaled"].code
    checks = course / "checks" / "week"
    assert sorted(p.name for p in checks.iterdir()) == ["__init__.py", "inputs.py", "mistakes.toml", "references.py", "scaled.py"]
    assert "KERAS_RUNTIME" not in (checks / "__init__.py").read_text()
    assert "test_inputs_unchanged" in (checks / "scaled.py").read_text()


def test_a_taken_name_is_refused_before_the_survey(course, capsys):
    (course / "checks" / "week").mkdir(parents=True)
    assert run(course, "week", "--from-lecture", str(course / "deck.md")) == 2
    assert "'week' is taken" in capsys.readouterr().err


def test_a_jupyter_lecture_notebook_gives_exercises_too(course, capsys):
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    deck = course / "week4.ipynb"
    deck.write_text(nbformat.writes(new_notebook(cells=[
        new_markdown_cell("# Intro to Neural Nets\n\n## Session 4: Model Fitting"),
        new_markdown_cell("## Softmax\n\nThe stable way:"),
        new_code_cell("shifted = z - np.max(z, axis=-1, keepdims=True)\nprobabilities = np.exp(shifted) / np.sum(np.exp(shifted), axis=-1, keepdims=True)"),
    ])))
    assert run(course, "week", "--from-lecture", str(deck), "--pick", "1") == 0
    shown = capsys.readouterr().out
    assert "week4.ipynb, cell 2" in shown and "Exercise 1: probabilities, from listing 1 (Softmax)" in shown
    assert '*Lecture "Intro to Neural Nets: Session 4: Model Fitting", slide "Softmax", "The stable way".*' in shown
