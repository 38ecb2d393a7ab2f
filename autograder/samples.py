"""Sample classes built from a released notebook: correct, partly wrong,
broken and hostile submissions, for ``make demo``, the tests and the benchmark.

Everything is derived from the assignment's own parts (its released notebook,
reference solution and mistake catalog); the hostile behaviours are generic
redefinitions of whichever function an exercise asks for.
"""
from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass
from pathlib import Path

from autograder.assignment import Assignment
from autograder.course import Course
from autograder.mistakes import load_mistakes
from autograder.solution import installed
from autograder.text import student_id_for

HOSTILE: dict[str, str] = {
    "exits": "import os\ndef {f}(*args, **kwargs):\n    os._exit(0)\n",
    "hangs": "def {f}(*args, **kwargs):\n    while True:\n        try:\n            pass\n        except BaseException:\n            pass\n",
    "memory_bomb": "import numpy as np\ndef {f}(*args, **kwargs):\n    hog = []\n    while True:\n        hog.append(np.ones((64, 1024, 1024)))\n",
    "fork_bomb": "import os\ndef {f}(*args, **kwargs):\n    while True:\n        try:\n            os.fork()\n        except OSError:\n            pass\n",
    "kills_parent": "import os, signal\ndef {f}(*args, **kwargs):\n    for pid in (os.getppid(), 1):\n        try:\n            os.kill(pid, signal.SIGKILL)\n        except OSError:\n            pass\n    return 0\n",
    "fakes_equality": (
        "import numpy as np\n"
        "class Anything(np.ndarray):\n    def __eq__(self, other):\n        return True\n    __ne__ = lambda self, other: False\n"
        "np.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\nnp.testing.assert_allclose = lambda *a, **k: None\n"
        "def {f}(*args, **kwargs):\n    return np.zeros(3).view(Anything)\n"
    ),
    "prints_results": "import sys\nprint('Total score: 8/8 ' * 100000)\nsys.stderr.write('{{\"score\": 2}}' * 1000)\ndef {f}(*args, **kwargs):\n    print('PASSED ' * 100000)\n    raise RuntimeError('nope')\n",
    "snoops": (
        "import os, socket, glob\nSTOLEN = []\n"
        "for pattern in ('/work/*', '/work/*/*', '/root/*', '/tmp/*', '/proc/1/environ'):\n"
        "    STOLEN += glob.glob(pattern)\n"
        "for target in ('/etc/autograder-escaped', '/tmp/escaped', os.path.expanduser('~/../escaped')):\n"
        "    try:\n        open(target, 'w').write('x')\n    except OSError:\n        pass\n"
        "try:\n    socket.create_connection(('127.0.0.1', 22), timeout=1)\nexcept OSError:\n    pass\n"
        "import subprocess\ntry:\n    subprocess.Popen(['sleep', '1000'], start_new_session=True)\nexcept OSError:\n    pass\n"
        "print('found', STOLEN)\n"
        "def {f}(*args, **kwargs):\n    raise RuntimeError('snooped')\n"
    ),
    "forges_frames": (
        "import os, time\ndef {f}(*args, **kwargs):\n"
        "    for frame in (b'{{\"cell\":0}}', b'{{\"value\":1e999,\"args\":{{\"__tuple__\":[]}},\"kwargs\":{{\"__dict__\":[]}}}}'):\n"
        "        os.write(3, len(frame).to_bytes(4, 'big') + bytes(4) + frame)\n"
        "    time.sleep(1000)\n"
    ),
    "drips_slowly": (
        "import os, time\ndef {f}(*args, **kwargs):\n    os.write(3, (1000).to_bytes(4, 'big') + bytes(4))\n"
        "    while True:\n        os.write(3, b' ')\n        time.sleep(0.5)\n"
    ),
    "giant_reply": "import numpy as np\ndef {f}(*args, **kwargs):\n    return np.zeros(100_000_000, np.uint8)\n",
    "fills_disk_and_ipc": (
        "import ctypes, os\nos.chdir('/tmp')\nfor _ in range(2000):\n    os.mkdir('d'); os.chdir('d')\nos.chdir('/tmp')\n"
        "try:\n    with open('/tmp/fill', 'wb') as fill:\n        while True:\n            fill.write(bytes(1 << 16))\nexcept OSError:\n    pass\n"
        "ctypes.CDLL(None).shmget(777, 1 << 24, 0o1666)\n"
        "def {f}(*args, **kwargs):\n    raise RuntimeError('filled')\n"
    ),
    "reads_environment": (
        "import os\nprint(dict(os.environ))\nfor path in ('/proc/self/environ', '/proc/1/cmdline', '/proc/1/environ'):\n"
        "    try:\n        print(open(path, 'rb').read())\n    except OSError as error:\n        print(error)\n"
        "def {f}(*args, **kwargs):\n    raise RuntimeError('read')\n"
    ),
    "prints_hidden_inputs": (
        "def {f}(*args, **kwargs):\n    print('HIDDEN-INPUTS', repr(args)[:2000], kwargs)\n"
        "    raise RuntimeError('=HYPERLINK(\"http://evil.example\")\\x1b[2J\\udcff\\x00')\n"
    ),
    "leaks_through_type_name": (
        "import re\ndef {f}(*args, **kwargs):\n"
        "    record = re.sub(r'\\W+', '_', repr(args) + repr(kwargs))[:60]\n"
        "    raise type('L_' + record, (ValueError,), {{}})('hidden inputs in the name')\n"
    ),
    "cpu_hog": (
        "import os, threading\nimport numpy as np\ndef {f}(*args, **kwargs):\n"
        "    for attempt in (lambda: os.sched_setaffinity(0, set(range(os.cpu_count() or 1))), lambda: os.setpriority(os.PRIO_PROCESS, 0, -20)):\n"
        "        try:\n            attempt()\n        except OSError:\n            pass\n"
        "    def spin():\n        try:\n            os.setsid()\n        except OSError:\n            pass\n"
        "        a = np.ones((300, 300))\n        while True:\n            a @ a\n"
        "    for _ in range(240):\n"
        "        try:\n            if os.fork() == 0:\n                spin()\n"
        "        except OSError:\n            try:\n                threading.Thread(target=spin, daemon=True).start()\n"
        "            except RuntimeError:\n                break\n"
        "    spin()\n"
    ),
    "memory_in_children": (
        "import os, time\ndef {f}(*args, **kwargs):\n    for _ in range(20):\n"
        "        try:\n            if os.fork() == 0:\n                hog = bytearray(200 << 20)\n                time.sleep(1000)\n"
        "        except OSError:\n            pass\n    hog = [bytearray(200 << 20) for _ in range(20)]\n    time.sleep(1000)\n"
    ),
    "memory_in_kernel": (
        "import os, socket\ndef {f}(*args, **kwargs):\n    held = []\n"
        "    for make in (lambda: os.memfd_create('hog'), lambda: socket.socketpair()[0].fileno(), lambda: os.pipe()[1]):\n"
        "        try:\n            fd = make()\n            while True:\n                os.write(fd, bytes(1 << 20))\n"
        "        except OSError:\n            pass\n"
        "    raise RuntimeError('no kernel memory to be had')\n"
    ),
    "escapes_the_namespace": (
        "import ctypes, os\ndef {f}(*args, **kwargs):\n    libc = ctypes.CDLL(None, use_errno=True)\n"
        "    tried = [libc.unshare(0x10000000), libc.syscall(425, 8, bytes(120)), libc.syscall(321, 0, 0, 0)]\n"
        "    try:\n        os.execv('/bin/sh', ['sh', '-c', 'true'])\n    except OSError:\n        pass\n"
        "    raise RuntimeError(f'refused: {{tried}}')\n"
    ),
    "breaks_encoders": (
        "print('=cmd|\\' /C calc\\'!A0', '\\x1b]0;owned\\x07\\x1b[2J', '\\udcff\\ud800', '\\x00', '\\u202eevil')\n"
        "def {f}(*args, **kwargs):\n    raise ValueError('\\udcff\\x1b[31m@SUM(1)')\n"
    ),
}


