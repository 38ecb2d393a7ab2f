"""What runs inside a student's process: execute cells, then answer calls.

Part of the sandbox runtime: the zygote imports it before any student code
runs, so nothing here may import lazily. It holds no checks, references or
grades: whatever a student does to it changes only the data it sends back.

What the notebook's cells print is sent back once, with the cells' result,
and may be shown to the student. What the student's functions print while
the hidden checks call them is never sent: it would reveal the hidden inputs.
"""
from __future__ import annotations

import importlib
import io
import signal
import socket
import sys
from typing import Any, Callable

import numpy as np

from autograder.sandbox.calls import build_arguments, describe_error
from autograder.sandbox.wire import BATCH_LIMITS, REPLY_LIMITS, Budget, Limits, WireError, read_frame, write_frame
from autograder.values import Opaque

OUTPUT_CAP = 64 * 1024
MAX_ERRORS = 20
PROBES: dict[str, Callable[..., Any]] = {}
"""Probe name -> function(value, *arguments) -> plain data: what the assignment's probe modules offer."""


def use_probes(modules: tuple[str, ...]) -> None:
    """Answer inspect requests with the ``PROBES`` of each module (the zygote imported them already)."""
    for name in modules:
        PROBES.update(importlib.import_module(name).PROBES)


class CellTimeout(BaseException):
    """Raised by the alarms in a cell that ran past its limit (BaseException so
    a bare ``except Exception`` in student code does not swallow it)."""


class CappedOutput(io.TextIOBase):
    """Keeps the first OUTPUT_CAP characters a student prints and drops the rest:
    printing is never fatal, and never grows without bound."""

    def __init__(self) -> None:
        self.kept: list[str] = []
        self.size = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        text = str(text)
        room = OUTPUT_CAP - self.size
        if room > 0:
            self.kept.append(text[:room])
        self.size += min(len(text), max(room, 0))
        self.dropped += max(len(text) - max(room, 0), 0)
        return len(text)

    def take(self) -> str:
        text = "".join(self.kept)
        if self.dropped:
            text += f"\n[... {self.dropped} more characters not kept]"
        self.kept, self.size, self.dropped = [], 0, 0
        return text


def _on_alarm(signum: int, frame: Any) -> None:
    raise CellTimeout()


TOO_LARGE = {"value": Opaque("too large to send"), "too_large": True}
TOO_LARGE_OUTPUT = "[output too large to send]"


def _reply(stream: Any, message: dict[str, Any]) -> None:
    """Send within the limits the grader reads under; a reply too large becomes a small one saying so."""
    try:
        write_frame(stream, message, REPLY_LIMITS)
    except WireError:
        write_frame(stream, TOO_LARGE, REPLY_LIMITS)


def serve(channel: socket.socket) -> None:
    """The session loop: one ``cells`` request, then ``batch`` requests until the channel closes."""
    stream = channel.makefile("rwb", buffering=1 << 16)
    output = CappedOutput()
    sys.stdout = sys.stderr = output
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.signal(signal.SIGPROF, _on_alarm)
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": __builtins__}
    generators: dict[int, np.random.Generator] = {}
    while True:
        try:
            request = read_frame(stream)
        except EOFError:
            return
        op = request.get("op")
        if op == "cells":
            printed, errors = _run_cells(stream, namespace, request, output)
            defined = [name for name in request["functions"] if callable(namespace.get(name))]
            _reply(stream, {"defined": defined, "errors": errors[:MAX_ERRORS], "printed": printed})
        elif op == "batch":
            _answer_batch(stream, namespace, generators, request["items"])
            output.take()
        else:
            return


