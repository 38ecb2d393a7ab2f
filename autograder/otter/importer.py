"""``autograder import-otter MASTER.ipynb [--name NAME] [--force]``: an otter-assign notebook becomes one of our assignments.

It writes what ``autograder new`` writes (see :mod:`autograder.scaffold`), from
the master notebook read by :mod:`autograder.otter.master`: the nbgrader
source notebook (one exercise per otter question with autograder tests: its
prompt, its solution cell, a visible test cell running its public cases and
worth the question's points, as otter counts them) with the master's
``files`` beside it, so that students get them; the checks package (one check
per test case, hidden ones included, each worth the case's points, public
ones marked so, the exercise scored as otter scores the question; the
student runtime, data files and seed with which ``otter run`` runs a
submission, :mod:`autograder.otter.runtime`; the ``generate:`` settings that
shape Gradescope's results as otter shapes them), an empty ``references.py``
and ``mistakes.toml``, and the exported solution; and a record of all it
wrote, which lets ``--force`` replace it later (:mod:`autograder.otter.imported`).
The assignment is named by ``--name``, else by the master's ASSIGNMENT CONFIG,
else by its file name. Nothing is written when the notebook or the name is
unusable.
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import keyword
import re
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.assignment import check_name
from autograder.course import Course
from autograder.errors import UserError
from autograder.otter.cases import otter_call
from autograder.otter.imported import RECORD, record_import, remove_earlier_import
from autograder.otter.master import SOLUTION_PLACE, Case, Master, Question, read_master
from autograder.otter.runtime import DATA_LIMIT, GRADING_FILES
from autograder.scaffold import claim, write_parts

LECTURE_OF = "question {name} of the otter notebook"


def _nbgrader(grade_id: str, *, solution: bool = False, points: float | None = None) -> dict:
    meta = {"grade": points is not None, "grade_id": grade_id, "locked": not solution, "schema_version": 3, "solution": solution, "task": False}
    if points is not None:
        meta["points"] = int(points) if float(points).is_integer() else points
    return {"nbgrader": meta}


def functions_of(code: str) -> tuple[str, ...]:
    return tuple(node.name for node in ast.parse(code).body if isinstance(node, ast.FunctionDef))


def solution_cell(code: str) -> str:
    """Our convention: a lone function keeps its ``def`` line and docstring above the markers and its
    body between them; any other answer lies wholly between them."""
    tree = ast.parse(code)
    lines = code.splitlines()
    if len(tree.body) == 1 and isinstance(tree.body[0], ast.FunctionDef) and not tree.body[0].decorator_list:
        function = tree.body[0]
        body = function.body
        has_docstring = isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str)
        if not has_docstring or len(body) > 1:
            first = body[1] if has_docstring else body[0]
            split = first.lineno - 1
            indent = " " * first.col_offset
            return "\n".join([*lines[:split], f"{indent}### BEGIN SOLUTION", *lines[split:], f"{indent}### END SOLUTION"])
    return "\n".join(["### BEGIN SOLUTION", *lines, "### END SOLUTION"])


def public_test_cell(question: Question) -> str:
    """The visible test cell: the question's public cases, run as otter's ``grader.check`` would
    (doctests by doctest's runner, exception-format functions called on the notebook's globals)."""
    public = [case for case in question.cases if not case.hidden]
    doctests = [case.doctest for case in public if case.doctest is not None]
    lines = [f"# Public tests of {question.name}, from the otter notebook (the grader runs more, hidden ones)."]
    if doctests:
        lines += [
            "import doctest",
            f"_cases = {doctests!r}",
            "_runner = doctest.DocTestRunner()",
            "for _case in _cases:",
            f"    _runner.run(doctest.DocTestParser().get_doctest(_case, globals(), {question.name!r}, None, 0), clear_globs=False)",
            f"assert not _runner.summarize(verbose=False).failed, 'a public test of {question.name} failed (see above)'",
        ]
    for case in public:
        if case.doctest is None:
            lines += [case.source, otter_call(case.function, case.parameters, "globals()")]
    return "\n".join([*lines, f"print('{question.name}: public tests passed.')"])


def _question_cells(question: Question) -> list[nbformat.NotebookNode]:
    """The question's cells as otter orders them, its solution cell where its solution begins, its
    public test cell last."""
    solution = new_code_cell(solution_cell(question.solution), metadata=_nbgrader(f"{question.name}_solution", solution=True))
    shown = question.cells if SOLUTION_PLACE in question.cells else (*question.cells, SOLUTION_PLACE)
    cells = [solution if (kind, text) == SOLUTION_PLACE else new_markdown_cell(text) if kind == "markdown" else new_code_cell(text) for kind, text in shown]
    return [*cells, new_code_cell(public_test_cell(question), metadata=_nbgrader(f"test_{question.name}", points=question.points))]


def notebook(master: Master) -> nbformat.NotebookNode:
    cells = []
    for kind, block in master.blocks:
        if kind == "markdown":
            cells.append(new_markdown_cell(block))
        elif kind == "code":
            cells.append(new_code_cell(block))
        else:
            cells += _question_cells(block)
    for index, cell in enumerate(cells):
        cell.id = f"cell-{index}"
    return new_notebook(cells=cells, metadata={"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}, "language_info": {"name": "python"}})


def package(name: str, master: Master, digests: dict[str, str]) -> str:
    """The checks package's ``__init__``; ``digests``: each grading file's SHA-256 by its path."""
    exercises = "\n".join(
        f"        Exercise({q.name!r}, {q.name!r}, {functions_of(q.solution)!r}, lecture={LECTURE_OF.format(name=q.name)!r}, "
        f"scoring={'ALL_OR_NOTHING' if q.all_or_nothing else 'CASES'}),"
        for q in master.questions
    )
    seed = f"Seed({master.seed.value!r}, {master.seed.variable!r})" if master.seed else "None"
    files = f"data_files(__file__, {digests!r})" if digests else "()"
    runtime = ["OTTER_RUNTIME", "OtterCells", *(["Seed"] if master.seed else []), *(["data_files"] if digests else [])]
    return (
        f'"""Checks of `{name}`, imported from an otter-assign notebook (`autograder import-otter`): one module\n'
        'per question, one check per otter test case, scored as otter scores the question; students\'\n'
        'notebooks run as `otter run` runs them (autograder.otter.runtime)."""\n'
        "from autograder.assignment import Assignment, Exercise\n"
        "from autograder.otter.gradescope import GradescopeSettings\n"
        f"from autograder.otter.runtime import {', '.join(runtime)}\n"
        "from autograder.otter.scoring import ALL_OR_NOTHING, CASES\n\n"
        f"ASSIGNMENT = Assignment(\n    name={name!r},\n    exercises=(\n{exercises}\n    ),\n"
        "    runtime=OTTER_RUNTIME,\n"
        f"    cell_setup=OtterCells(seed={seed}, files={files}),\n"
        f"    gradescope={master.gradescope!r},\n)\n"
    )


