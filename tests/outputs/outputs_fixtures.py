"""Sentences and helpers shared by the output tests (importable by name: tests/outputs has no __init__)."""
import os
import re
import subprocess
import sys
from pathlib import Path

HOSTILE = "<script>alert(1)</script>"
MASK_SENTENCE = "The dropout mask is not rescaled by 1/(1-rate) (Lecture 3, inverted dropout)."
STEP_SENTENCE = "The hidden state does not use the previous state (Lecture 5, RNN step)."
FORMULA_IDS = ("=cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "+1")
"""Ids as an older results file may hold them: written raw, before ids were cleaned."""
NASTY = "\udcff\x00\x1b[2J\x1b]0;pwned\x07\u202eevil\r\n"
"""A surrogate, a NUL, a screen clear, a window title, a bidi override, a CR."""
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""What no output may hold: controls (ESC among them), surrogates, bidi controls."""
BIN = Path(sys.executable).parent
"""The venv's commands: nbgrader, jupyter, and the alembic nbgrader shells out to."""


def run_nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done
