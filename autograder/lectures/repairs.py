"""The repairs cleaning may make to a listing, each a named rule an instructor can look up.

Slides and books damage code in a few known ways: line numbers printed
before each line, callouts (prose annotations pointing at the code) that
the export interleaves with it, typography (curly quotes, dashes), markdown
escapes, and optical character recognition reading ``l`` as ``1`` or an
underscore as a space. Each rule below repairs one of these. A rule only
proposes: ``cleaning`` keeps a repair only where the listing then parses
better, so a rule may be broad without guessing.

A rule maps a list of lines to the repaired lines, ``None`` for a line it
removes. A ``local`` rule is tried on one line at a time, so each of its
repairs is judged on its own; the others see the whole listing, because
their evidence is the whole listing (line numbers that count up).
"""
from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass
from typing import Callable

Lines = list[str]
Repaired = list[str | None]


@dataclass(frozen=True)
class Rule:
    name: str
    explains: str
    fix: Callable[[Lines], Repaired]
    local: bool = True
    needs_better: bool = True
    """False: kept unless the listing parses worse, for a rule whose match is its own evidence."""


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return True


def _each(fix_line: Callable[[str], str | None]) -> Callable[[Lines], Repaired]:
    return lambda lines: [fix_line(line) for line in lines]


def _substitute(pattern: str | re.Pattern[str], replacement: str | Callable[[re.Match[str]], str]) -> Callable[[Lines], Repaired]:
    compiled = re.compile(pattern)
    return _each(lambda line: compiled.sub(replacement, line))


_NUMBERED = re.compile(r"^\s*(?P<n>\d+)(?: |(?=[)\]}])|\s*$)")


def _line_numbers(lines: Lines) -> Repaired:
    """Strips numbers that count up from 0 or 1 from the first non-blank line on; else changes nothing.

    Numbers may skip (lines lost in the export) and lines may lack one (a
    callout, a wrapped line), but a number never repeats or goes down, and a
    line that held only its number goes.
    """
    numbered = [(i, int(m["n"]), m) for i, line in enumerate(lines) if (m := _NUMBERED.match(line))]
    first_code = next((i for i, line in enumerate(lines) if line.strip()), None)
    counts = [n for _, n, _ in numbered]
    consistent = (
        len(numbered) >= 2
        and numbered[0][0] == first_code
        and counts[0] in (0, 1)
        and all(a < b for a, b in zip(counts, counts[1:]))
    )
    if not consistent:
        return list(lines)
    stripped: Repaired = list(lines)
    for i, _, match in numbered:
        rest = lines[i][match.end():]
        stripped[i] = rest if rest.strip() else None
    return stripped


_MAGIC = re.compile(r"^\s*[%!?]")


def _ipython(line: str) -> str | None:
    return None if _MAGIC.match(line) else line


_PROSE = re.compile(r"^[A-Za-z][\w'’,.;:!?()-]*(?:\s+[\w'’,.;:!?()-]+)+$")


_CODE_LIKE = re.compile(r"\w\(|[A-Za-z_]\.[A-Za-z_]")


def _callout_line(line: str) -> str | None:
    """None for a line of prose: two or more words of letters, no code symbols, no call or attribute, not Python on its own."""
    text = line.strip()
    prose = (
        bool(_PROSE.match(text)) and not _CODE_LIKE.search(text)
        and len(re.findall(r"[A-Za-z]{2,}", text)) >= 2 and not _parses(text)
    )
    return None if prose else line


_SYMBOL_TAIL = re.compile(r"^(?P<code>.*?[,)\]}])(?P<tail>(?:\s+[^\w\s'\"#]+)+)\s*$")
_PROSE_TAIL = re.compile(r"^(?P<code>.*?\S)(?P<tail>\s{3,}[A-Za-z][A-Za-z ,.'’]*)$")


def _callout_tail(line: str) -> str | None:
    """The line without what a callout left after its code: symbols after a comma or closing bracket
    (an arrow read as ``(=`` or ``\\( \\)``), or prose after a wide gap."""
    for pattern in (_SYMBOL_TAIL, _PROSE_TAIL):
        match = pattern.match(line)
        if match:
            return match["code"]
    return line


