from __future__ import annotations

import ast

import pytest

from autograder.lectures.cleaning import Cleaned, clean, clean_listing
from autograder.lectures.deck import Listing, Location

LISTING_5_13 = '''from tensorflow.keras import regularizers
model = keras.Sequential([
    layers.Dense(16,
                  kernel_regularizer=regularizers.l2(0.002),
                  activation="relu"),
    layers.Dense(16,
                  kernel_regularizer=regularizers.l2(0.002),
                  activation="relu"),
    layers.Dense(1, activation="sigmoid")
])
model.compile(optimizer="rmsprop",
              loss="binary_crossentropy",
              metrics=["accuracy"])
history_l2_reg = model.fit(
    train_data, train_labels,
    epochs=20, batch_size=512, validation_split=0.4)'''


def test_listing_5_13_parses_once_its_line_numbers_are_stripped(decks):
    cleaned = clean_listing(decks["002"].listings[0])
    assert cleaned.parses and cleaned.error is None
    assert cleaned.rules == ("line_numbers",)
    assert cleaned.code == LISTING_5_13
    assert len(cleaned.repairs) == 16 and [r.line for r in cleaned.repairs] == list(range(1, 17))


def test_the_diff_shows_the_instructor_every_changed_line(decks):
    diff = clean_listing(decks["002"].listings[0]).diff
    assert diff.startswith("--- as exported\n+++ cleaned\n")
    assert "\n-1 from tensorflow.keras import regularizers\n" in diff and "\n+from tensorflow.keras import regularizers\n" in diff
    assert "\n-10 ])\n" in diff and "\n+])\n" in diff


L2_MODEL = '''# L2 model
l2_model = keras.Sequential([
    # Layer 1 (Hidden layer)
     layers.Dense(16, activation='relu',
                       kernel_regularizer=keras.regularizers.l2(0.001)),
    # Layer 2 (Hidden layer)
     layers.Dense(16, activation='relu',
                       kernel_regularizer=keras.regularizers.l2(0.001)),
     # Layer 3 (Output layer)
     layers.Dense(1, activation='sigmoid')
])'''


def test_the_ocr_damaged_l2_listing_is_repaired_line_by_line(decks):
    cleaned = clean_listing(decks["001"].listings[1])
    assert cleaned.parses
    assert cleaned.code == L2_MODEL
    assert set(cleaned.rules) == {"line_numbers", "callout_lines", "callout_tails", "digit_identifier", "split_identifier", "l_read_as_1"}
    by_rule = {}
    for repair in cleaned.repairs:
        by_rule.setdefault(repair.rule, []).append(repair.line)
    assert sorted(by_rule["callout_lines"]) == [2, 4, 6]
    assert sorted(by_rule["callout_tails"]) == [9, 12]
    assert by_rule["digit_identifier"] == [3] and sorted(by_rule["l_read_as_1"]) == [9, 12]
    assert [r.line for r in cleaned.repairs if r.rule == "line_numbers" and r.after is None] == [8, 13]


def test_the_other_listings_of_001_need_only_their_line_numbers_stripped(decks):
    for listing in (decks["001"].listings[0], decks["001"].listings[2]):
        cleaned = clean_listing(listing)
        assert cleaned.parses and cleaned.rules == ("line_numbers",)
        assert ast.parse(cleaned.code)
    assert clean_listing(decks["001"].listings[0]).code.split("\n")[5:7] == ["])", "# Reduced model"]


def test_a_listing_that_parses_is_left_exactly_as_it_is(decks):
    for listing in decks["003"].listings:
        cleaned = clean_listing(listing)
        assert (cleaned.parses, cleaned.code, cleaned.repairs, cleaned.diff) == (True, listing.raw, (), "")


def test_a_listing_that_cannot_be_cleaned_is_reported_with_its_error(decks):
    cleaned = clean_listing(decks["004"].listings[0])
    assert not cleaned.parses
    assert cleaned.error and cleaned.error_line == 1


