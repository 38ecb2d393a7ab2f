from __future__ import annotations

from pathlib import Path

import pytest

from autograder.errors import UserError
from autograder.lectures import text_deck
from autograder.lectures.deck import Location
from autograder.lectures.reader import read_deck


def test_the_course_has_five_decks(decks):
    assert sorted(decks) == ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("deck, title, subtitle", [
    ("000", "Social Data Science: Text Data and Deep Learning", "Week 4"),
    ("001", "Python with Keras, Regularization", None),
    ("002", "Intro to Neural Nets", "Session 4: Model Fitting"),
    ("003", "Regularization and more topics related to training", "Deep Learning"),
    ("004", "Deep learning", "Regularisation & Sequential modelling"),
])
def test_each_deck_title_and_subtitle_are_its_first_lines(decks, deck, title, subtitle):
    assert (decks[deck].title, decks[deck].subtitle) == (title, subtitle)


def test_the_short_deck_has_exactly_its_slide_titles(decks):
    assert [slide.title for slide in decks["002"].slides] == [
        "Intro to Neural Nets", "Session 4: Model Fitting", "Session Agenda", "General Workflow",
        "Techniques to Mitigate Overfitting", "Some Example Neural Nets", "Overfitting",
        "Regularization 1: Kernel Regularizer", "Regularizing Weights Means Less Entropy",
        "Regularization 2: Dropout", "Regularization 2: Dropout", "Early Stopping",
        "Monitoring Validation Performance and then Manually Limiting Epoch Count", "Adjust Batch Size",
        "Deep Learning", "Inject Noise", "Just Like Smaller Batch Size, but Purposeful", "Get More Data!",
        "More Training Examples", "Scikit-Learn Wrapper for Keras",
        "Facilitate Hyperparameter Tuning and Cross-validation of a Deep Net", "Let's Walk Through a Few Examples",
    ]


# Every slide this course's hand-written checks cite: a reader that misses one cannot cite it either.
CITED_BY_HAND = [
    ("000", "Early stopping"), ("000", "Vanishing gradients – A problem in deep neural nets"),
    ("001", "Data Wrangling"), ("001", "Softmax function"), ("001", "Categorical cross-entropy"),
    ("001", "Regularization: weight regularization"), ("001", "Regularization: adding dropout"),
    ("002", "Monitoring Validation Performance and then Manually Limiting Epoch Count"),
    ("003", "L2 Regularization"), ("003", "Let's look at Backprop for one weight"), ("003", "Dropout as a layer"),
    ("003", "Inside a Dropout Layer"), ("003", "Dropout Example"), ("003", "During Prediction Time"),
    ("003", "Inverted Dropout"), ("004", "Sequence dataset"), ("004", "Recurrent Network Data"),
]


@pytest.mark.parametrize("deck, title", CITED_BY_HAND)
def test_every_slide_the_checks_cite_by_hand_is_a_slide_title(decks, deck, title):
    assert title in [slide.title for slide in decks[deck].slides]


@pytest.mark.parametrize("deck, line", [
    ("000", "- Can select  $p$  in wide range. Typical is 0.2 – 0.8, dependent on size of ANN"),
    ("000", "$$C = Loss + Regularization\\ term$$"),
    ("000", "<https://www.analyticsvidhya.com/blog/2018/04/fundamentals-deep-learning-regularization-techniques/>"),
    ("001", "https://youtu.be/JceGMNG7rpU"),
    ("001", "to"),
    ("002", "Listing 5.13 Adding L2 weight regularization to the model"),
    ("003", "During Training:"),
    ("003", "Note: This is a uniform distribution between [0 1]"),
    ("003", "40% Units Removed"),
    ("004", "sequence length = 3"),
])
def test_bullets_mathematics_addresses_captions_and_labels_are_not_slide_titles(decks, deck, line):
    titles = [slide.title for slide in decks[deck].slides]
    assert line not in titles and line.strip("$<>") not in titles


def test_a_heading_longer_than_a_title_is_a_figure_read_as_text(decks):
    assert not any(slide.title.startswith("1.Binary Classification") for slide in decks["004"].slides)


def test_markdown_emphasis_is_not_part_of_a_title(decks):
    titles = [slide.title for slide in decks["001"].slides]
    assert "IMDb Data Example" in titles and "Network Architecture" in titles
    assert not any("*" in title for title in titles)