def _dedent(lines: Lines) -> Repaired:
    return textwrap.dedent("\n".join(lines)).split("\n")


_L_AS_ONE = {"11": "l1", "12": "l2", "11_12": "l1_l2"}

# Identifiers with underscores that lecture code uses (Keras's keyword arguments, loss names and
# functions, the usual data names): where one shows up with spaces for its underscores, OCR lost them.
KERAS_IDENTIFIERS = (
    "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_initializer", "bias_initializer",
    "recurrent_initializer", "kernel_constraint", "recurrent_dropout", "recurrent_activation", "return_sequences",
    "return_state", "use_bias", "input_shape", "input_dim", "batch_input_shape", "from_logits", "learning_rate",
    "batch_size", "validation_split", "validation_data", "steps_per_epoch", "class_weight", "sample_weight",
    "restore_best_weights", "min_delta", "save_best_only", "binary_crossentropy", "categorical_crossentropy",
    "sparse_categorical_crossentropy", "mean_squared_error", "mean_absolute_error", "to_categorical", "load_data",
    "num_words", "pad_sequences", "train_on_batch", "count_params", "get_weights", "set_weights", "keep_prob",
    "train_data", "train_labels", "test_data", "test_labels", "x_train", "y_train", "x_val", "y_val", "x_test",
    "y_test", "partial_x_train", "partial_y_train", "vectorize_sequences", "timeseries_dataset_from_array",
    "sequence_length",
)
_SPLIT_IDENTIFIER = re.compile(
    r"\b(?P<name>" + "|".join(r"\s+".join(name.split("_")) for name in KERAS_IDENTIFIERS if "_" in name)
    + r")\b(?P<keyword>\s*=(?!=)\s*)?"
)


def _join_identifier(match: re.Match[str]) -> str:
    name = "_".join(match["name"].split())
    return f"{name}=" if match["keyword"] else name


RULES: tuple[Rule, ...] = (
    Rule("line_numbers", "line numbers printed before the code, counting up from 0 or 1, are stripped",
         _line_numbers, local=False, needs_better=False),
    Rule("ipython_lines", "IPython magics and shell escapes (%matplotlib inline, !pip install) are not Python: removed",
         _each(_ipython)),
    Rule("callout_lines", "a line of prose between code lines is a slide's callout: removed",
         _each(_callout_line)),
    Rule("callout_tails", "symbols or prose a callout left after a line's code are removed",
         _each(_callout_tail)),
    Rule("dedent", "the whole listing is indented: the common indentation is removed",
         _dedent, local=False),
    Rule("typographic_quotes", "curly quotes from the slide's typesetting become straight quotes",
         _each(lambda line: re.sub(r"[“”„‟″]", '"', re.sub(r"[‘’‚‛′]", "'", line)))),
    Rule("typographic_operators", "typeset dashes and minus signs become -, the multiplication sign *",
         _each(lambda line: re.sub(r"[—–−‐]", "-", line).replace("×", "*").replace("÷", "/"))),
    Rule("unicode_spaces", "non-breaking, thin and zero-width spaces become plain spaces (or nothing)",
         _each(lambda line: re.sub(r"[\u00a0\u2000-\u200a\u202f\u205f]", " ", line).replace("\u200b", ""))),
    Rule("markdown_escapes", "backslashes a markdown export put before _ * [ ] # are removed",
         _substitute(r"\\([_*\[\]#])", r"\1")),
    Rule("l_read_as_1", "after a dot, 12( 11( 11_12( are OCR's reading of l2( l1( l1_l2(",
         _substitute(r"(?<=\.)(11_12|11|12)(?=\s*\()", lambda m: _L_AS_ONE[m[1]])),
    Rule("digit_identifier", "an identifier read as 12 model or 12_model is l2_model (11: l1_)",
         _substitute(r"(?<![\w.])1([12])[ _](?=[A-Za-z_])", r"l\1_")),
    Rule("split_identifier", "an identifier Keras uses, read with spaces for its underscores (kernel regularizer =), is joined",
         _substitute(_SPLIT_IDENTIFIER, _join_identifier)),
    Rule("o_read_as_0", "a capital O before a decimal point is the digit 0 (Dropout(O.5))",
         _substitute(r"(?<![\w.])O(?=\.\d)", "0")),
)