def _says(question: Question, number: int, case: Case) -> str:
    if case.failure_message:
        return f"{question.name}: {case.failure_message}"
    return f"{question.name}: {'hidden' if case.hidden else 'public'} test {number} passes"


def checks_module(question: Question) -> str:
    scoring = "all or nothing" if question.all_or_nothing else "the points of each passing case"
    helpers = {"expect_doctest" if case.doctest is not None else "expect_no_exception" for case in question.cases}
    out = [
        f'"""Checks of otter question `{question.name}`: one per otter test case; scored by {scoring}.\n\n'
        'How each kind of case runs, and what a student cannot fake, is in autograder.otter.cases."""',
        f"from autograder.otter.cases import {', '.join(sorted(helpers))}",
        "from autograder.otter.scoring import case",
        "",
        f"LECTURE = {LECTURE_OF.format(name=question.name)!r}",
    ]
    for number, case in enumerate(question.cases, 1):
        visibility = "hidden" if case.hidden else "public"
        out += ["", "", f"@case(says={_says(question, number, case)!r}, lecture=LECTURE, points={case.points!r}, public={not case.hidden})"]
        out.append(f"def test_{visibility}_{number}(student):")
        out.append(f"    \"\"\"otter case {case.name!r}, {visibility}.\"\"\"")
        if case.doctest is not None:
            out.append(f"    expect_doctest(student, {case.doctest!r})")
        else:
            out.append(f"    expect_no_exception(student, {case.source!r}, {case.function!r}, {case.parameters!r})")
    return "\n".join(out) + "\n"