HOSTILE_FOLDER_NAMES = ('=HYPERLINK("evil.example","grades")', "@SUM(A1)", "caf" + os.fsdecode(b"\xe9"), "red\x1b[31mid", "red\x1b[32mid", "cafe\u0301")
"""Honest work under folder names that break encoders, terminals and spreadsheets."""


@dataclass(frozen=True)
class SampleStudent:
    student_id: str
    kind: str
    """'correct', 'partly wrong', 'unstarted', 'broken' or 'hostile'."""


def _fill(released: dict, code: dict[str, str], assignment: Assignment) -> dict:
    notebook = copy.deepcopy(released)
    by_cell = {e.solution_cell: e.name for e in assignment.exercises}
    for cell in notebook["cells"]:
        grade_id = ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id")
        if grade_id in by_cell and by_cell[grade_id] in code:
            cell["source"] = code[by_cell[grade_id]]
    return notebook


def _write(folder: Path, assignment: str, content: str | bytes | None, name: str | None = None) -> None:
    target = folder / assignment
    target.mkdir(parents=True, exist_ok=True)
    if content is None:
        return
    path = target / (name or f"{assignment}.ipynb")
    path.write_bytes(content if isinstance(content, bytes) else content.encode())


def partial_mistakes(assignment: Assignment) -> list:
    """Catalogued mistakes added to the solution that cost points (the catalogue
    also lists correct alternatives, which must not make a 'partly wrong' student)."""
    return [
        m for m in load_mistakes(assignment)
        if not m.replace and m.expected < assignment.exercise(m.exercise).points
    ]