LISTINGS = {
    "000": [],
    "001": [
        ((359, 370), "Regularization: reducing network size", None, None),
        ((383, 398), "Regularization: weight regularization", None, None),
        ((411, 423), "Regularization: adding dropout", None, None),
    ],
    "002": [((49, 64), "Regularizing Weights Means Less Entropy", "Listing 5.13 Adding L2 weight regularization to the model", None)],
    "003": [
        ((275, 276), "Inside a Dropout Layer", None, None),
        ((291, 292), "Dropout Example", None, None),
        ((323, 324), "During Prediction Time", None, None),
        ((337, 338), "During Prediction Time", None, None),
        ((350, 351), "During Prediction Time", None, None),
        ((364, 365), "During Prediction Time", None, None),
        ((379, 380), "During Prediction Time", None, None),
        ((397, 398), "During Prediction Time", None, None),
        ((419, 420), "During Prediction Time", None, "During Training:"),
        ((426, 426), "During Prediction Time", None, "During Prediction:"),
        ((439, 440), "Inverted Dropout", None, "During Training:"),
        ((446, 446), "Inverted Dropout", None, "During Prediction:"),
    ],
    "004": [((42, 53), "Output many things at once!", None, None)],
}


@pytest.mark.parametrize("deck", sorted(LISTINGS))
def test_every_fenced_listing_is_found_with_its_lines_slide_caption_and_label(decks, deck):
    found = [((l.location.first_line, l.location.last_line), l.slide, l.caption, l.label) for l in decks[deck].listings]
    assert found == LISTINGS[deck]
    assert [l.number for l in decks[deck].listings] == list(range(1, len(found) + 1))


def test_a_listing_is_the_text_between_its_fences_exactly(decks):
    (listing,) = decks["002"].listings
    lines = (Path(decks["002"].path).read_text().split("\n"))[48:64]
    assert listing.raw == "\n".join(lines)
    assert listing.raw.startswith("1 from tensorflow.keras import regularizers\n2 model = keras.Sequential([")
    assert listing.title == "Listing 5.13 Adding L2 weight regularization to the model"
    assert decks["002"].reference(listing) == (
        'lecture "Intro to Neural Nets: Session 4: Model Fitting", slide "Regularizing Weights Means Less Entropy"'
    )


def test_a_listing_is_cited_by_its_lecture_and_slide_titles_never_its_file(decks):
    listing = decks["001"].listings[1]
    assert decks["001"].reference(listing) == 'lecture "Python with Keras, Regularization", slide "Regularization: weight regularization"'
    assert str(listing.location) == "001_b0e8ddc73a6f682a.txt, lines 383-398"


def test_markdown_fences_give_the_language_and_may_be_tildes(tmp_path):
    path = tmp_path / "week.md"
    path.write_text("# Week 5\n\nConvolutions\n\n~~~python\nx = 1\n~~~\n\n```r\ny <- 2\n```\n\n```\n\n```\n")
    deck = read_deck(path)
    assert [(l.raw, l.language, l.slide) for l in deck.listings] == [("x = 1", "python", "Convolutions"), ("y <- 2", "r", "Convolutions")]


def test_an_unclosed_fence_runs_to_the_end(tmp_path):
    deck = text_deck.parse(tmp_path / "x.md", "Title\n\n```\nmodel = 1\nmodel.fit()")
    assert deck.listings[0].raw == "model = 1\nmodel.fit()"
    assert deck.listings[0].location == Location("x.md", 4, 5)


def test_windows_line_ends_are_read_as_unix_ones(tmp_path):
    path = tmp_path / "w.txt"
    path.write_bytes(b"Title\r\n\r\n```\r\nx = 1\r\n```\r\n")
    assert read_deck(path).listings[0].raw == "x = 1"


@pytest.mark.parametrize("name, content, says", [
    ("deck.pdf", b"%PDF", "not a lecture deck"),
    ("deck.txt", b"\xff\xfe\x00bad", "not UTF-8"),
])
def test_what_cannot_be_read_is_one_sentence(tmp_path, name, content, says):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UserError, match=says):
        read_deck(path)


def test_a_missing_deck_is_one_sentence(tmp_path):
    with pytest.raises(UserError, match="Cannot read the lecture"):
        read_deck(tmp_path / "missing.md")
