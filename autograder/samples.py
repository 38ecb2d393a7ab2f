"""Sample classes built from a released notebook: correct, partly wrong,
broken and hostile submissions, for ``make demo``, the tests and the benchmark.

Everything is derived from the assignment's own parts (its released notebook,
reference solution and mistake catalog); the hostile behaviours are generic
redefinitions of whichever function an exercise asks for.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path

from autograder.assignment import Assignment
from autograder.course import Course
from autograder.selfcheck import load_mistakes
from autograder.solution import installed

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
        "import subprocess\nsubprocess.Popen(['sleep', '1000'], start_new_session=True)\n"
        "print('found', STOLEN)\n"
        "def {f}(*args, **kwargs):\n    raise RuntimeError('snooped')\n"
    ),
}


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


def build_class(
    course: Course, assignment: Assignment, submitted: Path, copies: int = 1, honest_only: bool = False
) -> list[SampleStudent]:
    """Write a sample class into ``submitted``; ``copies`` repeats the honest
    students (correct and partly wrong) to make a larger class, and
    ``honest_only`` leaves out the unstarted, broken and hostile ones."""
    released = json.loads(course.released_notebook(assignment.name).read_text())
    sections = {exercise: part.code for exercise, part in installed(assignment.name).exercises.items()}
    mistakes = [m for m in load_mistakes(assignment) if not m.replace]
    students: list[SampleStudent] = []

    def add(student_id: str, kind: str, notebook: dict | None = None, raw: str | bytes | None = None, name: str | None = None) -> None:
        content = json.dumps(notebook, indent=1) if notebook is not None else raw
        _write(submitted / student_id, assignment.name, content, name)
        students.append(SampleStudent(student_id, kind))

    correct = _fill(released, sections, assignment)
    for n in range(copies):
        add(f"correct_{n:04d}", "correct", correct)
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
    return students
