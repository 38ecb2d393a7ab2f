"""What runs inside a student's process: execute cells, then answer calls.

This module is imported by the zygote before it hides the grader's files, so
nothing here may import lazily. It holds no checks, references or grades:
whatever a student does to it changes only the data it sends back.
"""
from __future__ import annotations

import io
import signal
import socket
import sys
from typing import Any

import numpy as np

from autograder.checks.trusted import build_arguments, describe_error
from autograder.sandbox.wire import read_frame, write_frame

OUTPUT_CAP = 64 * 1024


class CellTimeout(BaseException):
    """Raised by the alarm in a cell that ran past its limit (BaseException so
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


def serve(channel: socket.socket) -> None:
    """The session loop: one ``cells`` request, then ``call`` requests until ``done``."""
    stream = channel.makefile("rwb", buffering=0)
    output = CappedOutput()
    sys.stdout = sys.stderr = output
    signal.signal(signal.SIGALRM, _on_alarm)
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": __builtins__}
    generators: dict[int, np.random.Generator] = {}
    while True:
        try:
            request = read_frame(stream)
        except EOFError:
            return
        op = request.get("op")
        if op == "cells":
            errors = _run_cells(stream, namespace, request)
            wanted = request["functions"]
            defined = [name for name in wanted if callable(namespace.get(name))]
            write_frame(stream, {"defined": defined, "errors": errors})
        elif op == "call":
            write_frame(stream, _call(namespace, generators, request))
        elif op == "printed":
            write_frame(stream, {"printed": output.take()})
        else:
            return


def _run_cells(stream: Any, namespace: dict[str, Any], request: dict[str, Any]) -> list[str]:
    errors = []
    limit = float(request["cell_timeout"])
    for index, source in request["cells"]:
        write_frame(stream, {"cell": index})
        try:
            code = compile(source, f"<cell {index}>", "exec")
            signal.setitimer(signal.ITIMER_REAL, limit)
            try:
                exec(code, namespace)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except CellTimeout:
            errors.append(f"cell {index}: stopped after {limit:g} s")
        except BaseException as error:  # SystemExit and KeyboardInterrupt included: a cell fails, the next runs
            errors.append(f"cell {index}: {type(error).__name__}: {_safe_str(error)[:300]}")
    return errors


def _call(namespace: dict[str, Any], generators: dict[int, np.random.Generator], request: dict[str, Any]) -> dict[str, Any]:
    args = build_arguments(request["args"], generators)
    kwargs = build_arguments(request["kwargs"], generators)
    try:
        value = namespace[request["function"]](*args, **kwargs)
        error = None
    except BaseException as raised:
        value, error = None, describe_error(raised)
    reply = {"value": value, "args": args, "kwargs": kwargs}
    if error is not None:
        reply["error"] = [error.type_name, list(error.lineage), error.message]
    return reply


def _safe_str(error: BaseException) -> str:
    try:
        return str(error)
    except BaseException:
        return "(unprintable)"