REFERENCES = '''"""No Keras answers: an imported otter assignment's checks compare doctest outputs."""
from typing import Any, Callable

PRECOMPUTED: dict[str, Callable[[Any], Any]] = {}
'''

MISTAKES = """# Known mistakes and the score each must get; `autograder selfcheck NAME` proves every one.
# Imported from otter with none: add [[mistake]] tables (name, exercise, expected, description, code).
"""


def suggested_name(text: str) -> str:
    """An assignment name close to ``text``: ``hw-02`` gives ``hw_02``."""
    name = re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_")
    name = name if name[:1].isalpha() else f"hw_{name}".rstrip("_")
    return f"{name}_" if keyword.iskeyword(name) else name


def assignment_name(master_path: Path, master: Master, name: str | None) -> str:
    """``name`` (``--name``), else the master's ASSIGNMENT CONFIG ``name``, else its file name; one
    that cannot name an assignment is a sentence giving the ``--name`` to pass instead."""
    chosen = name or master.name or master_path.stem
    where = "--name" if name else f"the ASSIGNMENT CONFIG name of {master_path.name}" if master.name else f"the file name of {master_path.name}"
    try:
        check_name(chosen)
    except UserError:
        raise UserError(f"'{chosen}' ({where}) cannot name an assignment here: pass --name {suggested_name(chosen)}.") from None
    return chosen


def _grading_files(master_path: Path, files: tuple[Path, ...]) -> dict[str, bytes]:
    """Every file of the master's ``files`` or ``autograder_files`` (a folder's, all of them), by its
    path from the master's folder, as ``otter run`` lays them beside the submission."""
    folder = master_path.parent.resolve()
    found: dict[str, bytes] = {}
    for entry in files:
        for file in sorted(entry.rglob("*")) if entry.is_dir() else [entry]:
            if file.is_file():
                found[file.relative_to(folder).as_posix()] = file.read_bytes()
    return found


def import_otter(course: Course, master_path: Path, name: str | None, force: bool = False) -> list[Path]:
    """Write the imported assignment's parts (replacing an earlier import of it under ``force``);
    return the paths written, the exported solution last."""
    master = read_master(master_path)
    name = assignment_name(master_path, master, name)
    bad = [q.name for q in master.questions if not q.name.isidentifier() or q.name == name]
    if bad:
        raise UserError(f"Question '{bad[0]}' cannot name an exercise: otter question names must be Python names here.")
    worthless = [q.name for q in master.questions if q.points <= 0]
    if worthless:
        raise UserError(f"Question '{worthless[0]}' is worth no points by otter's rules, so it cannot be graded here: give its cases points.")
    handed_out = _grading_files(master_path, master.files)
    grading = handed_out | _grading_files(master_path, master.grading_files)
    if sum(map(len, grading.values())) > DATA_LIMIT:
        raise UserError(f"The `files` and `autograder_files` of {master_path} hold more than {DATA_LIMIT >> 20} MiB: grading copies them into every student's process.")
    if force:
        remove_earlier_import(course, name)
    elif (course.checks_dir(name) / RECORD).exists():
        raise UserError(f"'{name}' was imported before: pass --force to replace that import with this one.")
    checks = claim(course, name)
    data = {course.source_notebook(name).parent / path: content for path, content in handed_out.items()}
    data |= {checks / GRADING_FILES / path: content for path, content in grading.items()}
    for path, content in data.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    digests = {path: hashlib.sha256(content).hexdigest() for path, content in grading.items()}
    written = [*data, *write_parts(course, name, {
        course.source_notebook(name): nbformat.writes(notebook(master)) + "\n",
        checks / "__init__.py": package(name, master, digests),
        **{checks / f"{q.name}.py": checks_module(q) for q in master.questions},
        checks / "references.py": REFERENCES,
        checks / "mistakes.toml": MISTAKES,
    })]
    record_import(course, name, master_path, written)
    return written


def run(args: argparse.Namespace) -> int:
    course = Course.find(args.course)
    written = import_otter(course, args.master, args.name, args.force)
    name = written[-1].stem
    print(f"Imported {args.master} as '{name}':")
    for path in written:
        print(f"  {path.relative_to(course.root) if path.is_relative_to(course.root) else path}")
    print(f"Next: `autograder selfcheck {name}`, then `autograder grade {name}`.")
    return 0
