"""A listing as the slide meant it: repaired by the named rules of ``repairs``, then parsed.

A repair is kept only where the listing parses better afterwards, so a rule
that matches something the author meant is turned down by the parser
rather than by a guess. "Better", in order: it parses; its brackets
balance (the tokenizer's complaint about a bracket hides every error
before it); its first syntax error comes later in the listing as exported
(line, then column). A rule whose match is its own evidence (line numbers
that count up) is kept unless the error comes on an earlier line: the
columns of a line it shortened do not compare. Rules are tried in their order, the first kept repair
starts the round again, and cleaning stops when the listing parses or no
rule improves it. What still does not parse is reported with its error,
never guessed further.
"""
from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass
from typing import Iterator

from autograder.lectures.deck import Listing
from autograder.lectures.repairs import RULES, Rule

PYTHON = frozenset({"python", "python3", "py", "ipython", "ipython3"})


@dataclass(frozen=True)
class Repair:
    """One line a rule changed: ``line`` counts in the listing as exported; ``after`` None means removed."""

    rule: str
    line: int
    before: str
    after: str | None


@dataclass(frozen=True)
class Cleaned:
    """The cleaned code, and what an instructor reads before trusting it: repairs, diff, remaining error."""

    raw: str
    code: str
    parses: bool
    error: str | None
    error_line: int | None
    repairs: tuple[Repair, ...]
    diff: str

    @property
    def rules(self) -> tuple[str, ...]:
        """The rules that repaired something, each once, in the order they first did."""
        return tuple(dict.fromkeys(repair.rule for repair in self.repairs))


@dataclass(frozen=True)
class _State:
    lines: tuple[str, ...]
    origin: tuple[int, ...]
    """For each line, its index in the listing as exported."""


def clean_listing(listing: Listing) -> Cleaned:
    """``clean`` for a listing whose fence or notebook declares no language other than Python."""
    if listing.language and listing.language not in PYTHON:
        return Cleaned(listing.raw, listing.raw, False, f"declared as {listing.language}, not Python", None, (), "")
    return clean(listing.raw)


def clean(raw: str) -> Cleaned:
    state = _State(tuple(raw.split("\n")), tuple(range(raw.count("\n") + 1)))
    score = _score(state)
    repairs: list[Repair] = []
    improved = True
    while improved and not _parsed(score):
        improved = False
        for rule in RULES:
            for candidate, changed in _candidates(rule, state):
                new_score = _score(candidate)
                if new_score > score or (not rule.needs_better and new_score[:2] >= score[:2]):
                    repairs += [Repair(rule.name, state.origin[i] + 1, state.lines[i], after) for i, after in changed]
                    state, score, improved = candidate, new_score, True
                    break
            if improved:
                break
    code = "\n".join(state.lines)
    error, error_line = _error(state)
    diff = "\n".join(difflib.unified_diff(raw.split("\n"), list(state.lines), "as exported", "cleaned", lineterm="")) if repairs else ""
    return Cleaned(raw, code, error is None, error, error_line, tuple(repairs), diff)


def _candidates(rule: Rule, state: _State) -> Iterator[tuple[_State, list[tuple[int, str | None]]]]:
    """The listings one application of the rule gives, each with the lines it changed: one per line for a local rule."""
    if rule.local:
        for i, line in enumerate(state.lines):
            (fixed,) = rule.fix([line])
            if fixed != line:
                yield _applied(state, {i: fixed}), [(i, fixed)]
    else:
        fixed_lines = rule.fix(list(state.lines))
        changed = {i: fixed for i, (line, fixed) in enumerate(zip(state.lines, fixed_lines)) if fixed != line}
        if changed:
            yield _applied(state, changed), sorted(changed.items())


def _applied(state: _State, changed: dict[int, str | None]) -> _State:
    kept = [(changed.get(i, line), origin) for i, (line, origin) in enumerate(zip(state.lines, state.origin))]
    kept = [(line, origin) for line, origin in kept if line is not None]
    return _State(tuple(line for line, _ in kept), tuple(origin for _, origin in kept))


def _syntax_error(text: str) -> SyntaxError | None:
    try:
        ast.parse(text)
    except SyntaxError as error:
        return error
    except ValueError as error:  # a NUL byte
        return SyntaxError(str(error), ("<listing>", 1, 1, ""))
    return None


def _score(state: _State) -> tuple[int, int, int]:
    text = "\n".join(state.lines)
    error = _syntax_error(text)
    if error is None:
        return (2, 0, 0)
    return (1 if _balanced(text) else 0, _raw_line(state, error.lineno), error.offset or 0)


def _parsed(score: tuple[int, int, int]) -> bool:
    return score[0] == 2


def _raw_line(state: _State, lineno: int | None) -> int:
    """The 1-based line of the listing as exported that a line of the current text came from (past the end: one more)."""
    if lineno is not None and 1 <= lineno <= len(state.origin):
        return state.origin[lineno - 1] + 1
    return (state.origin[-1] + 2) if state.origin else 1


def _error(state: _State) -> tuple[str | None, int | None]:
    error = _syntax_error("\n".join(state.lines))
    if error is None:
        return None, None
    return error.msg, _raw_line(state, error.lineno)


_PAIRS = {")": "(", "]": "[", "}": "{"}


def _balanced(text: str) -> bool:
    """Whether the brackets outside strings and comments pair up (an unterminated string counts as unbalanced)."""
    stack: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        if char in "'\"":
            quote = text[i : i + 3] if text[i : i + 3] in ("'''", '"""') else char
            end = i + len(quote)
            while end < len(text) and not text.startswith(quote, end):
                if text[end] == "\\":
                    end += 1
                elif text[end] == "\n" and len(quote) == 1:
                    return False
                end += 1
            if end >= len(text):
                return False
            i = end + len(quote)
            continue
        if char in "([{":
            stack.append(char)
        elif char in _PAIRS:
            if not stack or stack.pop() != _PAIRS[char]:
                return False
        i += 1
    return not stack
