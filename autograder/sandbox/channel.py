"""The grader's end of a session's socket: every read and write waits at most until the phase's deadline."""
from __future__ import annotations

import socket

from autograder.sandbox.deadlines import Deadline

READ_AHEAD = 1 << 16


class Channel:
    """The grader's end of a session's socket, under the phase's deadline.

    Small reads are served from one receive of up to READ_AHEAD bytes, so a
    frame's header, document and arrays usually cost one system call."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.deadline: Deadline | None = None
        self._buffer = bytearray(READ_AHEAD)
        self._ahead = memoryview(self._buffer)[:0]

    def _wait(self) -> None:
        self.sock.settimeout(self.deadline.remaining())

    def readinto(self, view: memoryview) -> int:
        if not self._ahead:
            self._wait()
            if len(view) >= READ_AHEAD:
                return self.sock.recv_into(view)
            self._ahead = memoryview(self._buffer)[: self.sock.recv_into(self._buffer)]
        count = min(len(view), len(self._ahead))
        view[:count] = self._ahead[:count]
        self._ahead = self._ahead[count:]
        return count

    def write(self, data: bytes | memoryview) -> int:
        self._wait()
        self.sock.sendall(data)
        return len(data)

    def flush(self) -> None:
        pass