def build_class(
    course: Course, assignment: Assignment, submitted: Path, copies: int = 1, honest_only: bool = False
) -> list[SampleStudent]:
    """Write a sample class into ``submitted``; ``copies`` repeats the honest
    students (correct and partly wrong) to make a larger class, and
    ``honest_only`` leaves out the unstarted, broken and hostile ones."""
    released = json.loads(course.released_notebook(assignment.name).read_text())
    sections = {exercise: part.code for exercise, part in installed(course, assignment.name).exercises.items()}
    mistakes = partial_mistakes(assignment)
    students: list[SampleStudent] = []

    def add(folder: str, kind: str, notebook: dict | None = None, raw: str | bytes | None = None, name: str | None = None) -> None:
        content = json.dumps(notebook, indent=1) if notebook is not None else raw
        _write(submitted / folder, assignment.name, content, name)
        students.append(SampleStudent(student_id_for(folder), kind))

    correct = _fill(released, sections, assignment)
    for n in range(copies):
        add(f"correct_{n:04d}", "correct", correct)
        if mistakes:  # an empty catalogue (a fresh import) makes no partly wrong student
            mistake = mistakes[n % len(mistakes)]
            wrong = dict(sections, **{mistake.exercise: sections[mistake.exercise] + "\n" + mistake.code})
            add(f"partly_wrong_{n:04d}", "partly wrong", _fill(released, wrong, assignment))
    if honest_only:
        return students
    add("unstarted", "unstarted", released)
    add("renamed_copy", "broken", correct, name=f"{assignment.name}-Copy1.ipynb")
    add("truncated", "broken", raw=json.dumps(correct)[:2000])
    add("empty_file", "broken", raw=b"")
    add("not_a_notebook", "broken", raw=json.dumps({"hello": "world"}))
    add("no_notebook", "broken", raw=None)
    exercises = assignment.exercises
    for n, (behaviour, template) in enumerate(HOSTILE.items()):
        exercise = exercises[n % len(exercises)]
        code = dict(sections, **{exercise.name: sections[exercise.name] + "\n" + template.format(f=exercise.functions[0])})
        add(f"hostile_{behaviour}", "hostile", _fill(released, code, assignment))
    for folder in HOSTILE_FOLDER_NAMES:
        add(folder, "correct", correct)
    (submitted / "symlinked_folder").symlink_to(submitted / "correct_0000")
    linked = submitted / "symlinked_notebook" / assignment.name
    linked.mkdir(parents=True)
    (linked / f"{assignment.name}.ipynb").symlink_to("/etc/passwd")
    students += [SampleStudent(student_id_for(name), "broken") for name in ("symlinked_folder", "symlinked_notebook")]
    return students