def test_a_listing_declared_in_another_language_is_not_cleaned():
    listing = Listing(1, "y <- c(1, 2)", Location("w.md", 3, 3), "Slide", language="r")
    assert clean_listing(listing) == Cleaned("y <- c(1, 2)", "y <- c(1, 2)", False, "declared as r, not Python", None, (), "")


def test_numbers_at_the_start_of_code_that_parses_are_not_line_numbers():
    assert clean("1 + 1\n2 * 3").code == "1 + 1\n2 * 3"


def test_line_numbers_that_do_not_count_up_are_left_alone():
    cleaned = clean("3 x = 1\n2 y = 2")
    assert not cleaned.parses and "line_numbers" not in cleaned.rules


def test_numbers_glued_to_closing_brackets_are_line_numbers():
    cleaned = clean("1 x = [\n2     1,\n3]")
    assert cleaned.parses and cleaned.code == "x = [\n    1,\n]"


def test_a_curly_quote_inside_a_string_of_a_broken_listing_stays():
    cleaned = clean("1 print('it’s')\n2 x = “a”")
    assert cleaned.parses
    assert cleaned.code == "print('it’s')\nx = \"a\""


def test_a_rule_is_turned_down_where_it_does_not_help_parsing():
    # "12 if" is not an identifier read by OCR: joining it would break the line.
    cleaned = clean("x = 12 if flag else 3\ny = regularizers.12(0.1)")
    assert cleaned.code == "x = 12 if flag else 3\ny = regularizers.l2(0.1)"
    assert cleaned.rules == ("l_read_as_1",)


def test_a_uniformly_indented_listing_is_dedented():
    cleaned = clean("    x = 1\n    y = x")
    assert cleaned.parses and cleaned.code == "x = 1\ny = x" and cleaned.rules == ("dedent",)


def test_notebook_magics_are_removed():
    cleaned = clean("%matplotlib inline\n!pip install keras\nx = 1")
    assert cleaned.code == "x = 1" and cleaned.rules == ("ipython_lines",)


@pytest.mark.parametrize("raw, code, rule", [
    ("model.add(layers.Dropout(O.5))", "model.add(layers.Dropout(0.5))", "o_read_as_0"),
    ("x = a — b", "x = a - b", "typographic_operators"),
    ("x = a × b", "x = a * b", "typographic_operators"),
    ("x\u00a0= 1", "x = 1", "unicode_spaces"),
    ("layer\\_dense(units=1)", "layer_dense(units=1)", "markdown_escapes"),
    ("r = regularizers.11(0.01)", "r = regularizers.l1(0.01)", "l_read_as_1"),
    ("r = regularizers.11_12(l1=0.01)", "r = regularizers.l1_l2(l1=0.01)", "l_read_as_1"),
    ("12_model = 3", "l2_model = 3", "digit_identifier"),
    ("model.compile(loss='mse', learning rate = 0.1)", "model.compile(loss='mse', learning_rate=0.1)", "split_identifier"),
    ("model.fit(x, y, validation split=0.2)", "model.fit(x, y, validation_split=0.2)", "split_identifier"),
    ("print(“hi”)", 'print("hi")', "typographic_quotes"),
    ("f(a,            The model's output\n  b)", "f(a,\n  b)", "callout_tails"),
])
def test_each_ocr_repair_on_its_own(raw, code, rule):
    cleaned = clean(raw)
    assert (cleaned.code, cleaned.rules) == (code, (rule,))


def test_a_prose_line_alone_is_a_callout_but_a_comment_or_code_is_not():
    cleaned = clean("x = [\n    a,\n  This is the hidden layer\n    # a comment\n    b,\n]")
    assert cleaned.code == "x = [\n    a,\n    # a comment\n    b,\n]"
    assert cleaned.rules == ("callout_lines",)
