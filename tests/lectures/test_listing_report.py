from __future__ import annotations

from pathlib import Path

from autograder.lectures.report import render
from autograder.lectures.survey import survey

EXPECTED = Path(__file__).with_name("expected_report_002.txt")


def test_the_report_on_listing_5_13_is_exactly_what_the_instructor_reads(decks):
    assert render([decks["002"]], survey([decks["002"]])) == EXPECTED.read_text()


def test_the_report_on_all_decks_shows_every_listing_and_writes_nothing(decks):
    ordered = [decks[key] for key in sorted(decks)]
    text = render(ordered, survey(ordered))
    assert text.startswith('000_7998d2d354c86fc6.txt: "Social Data Science: Text Data and Deep Learning: Week 4", 43 slides, 0 listings, 0 exercises\n')
    for number in range(1, 18):
        assert f"\n  [{number}] " in text
    assert text.endswith("17 listings, 14 exercises. Nothing is written yet: choose exercises by number with --pick (e.g. --pick 1,2).\n")


def test_the_report_shows_repairs_by_rule_and_the_diff_of_the_ocr_damaged_listing(decks):
    text = render([decks["001"]], survey([decks["001"]]))
    block = text.split("  [2] ")[1].split("  [3] ")[0]
    assert "parses:   yes, after 15 repairs by 6 rules" in block
    assert "        callout_lines (listing lines 2, 4, 6): a line of prose between code lines is a slide's callout: removed" in block
    assert "        -                       kernel regularizer = keras.regularizers.12(0.001)), (=" in block
    assert "        +                       kernel_regularizer=keras.regularizers.l2(0.001))," in block
    assert "      function build_l2_model(input_dim):" in block


def test_a_listing_that_does_not_parse_says_where_in_the_file(decks):
    text = render([decks["004"]], survey([decks["004"]]))
    assert "      parses:   no: invalid syntax (listing line 1, file line 42)\n" in text
    assert "      kind:     not an exercise: it does not parse: invalid syntax (line 1 of the listing)\n" in text
    assert text.endswith("1 listing, 0 exercises. Nothing is written yet, and there is nothing to pick.\n")


def test_a_repeated_listing_points_to_its_first_occurrence(decks):
    text = render([decks["003"]], survey([decks["003"]]))
    assert text.count("same code as [1]: repairs, diff and function as there") == 8
    assert text.count("      function ") == 2
