"""The plain-data format that crosses the sandbox boundary, both ways.

A frame is a JSON document followed by the raw bytes of the arrays it names.
JSON carries numbers, strings and containers, with tagged objects for what
JSON lacks (arrays, tuples, non-finite floats, generators); each array's tag
holds only its dtype and shape, and its bytes are the next ones of the binary
part, in the order the arrays appear, each starting at a 16-byte boundary.
Sending raw bytes rather than base64 text keeps a 500 000-entry mask at
0.5 MB and one copy.

Decoding builds only numbers, strings, containers and numpy arrays of
whitelisted dtypes whose sizes must exactly tile the binary part: no pickle,
no import, no constructor of the sender's choosing, and no two arrays sharing
memory. Anything else a student returns travels as an ``Opaque`` type name.

A frame from a student's process is read under :data:`REPLY_LIMITS`: the
JSON part, the binary part and the number of decoded objects are capped, so
one reply costs the grader a bounded amount of memory and time whatever it
holds. Bare JSON numbers must be finite and fit in 64 bits (non-finite floats
travel tagged), so a forged ``1e999`` or ``NaN`` cannot slip past a check.
"""
from __future__ import annotations

import io
import json
import math
import struct
from dataclasses import dataclass
from typing import Any, BinaryIO

import numpy as np

from autograder.values import Opaque, Rng

