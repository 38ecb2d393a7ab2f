"""What a student's process sends back, checked for the protocol's exact shape before the grader keeps it.

Every reply is hostile: a value of the wrong type, a list too long, text with terminal escapes.
Anything out of the protocol raises one of BROKEN, which ends the session; text is cleaned.
"""
from __future__ import annotations

from typing import Any

from autograder.sandbox.wire import WireError
from autograder.text import clean_text
from autograder.values import Interaction, RaisedError

BROKEN = (OSError, EOFError, WireError, ValueError, KeyError, TypeError, IndexError, AttributeError)
"""What a reply that is not in the protocol raises while it is read and checked."""
INTERACTION_OUTPUT_CAP = 64 * 1024


def by_cell(pairs: Any, sent: set[int], limit: int) -> dict[int, str]:
    """[[cell, text], ...] from the child, for cells that were sent, text cleaned."""
    if type(pairs) is not list or len(pairs) > len(sent):
        raise WireError("malformed per-cell text")
    found: dict[int, str] = {}
    for pair in pairs:
        if type(pair) is not list or len(pair) != 2 or type(pair[0]) is not int or pair[0] not in sent:
            raise WireError("malformed per-cell text")
        found[pair[0]] = text(pair[1], limit)
    return found


def text(value: Any, limit: int) -> str:
    if type(value) is not str:
        raise WireError("expected text")
    return clean_text(value, limit)


def interactions(reply: dict[str, Any], count: int) -> list[Interaction]:
    results = reply["results"]
    if type(results) is not list or len(results) != count:
        raise WireError("malformed interaction results")
    return [interaction(item) for item in results]


def interaction(item: Any) -> Interaction:
    if type(item) is not list or len(item) != 2 or type(item[0]) is not str:
        raise WireError("malformed interaction")
    return Interaction(item[0][:INTERACTION_OUTPUT_CAP], None if item[1] is None else raised(item[1]))


def raised(body: Any) -> RaisedError:
    if type(body) is not list or len(body) != 3 or type(body[1]) is not list:
        raise WireError("malformed error")
    name, lineage, message = body
    return RaisedError(text(name, 100), tuple(text(n, 100) for n in lineage[:50]), text(message, 500))