def _answer_batch(stream: Any, namespace: dict[str, Any], generators: dict[int, np.random.Generator], items: list[dict[str, Any]]) -> None:
    """Each item answered in order, one reply frame each, all sent in one write.

    Every reply is under REPLY_LIMITS and all of them together under
    BATCH_LIMITS, which the grader enforces in the same way: a reply that
    would not fit is replaced by its small too-large form, and room for those
    of the items still to come is kept back, so the batch always fits."""
    frames, budget = io.BytesIO(), Budget(BATCH_LIMITS)
    fallbacks = [_fallback(item) for item in items]
    later = _room_for_later([TOO_LARGE_COST if f is TOO_LARGE else write_frame(io.BytesIO(), f) for f in fallbacks])
    for item, fallback, keep in zip(items, fallbacks, later):
        if item.get("op") == "interact":
            reply = {"results": [_interact(namespace, source) for source in item["sources"]]}
        else:
            reply = _call(namespace, generators, item)
        try:
            used = write_frame(frames, reply, budget.within(REPLY_LIMITS, keep))
        except WireError:
            used = write_frame(frames, fallback)
        budget.spend(used)
    stream.write(frames.getbuffer())
    stream.flush()


def _fallback(item: dict[str, Any]) -> dict[str, Any]:
    if item.get("op") == "interact":
        return {"results": [[TOO_LARGE_OUTPUT, None]] * len(item["sources"])}
    return TOO_LARGE


def _room_for_later(costs: list[Limits]) -> list[Limits]:
    """For each item, what the too-large forms of the items after it use together."""
    rooms, total = [], Limits(0, 0, 0)
    for cost in reversed(costs):
        rooms.append(total)
        total = Limits(total.document + cost.document, total.binary + cost.binary, total.objects + cost.objects)
    return rooms[::-1]


TOO_LARGE_COST = write_frame(io.BytesIO(), TOO_LARGE)


def _run_cells(stream: Any, namespace: dict[str, Any], request: dict[str, Any], output: CappedOutput) -> tuple[list[Any], list[Any]]:
    """Run the cells in order; what each printed and how each failed, by cell
    index, so that the grader can show it with the exercise it belongs to."""
    printed, errors = [], []
    budget = OUTPUT_CAP
    limit, wall = float(request["cell_timeout"]), float(request["cell_wall"])
    for index, source in request["cells"]:
        write_frame(stream, {"cell": index})
        try:
            code = compile(source, f"<cell {index}>", "exec")
            # Its limit in CPU time (a machine under load slows a cell, it does not stop it), and
            # in wall time for a cell that waits.
            signal.setitimer(signal.ITIMER_PROF, limit)
            signal.setitimer(signal.ITIMER_REAL, wall)
            try:
                exec(code, namespace)
            finally:
                signal.setitimer(signal.ITIMER_PROF, 0)
                signal.setitimer(signal.ITIMER_REAL, 0)
        except CellTimeout:
            errors.append([index, f"cell {index}: stopped after {limit:g} s"])
        except BaseException as error:  # SystemExit and KeyboardInterrupt included: a cell fails, the next runs
            described = describe_error(error)
            errors.append([index, f"cell {index}: {described.type_name}: {described.message[:300]}"])
        text = output.take()
        if len(text) > budget:
            text = text[:budget] + "\n[... output beyond this was not kept]"
        budget = max(budget - len(text), 0)
        if text:
            printed.append([index, text])
    return printed, errors


def _call(namespace: dict[str, Any], generators: dict[int, np.random.Generator], request: dict[str, Any]) -> dict[str, Any]:
    args = build_arguments(request["args"], generators)
    kwargs = build_arguments(request["kwargs"], generators)
    try:
        value = namespace[request["function"]](*args, **kwargs)
        if request.get("probe"):
            value = PROBES[request["probe"]](value, *build_arguments(request["probe_args"], generators))
        error = None
    except BaseException as raised:
        value, error = None, describe_error(raised)
    reply = {"value": value}
    if request.get("see_arguments"):
        reply |= {"args": args, "kwargs": kwargs}
    if error is not None:
        reply["error"] = [error.type_name, list(error.lineage), error.message]
    return reply


def _interact(namespace: dict[str, Any], source: str) -> list[Any]:
    """One interactive statement, as a doctest example runs it: what it printed
    (an expression's repr included) and what it raised. The expected output is
    never here: the grader compares."""
    printed = CappedOutput()
    sys.stdout = printed
    try:
        exec(compile(source, "<example>", "single"), namespace)
        error = None
    except BaseException as raised:
        error = describe_error(raised)
    finally:
        sys.stdout = sys.stderr
    return [printed.take(), None if error is None else [error.type_name, list(error.lineage), error.message]]
