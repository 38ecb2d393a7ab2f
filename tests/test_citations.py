"""Every citation an assignment's checks make names a lecture and a slide the course's decks have,
by the titles a student sees; nothing a student reads names a deck's file. An assignment imported
from another grader (its own scoring) cites where its questions came from instead."""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder.assignment import available_assignments, load_assignment
from autograder.checks.api import collect_checks
from autograder.course import Course
from autograder.lectures.citation import Citation
from autograder.lectures.reader import TEXT_SUFFIXES, read_deck
from autograder.scoring import TIERS

ROOT = Path(__file__).resolve().parents[1]
COURSE = Course(ROOT)
DECK_FILES = sorted(p for p in COURSE.lectures.iterdir() if p.suffix.lower() in (*TEXT_SUFFIXES, ".ipynb"))
SLIDES = {deck.full_title: {s.title for s in deck.slides} for deck in map(read_deck, DECK_FILES)}


def citations(name: str) -> dict[str, str]:
    """Each lecture citation of the assignment, with who makes it."""
    assignment = load_assignment(name, COURSE)
    found = {}
    for exercise in assignment.exercises:
        if exercise.scoring is not TIERS:
            continue
        found.setdefault(exercise.lecture, f"exercise {exercise.name}")
        for check in collect_checks(exercise.name, assignment.modules[exercise.name]):
            found.setdefault(check.spec.lecture, f"{exercise.name}.{check.name}")
    return found


def test_the_course_has_decks_with_distinct_titles():
    assert DECK_FILES and len(SLIDES) == len(DECK_FILES)


@pytest.mark.parametrize("name", available_assignments(COURSE))
def test_every_citation_names_a_lecture_title_and_one_of_its_slides(name):
    for text, where in citations(name).items():
        citation = Citation.parse(text)
        assert citation.lecture in SLIDES, f"{where}: no deck in lectures/ is titled {citation.lecture!r}"
        assert citation.slide in SLIDES[citation.lecture], f"{where}: {citation.lecture!r} has no slide {citation.slide!r}"


@pytest.mark.parametrize("name", available_assignments(COURSE))
def test_nothing_a_student_reads_names_a_decks_file(name):
    read = [COURSE.source_notebook(name), COURSE.released_notebook(name), COURSE.solution_module(name)]
    for path in read:
        text = path.read_text()
        named = [deck.name for deck in DECK_FILES if deck.stem in text]
        assert not named, f"{path.relative_to(ROOT)} names {named}: cite the lecture by its title"
