"""`autograder new`: the parts of an assignment, written into a course outside this repository,
with a release that hands out the signature and not the body; a bad or taken name is one sentence
and exit 2, and writes nothing. (That selfcheck, pytest and grade pass on it at once is
tests/test_course.py's.)"""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder.cli import main
from autograder.course import Course

NAME = "scaffolded_demo"


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Course:
    folder = tmp_path_factory.mktemp("courses") / "dl301"
    assert main(["quickstart", str(folder)]) == 0
    assert main(["--course", str(folder), "new", NAME]) == 0
    return Course(folder)


def test_new_writes_the_notebook_checks_catalogue_and_exported_solution(course):
    checks = course.checks_dir(NAME)
    for path in (course.source_notebook(NAME), checks / "__init__.py", checks / "relu.py", checks / "references.py",
                 checks / "mistakes.toml", course.solution_module(NAME)):
        assert path.is_file(), path
    assert "np.maximum" in course.solution_module(NAME).read_text()


@pytest.mark.e2e
def test_release_hands_out_the_signature_without_the_body(course):
    assert main(["--course", str(course.root), "release", NAME]) == 0
    released = course.released_notebook(NAME).read_text()
    assert "def relu(x):" in released and "raise NotImplementedError()" in released and "np.maximum" not in released


@pytest.mark.parametrize(
    "name, says",
    [
        ("Bad-Name", "is not an assignment name"),
        ("class", "is a Python keyword"),
        (NAME, "is taken"),
    ],
)
def test_a_bad_or_taken_name_is_one_sentence_exit_2_and_writes_nothing(course, name, says, capsys):
    capsys.readouterr()
    before = snapshot(course.root)
    assert main(["--course", str(course.root), "new", name]) == 2
    out, err = capsys.readouterr()
    message = err.strip()
    assert out == "" and len(message.splitlines()) == 1 and says in message and message.endswith("."), message
    assert snapshot(course.root) == before
