"""The grader's end of a session's socket: every read and write waits at most until the phase's deadline."""
from __future__ import annotations

import socket

from autograder.sandbox.deadlines import Deadline

READ_AHEAD = 1 << 16


class Channel:
    """The grader's end of a session's socket, under the phase's deadline.

    A wait that runs out asks the deadline again rather than failing: it may find the session
    slowed by others and still within its CPU (:mod:`autograder.sandbox.deadlines`), or raise
    TimeoutError once it has passed. Small reads are served from one receive of up to
    READ_AHEAD bytes, so a frame's header, document and arrays usually cost one system call."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.deadline: Deadline | None = None
        self._buffer = bytearray(READ_AHEAD)
        self._ahead = memoryview(self._buffer)[:0]

    def _receive_into(self, view: memoryview | bytearray) -> int:
        while True:
            self.sock.settimeout(self.deadline.remaining())
            try:
                return self.sock.recv_into(view)
            except TimeoutError:
                continue

    def readinto(self, view: memoryview) -> int:
        if not self._ahead:
            if len(view) >= READ_AHEAD:
                return self._receive_into(view)
            self._ahead = memoryview(self._buffer)[: self._receive_into(self._buffer)]
        count = min(len(view), len(self._ahead))
        view[:count] = self._ahead[:count]
        self._ahead = self._ahead[count:]
        return count

    def write(self, data: bytes | memoryview) -> int:
        """All of ``data``, a part at a time, so that a wait that runs out loses nothing already sent."""
        left = memoryview(data)
        while left:
            self.sock.settimeout(self.deadline.remaining())
            try:
                left = left[self.sock.send(left):]
            except TimeoutError:
                continue
        return len(data)

    def flush(self) -> None:
        pass