MAX_DEPTH = 32
ALIGN = 16
ONE_WRITE = 1 << 20
"""A frame up to this size goes out in one write: the reader then wakes once, not once per part."""
_HEADER = struct.Struct("!II")
_ALLOWED_DTYPES = frozenset(
    np.dtype(t).str
    for t in ("?", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8", "c8", "c16")
) | frozenset(np.dtype(t).str.replace("<", ">") for t in ("i2", "i4", "i8", "u2", "u4", "u8", "f2", "f4", "f8", "c8", "c16"))




@dataclass(frozen=True)
class Limits:
    """How much one frame may hold."""

    document: int
    """Bytes of JSON. Parsing n bytes builds at most about 32n bytes of Python objects."""
    binary: int
    """Bytes of array data."""
    objects: int
    """Values decoded (containers, scalars, arrays)."""


REPLY_LIMITS = Limits(document=2 << 20, binary=64 << 20, objects=200_000)
"""For what a student's process sends: the largest honest reply (a dropout
mask of 500 x 1000) is 0.5 MB, so this leaves room and bounds the grader's
memory per reply at well under 200 MB."""
TRUSTED_LIMITS = Limits(document=256 << 20, binary=1 << 30, objects=50_000_000)
"""For what the grader wrote itself (the reference cache)."""
BATCH_LIMITS = Limits(document=4 << 20, binary=64 << 20, objects=400_000)
"""For all the replies to one batch together (each also under REPLY_LIMITS): the
replies of a round stay alive until its checks have read them, so the round, not
each reply, is what bounds the grader's memory. An honest round's replies come
to under 2 MB of arrays; the catalogue's worst (masks returned as nested lists)
to about 190 000 values and 1.2 MB of JSON."""


class Budget:
    """What a run of frames may still use together; each frame is read, or
    written, under what is left of it, and then spends what it used."""

    def __init__(self, total: Limits) -> None:
        self.left = total

    def within(self, per_frame: Limits, keep: Limits | None = None) -> Limits:
        """The limits of the next frame: ``per_frame``, or less where the budget,
        less what it must ``keep`` for later frames, is smaller."""
        keep = keep or Limits(0, 0, 0)
        return Limits(
            min(per_frame.document, self.left.document - keep.document),
            min(per_frame.binary, self.left.binary - keep.binary),
            min(per_frame.objects, self.left.objects - keep.objects),
        )

    def spend(self, used: Limits) -> None:
        self.left = Limits(self.left.document - used.document, self.left.binary - used.binary, self.left.objects - used.objects)


class WireError(ValueError):
    """The other side sent something that is not plain data in our format."""


def _padding(size: int) -> int:
    return -size % ALIGN


_NUMPY_TYPES = frozenset((np.ndarray, *np.sctypeDict.values()))


class _Encoder:
    """Turns a value into its JSON form, collecting array bytes on the side."""

    def __init__(self) -> None:
        self.buffers: list[bytes] = []
        self.size = 0
        self.objects = 0
        """Values encoded: exactly what the decoder will count."""

    def encode(self, value: Any, depth: int = 0) -> Any:
        """Exact types only (a subclass of list or ndarray may carry behaviour), the common ones first."""
        self.objects += 1
        if depth > MAX_DEPTH:
            return {"__opaque__": "nested too deeply"}
        kind = type(value)
        if kind is str or kind is bool or value is None:
            return value
        if kind is int:
            return value if abs(value) < 2**63 else {"__opaque__": "int too large"}
        if kind is float:
            return value if math.isfinite(value) else {"__float__": repr(value)}
        if kind in _NUMPY_TYPES:
            return self._array(np.asarray(value))
        if kind is list:
            return [self.encode(v, depth + 1) for v in value]
        if kind is tuple:
            return {"__tuple__": [self.encode(v, depth + 1) for v in value]}
        if kind is dict and all(type(k) is str for k in value):
            return {"__dict__": [[k, self.encode(v, depth + 1)] for k, v in value.items()]}
        if isinstance(value, Rng):
            return {"__rng__": [value.seed, value.key]}
        if isinstance(value, Opaque):
            return {"__opaque__": value.type_name}
        return {"__opaque__": _type_name(value)}

    def _array(self, array: np.ndarray) -> Any:
        if array.dtype.str not in _ALLOWED_DTYPES:
            return {"__opaque__": f"ndarray of {array.dtype}"}
        pad = _padding(self.size)
        if pad:
            self.buffers.append(bytes(pad))
        data = np.ascontiguousarray(array).tobytes()
        self.buffers.append(data)
        self.size += pad + len(data)
        return {"__array__": [array.dtype.str, list(array.shape)]}


class _Decoder:
    """Rebuilds a value from its JSON form and the binary part, refusing anything outside the format."""

    def __init__(self, blob: bytearray, limits: Limits) -> None:
        self.blob = blob
        self.cursor = 0
        self.budget = limits.objects

    def decode(self, obj: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise WireError("nested too deeply")
        self.budget -= 1
        if self.budget < 0:
            raise WireError("too many values")
        kind = type(obj)
        if kind is str or kind is bool or obj is None:
            return obj
        if kind is int:
            if not -(2**63) < obj < 2**63:
                raise WireError("integer too large")
            return obj
        if kind is float:
            if not math.isfinite(obj):
                raise WireError("a bare number is not finite")
            return obj
        if type(obj) is list:
            return [self.decode(v, depth + 1) for v in obj]
        if type(obj) is not dict or len(obj) != 1:
            raise WireError("unexpected object")
        (tag, body), = obj.items()
        if tag == "__array__":
            return self._array(body)
        if tag == "__tuple__" and type(body) is list:
            return tuple(self.decode(v, depth + 1) for v in body)
        if tag == "__dict__" and type(body) is list:
            return {_str(k): self.decode(v, depth + 1) for k, v in (_pair(item) for item in body)}
        if tag == "__float__" and body in ("nan", "inf", "-inf"):
            return float(body)
        if tag == "__opaque__" and type(body) is str:
            return Opaque(body[:200])
        if tag == "__rng__" and type(body) is list and len(body) == 2 and all(type(b) is int for b in body):
            return Rng(body[0], body[1])
        raise WireError(f"unknown tag {str(tag)[:40]!r}")

    def _array(self, body: Any) -> np.ndarray:
        if type(body) is not list or len(body) != 2:
            raise WireError("malformed array")
        dtype, shape = body
        if dtype not in _ALLOWED_DTYPES:
            raise WireError("dtype not allowed")
        if type(shape) is not list or not all(type(n) is int and 0 <= n < 2**40 for n in shape):
            raise WireError("malformed shape")
        start = self.cursor + _padding(self.cursor)
        count = math.prod(shape)
        end = start + np.dtype(dtype).itemsize * count
        if end > len(self.blob):
            raise WireError("array data runs past the frame")
        self.cursor = end
        return np.frombuffer(self.blob, dtype=dtype, count=count, offset=start).reshape(shape)

    def finish(self, value: Any) -> Any:
        if self.cursor != len(self.blob):
            raise WireError("array data does not fill the frame")
        return value


def _pair(item: Any) -> tuple[Any, Any]:
    if type(item) is not list or len(item) != 2:
        raise WireError("malformed dict")
    return item[0], item[1]


def _str(value: Any) -> str:
    if type(value) is not str:
        raise WireError("expected a string")
    return value


def _type_name(value: Any) -> str:
    try:
        return type(value).__name__[:100]
    except Exception:  # a hostile metaclass; the name is only informative
        return "object"


def write_frame(stream: BinaryIO, message: Any, limits: Limits = TRUSTED_LIMITS) -> Limits:
    """Send one message, or WireError (nothing sent) if it is over ``limits``; what it used."""
    encoder = _Encoder()
    document = json.dumps(encoder.encode(message), allow_nan=False, separators=(",", ":")).encode()
    if len(document) > limits.document or encoder.size > limits.binary or encoder.objects > limits.objects:
        raise WireError("frame too large")
    parts = [_HEADER.pack(len(document), encoder.size) + document, *encoder.buffers]
    if len(parts) > 1 and len(document) + encoder.size <= ONE_WRITE:
        parts = [b"".join(parts)]
    for part in parts:
        view = memoryview(part)
        while view:
            written = stream.write(view)
            if written is None:
                raise BlockingIOError("channel is not writable")
            view = view[written:]
    stream.flush()
    return Limits(len(document), encoder.size, encoder.objects)


def _no_constant(text: str) -> Any:
    raise WireError(f"bare {text[:10]} is not allowed")


def read_frame(stream: BinaryIO, limits: Limits = TRUSTED_LIMITS, budget: Budget | None = None) -> Any:
    """One message, or EOFError when the other side is gone; read under what
    is left of ``budget`` too, when one is given, which it then spends."""
    if budget is not None:
        limits = budget.within(limits)
    document_size, blob_size = _HEADER.unpack(_read_exactly(stream, _HEADER.size))
    if document_size > limits.document or blob_size > limits.binary:
        raise WireError("frame too large")
    document = _read_exactly(stream, document_size)
    blob = _read_exactly(stream, blob_size)
    try:
        parsed = json.loads(document, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise WireError("frame is not JSON in our format") from error
    decoder = _Decoder(blob, limits)
    value = decoder.finish(decoder.decode(parsed))
    if budget is not None:
        budget.spend(Limits(document_size, blob_size, limits.objects - decoder.budget))
    return value


def _read_exactly(stream: BinaryIO, size: int) -> bytearray:
    buffer = bytearray(size)
    view, done = memoryview(buffer), 0
    while done < size:
        got = stream.readinto(view[done:])
        if not got:
            raise EOFError("peer closed the channel")
        done += got
    return buffer


def to_bytes(value: Any) -> bytes:
    """A whole frame as bytes: for files (cached references) and in-process round trips."""
    buffer = io.BytesIO()
    write_frame(buffer, value)
    return buffer.getvalue()


def from_bytes(data: bytes, limits: Limits = TRUSTED_LIMITS) -> Any:
    stream = io.BytesIO(data)
    value = read_frame(stream, limits)
    if stream.read(1):
        raise WireError("bytes after the frame")
    return value
