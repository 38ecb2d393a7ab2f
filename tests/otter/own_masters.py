"""otter-grader's own test masters, graded by real otter and by us: a script to run while changing the import.

``python tests/otter/own_masters.py OTTER_REPO [WORK]``: for every Python master in
``OTTER_REPO/test/test_assign/files/`` that declares autograder tests, ``otter assign`` builds
its student notebook and autograder zip; each kind of student in :data:`KINDS` fills the
notebook's answer cells (the master's solutions, changed by the kind's edits); ``otter run``
(what ``gradescope_dicts.py otter`` runs) grades each notebook, and ``autograder import-otter`` and
``autograder grade`` grade the same notebooks in a copy of the course. It prints, per master,
kind and question, our score and otter's, and exits 1 where they differ, except for the
tampering kind, which otter's runner believes and we do not. Not a test: it takes minutes and
needs otter's repository; ``test_against_otter.py`` and ``test_exception_format.py`` prove the
same features on masters written here.
"""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from both_tools import HERE, fresh_course, run

TAMPER = '''try:
    import otter.test_files.abstract_test as _t
    _made = _t.TestCaseResult.__init__
    _t.TestCaseResult.__init__ = lambda self, test_case, message, passed: _made(self, test_case, message, True)
except ImportError:
    pass
'''
"""Every case otter runs in the student's kernel records a pass."""
WRONG = [("x = 2", "x = '2'"), ("y = x * x", "y = x * 2"), ("return a + b", "return a - b"), ("s = add(1, 2)", "s = 0"),
         ("z = np.random.normal(4, 2, 10)", "z = np.zeros(3)")]
KINDS: dict[str, list[tuple[str, str]]] = {
    "solution": [],
    "partly": [("x = 2", "x = 4"), ("    return y", "    return y if x > 1 else 0"), ("s = add(1, 2)", "s = add(1, 3)"),
               ("z = np.random.normal(4, 2, 10)", "z = np.random.normal(4, 2, 10)[::-1]")],
    "wrong": WRONG,
    "raises": [("x = 2", "x = 2\nraise ValueError('after x')"), ("    y = x * x", "    if x < 2:\n        raise ValueError(x)\n    y = x * x"),
               ("s = add(1, 2)", "raise RuntimeError('before s')\ns = add(1, 2)")],
    "tampers": [("x = 2", TAMPER + "x = '2'"), *WRONG[1:]],
}
"""Edits of the master's solution code, line by line, that make each kind of student."""
FOOLS_OTTER = {"tampers"}
SUPPORT = ("data.csv", "student_file.py", "assignment_config.yml")


def masters(files: Path) -> list[Path]:
    """The Python masters whose questions declare tests (a ``# BEGIN TESTS`` block with a cell in it)."""
    found = []
    for path in sorted(files.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        if notebook.metadata.get("kernelspec", {}).get("language") != "python":
            continue
        cells = notebook.cells
        tests = [i for i, c in enumerate(cells) if c.source.strip().lower().startswith(("# begin tests", "```otter\n# begin tests"))]
        if any(i + 1 < len(cells) and not cells[i + 1].source.strip().lower().startswith("# end tests") for i in tests):
            found.append(path)
    return found


def answered(autograder_nb: Path, student_nb: Path, edits: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """The student notebook, each code answer cell holding the master's solution (without otter's
    ``# SEED`` lines, which students never see) with ``edits`` made."""
    solutions = [c.source for c in nbformat.read(autograder_nb, as_version=4).cells
                 if c.cell_type == "code" and "otter_assign_solution_cell" in c.metadata.get("tags", [])]
    notebook = nbformat.read(student_nb, as_version=4)
    answers = [c for c in notebook.cells if c.cell_type == "code" and "otter_answer_cell" in c.metadata.get("tags", [])]
    assert len(answers) == len(solutions), (student_nb, len(answers), len(solutions))
    for cell, code in zip(answers, solutions):
        code = "\n".join(line for line in code.splitlines() if not line.rstrip().endswith("# SEED"))
        for old, new in edits:
            code = code.replace(old, new)
        cell.source = code
    return notebook


def grade_master(master: Path, work: Path) -> dict[str, dict[str, tuple[dict, dict]]]:
    """Per kind, per question: (ours, otter's)."""
    folder = work / master.stem
    folder.mkdir(parents=True)
    shutil.copy(master, folder)
    for name in SUPPORT:
        if (master.parent / name).exists():
            shutil.copy(master.parent / name, folder)
    run(str(Path(sys.executable).parent / "otter"), "assign", "--no-pdfs", "--no-run-tests", master.name, "dist", cwd=folder)
    (zip_file,) = (folder / "dist" / "autograder").glob("*.zip")
    course = fresh_course(folder)
    name = master.stem.replace("-", "_")
    run(sys.executable, "-m", "autograder.cli", "import-otter", str(folder / master.name), "--name", name, cwd=course)
    otter: dict[str, dict[str, float]] = {}
    for kind, edits in KINDS.items():
        notebook = answered(folder / "dist" / "autograder" / master.name, folder / "dist" / "student" / master.name, edits)
        target = course / "submitted" / kind / name / f"{name}.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(notebook, target)
        alone = folder / "otter_in" / kind / master.name
        alone.parent.mkdir(parents=True)
        nbformat.write(notebook, alone)
        out = folder / "otter_out" / kind
        out.mkdir(parents=True)
        # From a folder of its own: `run` puts its folder on the path of otter's kernel, and the master's
        # `student_files` beside the master must not be found there (a notebook alone does not have them).
        run(sys.executable, str(HERE / "gradescope_dicts.py"), "otter", str(zip_file), str(alone), str(out), cwd=out)
        tests = json.loads((out / "results.json").read_text())["tests"]
        otter[kind] = {t["name"]: t["score"] for t in tests if "score" in t}
    run(sys.executable, "-m", "autograder.cli", "grade", name, cwd=course)
    ours: dict[str, dict[str, float]] = {}
    with open(course / "grades" / name / "grades.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            ours.setdefault(row["student_id"], {})[row["exercise"]] = float(row["score"])
    return {kind: {q: (ours[kind].get(q), otter[kind].get(q)) for q in sorted(set(ours[kind]) | set(otter[kind]))} for kind in KINDS}


def main(repo: Path, work: Path) -> int:
    files = repo / "test" / "test_assign" / "files"
    differences = 0
    report = {}
    for master in masters(files):
        try:
            graded = grade_master(master, work)
        except (AssertionError, subprocess.SubprocessError) as error:
            print(f"{master.name}: not graded: {str(error)[-800:]}")
            differences += 1
            continue
        report[master.name] = graded
        print(f"\n{master.name}")
        for kind, questions in graded.items():
            cells = []
            for question, (ours, theirs) in questions.items():
                same = ours == theirs
                differences += not same and kind not in FOOLS_OTTER
                cells.append(f"{question} {ours:g}/{theirs:g}" if ours is not None and theirs is not None else f"{question} {ours}/{theirs}")
                cells[-1] += "" if same else " (differs)"
            print(f"  {kind:9} " + ", ".join(cells))
    (work / "own_masters.json").write_text(json.dumps(report, indent=1))
    print(f"\nours/otter's per question; {differences} difference(s) outside what tampering gains under otter.")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else Path.cwd() / "own_masters"))
