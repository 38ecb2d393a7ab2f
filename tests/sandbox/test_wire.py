"""The wire format: what round-trips, and what a hostile sender cannot make the grader build."""
from __future__ import annotations

import json
import struct

import numpy as np
import pytest

from autograder.checks.api import Opaque, Rng
from autograder.sandbox.wire import WireError, from_bytes, to_bytes


def frame(document: object, blob: bytes = b"") -> bytes:
    text = json.dumps(document).encode()
    return struct.pack("!II", len(text), len(blob)) + text + blob


@pytest.mark.parametrize(
    "array",
    [
        np.arange(12.0).reshape(3, 4),
        np.array([True, False, True]),
        np.zeros((0, 5), dtype=np.int32),
        np.array(3.5),
        np.arange(6, dtype=">i4").reshape(2, 3),
        np.array([1 + 2j, 3 - 4j], dtype=np.complex64),
        np.arange(10.0)[::3],
    ],
    ids=["float", "bool", "empty", "0-d", "big-endian", "complex", "strided"],
)
def test_arrays_round_trip_exactly(array):
    back = from_bytes(to_bytes(array))
    assert back.dtype == array.dtype and back.shape == array.shape and np.array_equal(back, array)


def test_containers_and_tags_round_trip():
    value = {"a": (1, 2.5, "x", None, True), "b": [np.int8(3), float("nan"), float("-inf")], "r": Rng(4, 9), "o": Opaque("Foo")}
    back = from_bytes(to_bytes(value))
    assert back["a"] == (1, 2.5, "x", None, True)
    assert back["b"][0] == 3 and np.isnan(back["b"][1]) and back["b"][2] == float("-inf")
    assert back["r"] == Rng(4, 9) and back["o"] == Opaque("Foo")


def test_many_arrays_do_not_share_memory_and_are_writable():
    first, second = from_bytes(to_bytes((np.ones(3, dtype=np.int8), np.arange(5.0))))
    first[:] = 7
    assert np.array_equal(second, np.arange(5.0)) and second.flags.aligned


def test_objects_travel_as_their_type_name():
    class Sneaky(np.ndarray):
        pass

    back = from_bytes(to_bytes([object(), np.zeros(2).view(Sneaky), np.array(["a"], dtype=object), {1: 2}]))
    assert back == [Opaque("object"), Opaque("Sneaky"), Opaque("ndarray of object"), Opaque("dict")]


@pytest.mark.parametrize(
    "document, blob",
    [
        ({"__array__": ["|O", [1]]}, bytes(8)),
        ({"__array__": ["<f8", [4]]}, bytes(8)),
        ({"__array__": ["<f8", [1]]}, bytes(16)),
        ({"__array__": ["<f8", [-1]]}, b""),
        ({"__pickle__": "gASV"}, b""),
        ({"__tuple__": [1], "extra": 2}, b""),
        ({"__dict__": [[1, 2]]}, b""),
    ],
    ids=["object dtype", "short data", "trailing data", "negative shape", "unknown tag", "two keys", "non-str key"],
)
def test_malformed_frames_are_refused(document, blob):
    with pytest.raises(WireError):
        from_bytes(frame(document, blob))


def test_a_frame_claiming_to_be_huge_is_refused_before_reading():
    with pytest.raises(WireError):
        from_bytes(struct.pack("!II", 2**31, 0))


def test_a_cut_frame_is_the_end_of_the_channel():
    with pytest.raises(EOFError):
        from_bytes(to_bytes(np.arange(100.0))[:-8])
