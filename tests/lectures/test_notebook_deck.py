from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell

from autograder.errors import UserError
from autograder.lectures.deck import Location
from autograder.lectures.reader import read_deck


def _write(path, cells, **metadata):
    notebook = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}, **metadata})
    path.write_text(nbformat.writes(notebook))
    return path


@pytest.fixture
def lecture(tmp_path):
    return _write(tmp_path / "week4.ipynb", [
        new_markdown_cell("# Intro to Neural Nets\n\n## Session 4: Model Fitting"),
        new_code_cell("import keras\nfrom keras import layers"),
        new_markdown_cell("## Regularizing weights\n\nSome text about it.\n\nListing 5.13 Adding L2 weight regularization to the model"),
        new_code_cell("model = keras.Sequential([layers.Dense(1)])"),
        new_raw_cell("raw"),
        new_code_cell("   "),
        new_markdown_cell("### Inverted dropout\n\nDuring training:"),
        new_code_cell("d = x * mask / keep_prob"),
    ])


def test_a_notebook_gives_its_title_subtitle_and_heading_slides(lecture):
    deck = read_deck(lecture)
    assert (deck.title, deck.subtitle) == ("Intro to Neural Nets", "Session 4: Model Fitting")
    assert [(s.title, s.location.cell) for s in deck.slides] == [
        ("Intro to Neural Nets", 0), ("Session 4: Model Fitting", 0), ("Regularizing weights", 2), ("Inverted dropout", 6),
    ]


def test_each_code_cell_is_a_listing_with_its_cell_slide_and_caption(lecture):
    deck = read_deck(lecture)
    assert [(l.number, l.location, l.slide, l.caption, l.label, l.language) for l in deck.listings] == [
        (1, Location("week4.ipynb", cell=1), "Session 4: Model Fitting", None, None, "python"),
        (2, Location("week4.ipynb", cell=3), "Regularizing weights",
         "Listing 5.13 Adding L2 weight regularization to the model", None, "python"),
        (3, Location("week4.ipynb", cell=7), "Inverted dropout", None, "During training:", "python"),
    ]
    assert str(deck.listings[1].location) == "week4.ipynb, cell 3"
    assert deck.listings[0].raw == "import keras\nfrom keras import layers"


def test_the_notebook_metadata_title_wins(tmp_path):
    deck = read_deck(_write(tmp_path / "l.ipynb", [new_markdown_cell("# Slide one")], title="Lecture 7"))
    assert (deck.title, deck.subtitle) == ("Lecture 7", None)


def test_a_notebook_in_another_language_says_so(tmp_path):
    path = tmp_path / "r.ipynb"
    path.write_text(nbformat.writes(new_notebook(cells=[new_code_cell("x <- 1")], metadata={"kernelspec": {"name": "ir", "display_name": "R", "language": "R"}})))
    assert read_deck(path).listings[0].language == "r"


def test_a_file_that_is_not_a_notebook_is_one_sentence(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text("{not json")
    with pytest.raises(UserError, match="not a Jupyter notebook"):
        read_deck(path)


def test_a_notebook_of_an_old_format_that_does_not_convert_is_one_sentence(tmp_path):
    path = tmp_path / "old.ipynb"
    path.write_text('{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "cells": []}')
    with pytest.raises(UserError, match="not a Jupyter notebook"):
        read_deck(path)
