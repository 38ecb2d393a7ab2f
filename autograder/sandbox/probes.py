"""Probes: functions the sandbox applies to what a student's function returned,
so that a check learns about an object (a Keras model) that cannot cross the
boundary. Each takes the returned value (and plain-data arguments) and gives
back plain data; it runs in the student's process, so what it reports is as
hostile as anything else from there, and checks judge it as such.

Part of the sandbox runtime: imports only what the zygote preloads, lazily.
"""
from __future__ import annotations

from typing import Any, Callable

PROBES: dict[str, Callable[..., Any]] = {}
"""Probe name -> function(value, *arguments) -> plain data."""
