"""The plain-data format that crosses the sandbox boundary, both ways.

JSON with tagged objects for what JSON lacks (arrays, tuples, non-finite
floats, generators). Decoding builds only numbers, strings, containers and
numpy arrays of whitelisted dtypes from checked byte counts: no pickle, no
import, no constructor of the sender's choosing. Anything else a student
returns travels as an ``Opaque`` type name.
"""
from __future__ import annotations

import base64
import json
import math
import struct
from typing import Any, BinaryIO

import numpy as np

from autograder.checks.api import Opaque, Rng

MAX_FRAME = 256 * 1024 * 1024
MAX_DEPTH = 32
_ALLOWED_DTYPES = frozenset(
    np.dtype(t).str
    for t in ("?", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8", "c8", "c16")
) | frozenset(np.dtype(t).str.replace("<", ">") for t in ("i2", "i4", "i8", "u2", "u4", "u8", "f2", "f4", "f8", "c8", "c16"))


class WireError(ValueError):
    """The other side sent something that is not plain data in our format."""


def encode(value: Any, depth: int = 0) -> Any:
    """A JSON-ready form of ``value``; unknown types become Opaque."""
    if depth > MAX_DEPTH:
        return {"__opaque__": "nested too deeply"}
    if value is None or isinstance(value, (bool, str)) and type(value) in (bool, str):
        return value
    if type(value) is int:
        return value if abs(value) < 2**63 else {"__opaque__": "int too large"}
    if type(value) is float:
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, Rng):
        return {"__rng__": [value.seed, value.key]}
    if isinstance(value, Opaque):
        return {"__opaque__": value.type_name}
    if isinstance(value, (np.ndarray, np.generic)) and type(value) in (np.ndarray,) + tuple(np.sctypeDict.values()):
        array = np.asarray(value)
        if array.dtype.str not in _ALLOWED_DTYPES:
            return {"__opaque__": f"ndarray of {array.dtype}"}
        data = base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")
        return {"__array__": [array.dtype.str, list(array.shape), data]}
    if type(value) is list:
        return [encode(v, depth + 1) for v in value]
    if type(value) is tuple:
        return {"__tuple__": [encode(v, depth + 1) for v in value]}
    if type(value) is dict and all(type(k) is str for k in value):
        return {"__dict__": [[k, encode(v, depth + 1)] for k, v in value.items()]}
    return {"__opaque__": _type_name(value)}


def decode(obj: Any, depth: int = 0) -> Any:
    """Rebuild a value from its JSON form, refusing anything outside the format."""
    if depth > MAX_DEPTH:
        raise WireError("nested too deeply")
    if obj is None or type(obj) in (bool, int, float, str):
        return obj
    if type(obj) is list:
        return [decode(v, depth + 1) for v in obj]
    if type(obj) is not dict or len(obj) != 1:
        raise WireError("unexpected object")
    (tag, body), = obj.items()
    if tag == "__array__":
        return _decode_array(body)
    if tag == "__tuple__" and type(body) is list:
        return tuple(decode(v, depth + 1) for v in body)
    if tag == "__dict__" and type(body) is list:
        return {_str(k): decode(v, depth + 1) for k, v in (_pair(item) for item in body)}
    if tag == "__float__" and body in ("nan", "inf", "-inf"):
        return float(body)
    if tag == "__opaque__" and type(body) is str:
        return Opaque(body[:200])
    if tag == "__rng__" and type(body) is list and len(body) == 2 and all(type(b) is int for b in body):
        return Rng(body[0], body[1])
    raise WireError(f"unknown tag {tag[:40]!r}")


def _decode_array(body: Any) -> np.ndarray:
    if type(body) is not list or len(body) != 3:
        raise WireError("malformed array")
    dtype, shape, data = body
    if dtype not in _ALLOWED_DTYPES:
        raise WireError("dtype not allowed")
    if type(shape) is not list or not all(type(n) is int and 0 <= n < 2**40 for n in shape):
        raise WireError("malformed shape")
    raw = base64.b64decode(_str(data), validate=True)
    expected = np.dtype(dtype).itemsize * math.prod(shape)
    if expected != len(raw):
        raise WireError("array size does not match its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


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


def write_frame(stream: BinaryIO, message: Any) -> None:
    payload = json.dumps(message, allow_nan=False, separators=(",", ":")).encode()
    view = memoryview(struct.pack("!I", len(payload)) + payload)
    while view:
        written = stream.write(view)
        if written is None:
            raise BlockingIOError("channel is not writable")
        view = view[written:]
    stream.flush()


def read_frame(stream: BinaryIO) -> Any:
    """One message, or EOFError when the other side is gone."""
    header = _read_exactly(stream, 4)
    (size,) = struct.unpack("!I", header)
    if size > MAX_FRAME:
        raise WireError("frame too large")
    try:
        return json.loads(_read_exactly(stream, size))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise WireError("frame is not JSON") from error


def _read_exactly(stream: BinaryIO, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise EOFError("peer closed the channel")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
