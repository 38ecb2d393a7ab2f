"""Every way a session might hold memory beyond ``--memory``, tried in a real sandbox of this
machine's mode. Run as a script (``python memory_routes.py``) it tries them all in the mode this
user gets and prints what each met, as JSON: the tests run it as an ordinary user."""
from __future__ import annotations

import json
import sys

from autograder.checks.api import SandboxFailure, Student
from autograder.sandbox.confinement import Confinement
from autograder.sandbox.sandboxes import SandboxPool
from autograder.sandbox.settings import SandboxSettings

MEMORY_MB = 256
SETTINGS = SandboxSettings(timeout=3, memory_mb=MEMORY_MB)
_ERRNO = (
    "import ctypes, os, socket\nlibc = ctypes.CDLL(None, use_errno=True)\n"
    "def tried(call):\n    try:\n        result = call()\n    except OSError as error:\n        return error.errno\n"
    "    return ctypes.get_errno() if result == -1 else 0\n"
)
ROUTES = {
    "children": (
        "import os, time\nstarted = 0\nfor _ in range(20):\n    try:\n        if os.fork() == 0:\n"
        "            hog = bytearray(100 << 20)\n            time.sleep(1000)\n        started += 1\n"
        "    except OSError:\n        break\ntime.sleep(2)\nreturn started"
    ),
    "memfd": _ERRNO + "return tried(lambda: os.write(os.memfd_create('hog'), bytes(100 << 20)))",
    "socket buffers": _ERRNO + "return tried(lambda: socket.socketpair())",
    "pipes": _ERRNO + "return tried(lambda: os.pipe())",
    "System V shared memory": _ERRNO + "return tried(lambda: libc.shmget(0, 100 << 20, 0o1600))",
    "address space": "hog = []\nwhile True:\n    hog.append(bytearray(50 << 20))",
    "scratch": (
        "written = 0\ntry:\n    with open('/tmp/fill', 'wb') as fill:\n        while written < (400 << 20):\n"
        "            fill.write(bytes(1 << 20))\n            written += 1 << 20\nexcept OSError:\n    pass\nreturn written"
    ),
}


def try_routes(pool: SandboxPool) -> dict[str, object]:
    """What each route met: the function's value, or ``failure: REASON`` when the session ended."""
    met: dict[str, object] = {}
    for name, body in ROUTES.items():
        source = "def f():\n" + "\n".join("    " + line for line in body.splitlines())
        with pool.checkout() as box:
            try:
                with box.session([(0, source)], ["f"]) as session:
                    returned = Student(session).call("f")
                    met[name] = returned.value if returned.error is None else f"raised {returned.error.type_name}"
            except SandboxFailure as failure:
                met[name] = f"failure: {failure.reason}"
    return met


def without_cgroup() -> SandboxPool:
    """A root sandbox that caps memory as an ordinary user's does: no cgroup, limits by rlimit."""
    return SandboxPool(SETTINGS, 1, Confinement("root", None))


if __name__ == "__main__":
    pool = SandboxPool(SETTINGS, 1)
    try:
        print(json.dumps({"mode": pool.confinement.describe(), "met": try_routes(pool)}))
    finally:
        pool.close()
    sys.exit(0)
