"""``autograder quickstart DIR``: an empty course, as ``nbgrader quickstart`` makes one, ready for
``autograder new``.

It writes ``nbgrader_config.py`` with nbgrader's own folder names, the folders our tools add
(``checks/``, ``solutions/``, ``lectures/``) and a ``.gitignore`` that keeps the class's work
(submissions, feedback, grades, the gradebook) out of the course's repository. A folder that is
a course already is left alone.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from autograder.course import CONFIG, Course, CourseError

CONFIG_TEXT = '''"""nbgrader's view of this course: run nbgrader and autograder commands from this folder."""
c = get_config()  # noqa: F821  (injected by nbgrader)

c.CourseDirectory.root = "."
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.db_url = "sqlite:///gradebook.db"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}
'''
GITIGNORE = "submitted/\nautograded/\nfeedback/\ngrades/\ngradebook.db\ndemo/\n"
FOLDERS = ("source", "checks", "solutions", "lectures")


def quickstart(folder: Path) -> Course:
    folder = folder.resolve()
    if (folder / CONFIG).exists():
        raise CourseError(f"{folder} is a course already (it holds {CONFIG}).")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / CONFIG).write_text(CONFIG_TEXT)
    for name in FOLDERS:
        (folder / name).mkdir(exist_ok=True)
    if not (folder / ".gitignore").exists():
        (folder / ".gitignore").write_text(GITIGNORE)
    return Course(folder)


def run(args: argparse.Namespace) -> int:
    course = quickstart(args.folder)
    print(f"New course in {course.root}: {CONFIG}, {', '.join(f'{name}/' for name in FOLDERS)}.")
    print(f"Next: `cd {course.root}` and `autograder new week1` (or `autograder new week1 --from-lecture lectures/DECK.txt`).")
    return 0
