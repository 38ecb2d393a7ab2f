"""``make demo``: the grader's main job on embedded sample data.

Builds a small class from the released notebook (correct, partly wrong,
broken and hostile submissions) under ``demo/``, grades it with the same
command a grader runs, and says where the grades, feedback and report are.
"""
from __future__ import annotations

import shutil
import sys

from autograder.assignment import available_assignments, load_assignment
from autograder.cli import main as cli_main
from autograder.course import Course
from autograder.samples import build_class


def main(argv: list[str]) -> int:
    """Grade a sample class of each named assignment (every one of the course if none is named),
    each under ``demo/<name>/``, so one demo never removes another's."""
    course = Course.find()
    for name in argv or available_assignments(course):
        assignment = load_assignment(name, course)
        root = course.root / "demo" / name
        shutil.rmtree(root, ignore_errors=True)
        submitted, out = root / "submitted", root / "grades"
        students = build_class(course, assignment, submitted)
        kinds = sorted({s.kind for s in students})
        print(f"Sample class of {name}: {len(students)} students ({', '.join(kinds)}) in {submitted}", flush=True)
        code = cli_main(["--course", str(course.root), "grade", name, "--submitted", str(submitted), "--out", str(out), "--timeout", "10"])
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
