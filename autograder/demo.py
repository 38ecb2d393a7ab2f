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
    name = argv[0] if argv else available_assignments()[0]
    course = Course.find()
    assignment = load_assignment(name)
    root = course.root / "demo"
    shutil.rmtree(root, ignore_errors=True)
    submitted, out = root / "submitted", root / "grades" / name
    students = build_class(course, assignment, submitted)
    kinds = sorted({s.kind for s in students})
    print(f"Sample class: {len(students)} students ({', '.join(kinds)}) in {submitted}", flush=True)
    return cli_main(["grade", name, "--submitted", str(submitted), "--out", str(out), "--timeout", "10"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
