"""Untrusted text made safe: what each kind of hostile text becomes, and that nothing makes it raise."""
import os
import random
import re

import pytest

from autograder.text import as_text, clean_text, csv_cell, student_id_for, without_surrogates

FORMULAS = ["=cmd|' /C calc'!A0", "-2+3", "+1", "@SUM(A1:A9)", "\t=1", "\r=1"]


def _random_text(rng: random.Random, size: int) -> str:
    """Code points from every range that hurts: controls, C1, surrogates, bidi, ESC runs."""
    pools = [(0, 0x20), (0x7F, 0xA0), (0xD800, 0xE000), (0x202A, 0x202F), (0x2066, 0x206A), (0x20, 0x7F), (0x80, 0x3000)]
    return "".join(chr(rng.randrange(*rng.choice(pools))) for _ in range(size))


def test_lone_surrogates_become_replacement_characters_and_encode():
    text = clean_text("a\udcffb\ud800")
    assert text == "a\ufffdb\ufffd"
    text.encode("utf-8")


def test_nul_and_controls_go_newlines_and_tabs_stay():
    assert clean_text("a\x00b\x07c\x7fd\x85e\tf\ng") == "abcde\tf\ng"
    assert clean_text("one\r\ntwo\rthree") == "one\ntwo\nthree"


@pytest.mark.parametrize(
    "raw",
    [
        "\x1b[31mred\x1b[0m",  # CSI colour
        "\x1b[2J\x1b[Hred",  # clear screen, cursor home
        "\x1b]0;pwned\x07red",  # OSC window title, BEL
        "\x1b]8;;http://evil\x1b\\red\x1b]8;;\x1b\\",  # OSC hyperlink, ST
        "\x1bP+q\x1b\\red",  # DCS
        "\x1b(Bred\x1bc",  # charset, full reset
        "\x9b31mred",  # 8-bit CSI
        "red\x1b",  # ESC at the end
        "red\x1b[",  # CSI cut short
    ],
)
def test_escape_sequences_are_removed_whole(raw):
    assert clean_text(raw) == "red"


def test_an_unended_string_command_stops_at_the_line_end():
    assert clean_text("\x1b]0;title never ended\nnext line") == "\nnext line"


def test_bidi_controls_are_dropped():
    assert clean_text("user\u202egnp.exe\u2066x\u2069\u200e\u200f\u061c") == "usergnp.exex"


def test_limit_cuts_and_says_how_much_was_not_kept():
    text = clean_text("x" * 50, limit=10)
    assert text.startswith("x" * 10 + "\n") and "x" * 11 not in text
    assert "40 more characters not kept" in text
    assert clean_text("short", limit=10) == "short"
    assert clean_text("\x1b[31m" + "x" * 10, limit=10) == "x" * 10  # counted after cleaning


def test_not_a_string_is_coerced_without_raising():
    class Hostile:
        def __str__(self):
            raise RuntimeError("no")

    assert clean_text(None) == "" and clean_text(3) == "3"
    assert clean_text(b"caf\xc3\xa9 \xff") == "café \ufffd"
    assert "Hostile object" in clean_text(Hostile())
    assert type(as_text(type("S", (str,), {})("sub"))) is str


def test_never_raises_and_leaves_nothing_dangerous():
    rng = random.Random(7)
    dangerous = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
    for _ in range(300):
        raw = _random_text(rng, rng.randrange(0, 80))
        text = clean_text(raw)
        text.encode("utf-8")
        assert not dangerous.search(text), ascii(raw)
        assert clean_text(text) == text


def test_without_surrogates_changes_nothing_else():
    code = "print('\x00\x1b[31m\u202e')\r\n"
    assert without_surrogates(code) == code
    assert without_surrogates("x = '\udcff'") == "x = '\ufffd'"


@pytest.mark.parametrize("formula", FORMULAS)
def test_formula_cells_are_quoted(formula):
    assert csv_cell(formula) == "'" + formula


def test_other_cells_pass_unchanged():
    assert csv_cell("bob") == "bob" and csv_cell("a=b") == "a=b" and csv_cell("") == ""
    assert csv_cell(-2) == -2 and csv_cell(1.5) == 1.5 and csv_cell(None) is None


@pytest.mark.parametrize("name", ["bob", "jdoe42", "anna.m", "o'brien", "Zoë", "john smith", "[red]x"])
def test_a_clean_folder_name_is_its_own_id(name):
    assert student_id_for(name) == name


@pytest.mark.parametrize(
    "name",
    ["a\x00b", "\x1b[31mbob", "bob\u202e", "a/b", "a\\b", "..", ".hidden", " bob", "bob ", "x" * 101, "",
     "bob~0123456789ab", *FORMULAS, os.fsdecode(b"caf\xe9")],
)
def test_any_other_name_is_cleaned_and_tagged(name):
    found = student_id_for(name)
    assert re.fullmatch(r".+~[0-9a-f]{12}", found, re.S), found
    assert found.isprintable() and "/" not in found and "\\" not in found and len(found) <= 100
    assert not found.startswith((".", "=", "+", "-", "@")) and clean_text(found) == found


def test_ids_are_injective_where_cleaning_makes_names_alike():
    names = ["a\x00b", "a\x01b", "ab~" + "0" * 12, "a\u202eb", os.fsdecode(b"a\xffb"), os.fsdecode(b"a\xfeb"),
             "ab", "a/b", "a\\b", "Zo\u00eb", "Zoe\u0308", "\udcff"]
    ids = [student_id_for(n) for n in names]
    assert len(set(ids)) == len(names)
    assert student_id_for("a\x00b") == student_id_for("a\x00b")  # deterministic
    assert student_id_for(student_id_for("a\x00b")) != student_id_for("a\x00b")  # a tagged id is never kept


def test_the_tag_is_the_hash_of_the_raw_bytes():
    import hashlib

    raw = b"caf\xe9"
    assert student_id_for(os.fsdecode(raw)).endswith("~" + hashlib.sha256(raw).hexdigest()[:12])
