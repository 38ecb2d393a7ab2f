"""An otter-assign master notebook, read with otter-grader's own parsers into plain dataclasses.

otter's ``otter.assign.blocks`` finds the ``# ASSIGNMENT CONFIG`` cell (with the
``config_file`` it names) and the ``# BEGIN/END QUESTION|SOLUTION|TESTS|PROMPT``
boundaries and reads their YAML, and ``otter.assign.utils`` the ``# IGNORE`` cells;
``QuestionConfig`` gives each question's ``name``, ``points`` and
``all_or_nothing`` with otter's defaults; ``AssignmentTestsManager`` reads each
test cell (hidden or public, points, messages, the expected output from the
cell's outputs) and writes otter's test files; ``OKTestFile`` and
``ExceptionTestFile`` read those back with every case's points resolved by
otter's rules; otter's ``AutograderConfig`` gives the ``generate:`` settings
that shape Gradescope's results, and its ``seed``, ``files`` and ``autograder_files``
say how ``otter run`` runs a submission. Only the walk over the cells and the removal
of otter's solution comment markers are ours.
"""
from __future__ import annotations

import ast
import inspect
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.otter.gradescope import GradescopeSettings
from autograder.otter.runtime import Seed
from autograder.errors import UserError
from autograder.results import PLACES
from autograder.source import read_notebook


@dataclass(frozen=True)
class Case:
    """One otter test case: a doctest (OK format) or a ``def`` to call (exception format)."""

    name: str
    points: float
    """As otter resolves it (``TestFile.resolve_test_file_points``): the case's own ``points``, its
    share of the question's ``points`` (or of 1 when none is given), or its entry of a list."""
    hidden: bool
    success_message: str | None
    failure_message: str | None
    doctest: str | None = None
    source: str | None = None
    """The test function without its decorator, for exception-format cases."""
    function: str = ""
    parameters: tuple[str, ...] = ()


SOLUTION_PLACE = ("solution", "")


@dataclass(frozen=True)
class Question:
    name: str
    cells: tuple[tuple[str, str], ...]
    """What students see of the question, in order: ("markdown", text) for its prompt (a solution's
    markdown only where otter keeps it, tagged ``otter_include``), ("code", text) for code it runs
    outside its solution, and ``SOLUTION_PLACE`` where its first solution block begins."""
    solution: str
    """The solution cells' code, otter's solution markers removed."""
    cases: tuple[Case, ...]
    all_or_nothing: bool

    @property
    def points(self) -> float:
        """otter's ``TestFile.possible``, summed in case order, rounded as otter rounds a question's
        point value (``determine_question_point_value``)."""
        return round(sum(case.points for case in self.cases), PLACES)


@dataclass(frozen=True)
class Master:
    """The notebook in order: markdown (str in ``markdown``), shared code, and questions."""

    name: str | None
    blocks: tuple[tuple[str, str | Question], ...]
    """("markdown", text), ("code", text) or ("question", Question)."""
    gradescope: GradescopeSettings = GradescopeSettings()
    seed: Seed | None = None
    files: tuple[Path, ...] = ()
    """``files:``: data files (or folders) beside the master that students get and grading has."""
    grading_files: tuple[Path, ...] = ()
    """``autograder_files:``: files only grading has."""

    @property
    def questions(self) -> list[Question]:
        return [block for kind, block in self.blocks if isinstance(block, Question)]


_MARKER_LINE = re.compile(r"^\s*#\s*(BEGIN|END) SOLUTION(\s+NO PROMPT)?\s*$", re.IGNORECASE)
_MARKER_SUFFIX = re.compile(r"\s*#\s*SOLUTION(\s+NO PROMPT)?\s*$", re.IGNORECASE)


def solution_code(source: str) -> str:
    """A solution cell's code as it runs, without otter's ``# BEGIN/END SOLUTION`` lines and
    ``# SOLUTION`` suffixes (otter's ``# IGNORE`` lines removed by otter)."""
    from otter.assign.solutions import remove_ignored_lines

    lines = remove_ignored_lines(source.splitlines())
    return "\n".join(_MARKER_SUFFIX.sub("", line) for line in lines if not _MARKER_LINE.match(line)).strip("\n")


def read_master(path: Path) -> Master:
    """The master notebook at ``path``, or a UserError saying in one sentence what is wrong with it."""
    notebook = read_notebook(path, "otter master")
    try:
        return _walk(notebook, path)
    except UserError:
        raise
    except Exception as error:  # otter's own parsers raise assorted types on malformed input
        raise UserError(f"{path} is not an otter-assign master notebook otter can read ({type(error).__name__}: {str(error)[:200]}).") from None


def _walk(notebook: nbformat.NotebookNode, path: Path) -> Master:
    """otter's own walk (``NotebookTransformer._get_transformed_cells``) kept to what an import needs:
    the config (with its ``config_file``), each question's visible cells, solution and tests."""
    from otter.assign.assignment import Assignment as OtterAssignment
    from otter.assign.blocks import BlockType, extract_all_fenced_otter_cells, get_cell_config, is_assignment_config_cell, is_block_boundary_cell
    from otter.assign.question_config import QuestionConfig
    from otter.assign.solutions import OTTER_INCLUDE_TAG
    from otter.assign.tests_manager import AssignmentTestsManager
    from otter.assign.utils import get_notebook_language, has_tag, is_ignore_cell

    config = OtterAssignment()
    if config.lang is None:
        config.lang = get_notebook_language(notebook)
    if not config.is_python:
        raise UserError(f"{path} is an otter notebook in {config.lang}: only Python assignments can be imported.")
    tests = AssignmentTestsManager(config)
    blocks: list[tuple[str, object]] = []
    open_blocks: list = []
    question: QuestionConfig | None = None
    shown: list[tuple[str, str]] = []
    solution: list[str] = []
    order: list[QuestionConfig] = []
    parts: dict[str, tuple[list[tuple[str, str]], list[str]]] = {}
    for cell in extract_all_fenced_otter_cells(notebook.cells):
        if is_ignore_cell(cell):
            continue
        if is_assignment_config_cell(cell):
            settings = get_cell_config(cell)
            if settings.get("config_file"):
                config.load_config_file(str(path.parent / settings["config_file"]))
            config.update(settings)
            continue
        ended = next((b for b in BlockType if open_blocks and b is open_blocks[-1] and is_block_boundary_cell(cell, b, end=True)), None)
        if ended is not None:
            open_blocks.pop()
            if ended is BlockType.QUESTION:
                parts[question.name] = (shown, solution)
                blocks.append(("question", question.name))
                question, shown, solution = None, [], []
            continue
        begun = next((b for b in BlockType if is_block_boundary_cell(cell, b)), None)
        if begun is not None:
            if (begun is BlockType.QUESTION) == bool(open_blocks):
                raise UserError(f"{path} has a BEGIN {begun.value.upper()} cell where otter does not allow one.")
            if begun is BlockType.SOLUTION and SOLUTION_PLACE not in shown:
                shown.append(SOLUTION_PLACE)
            if begun is BlockType.QUESTION:
                question = QuestionConfig(get_cell_config(cell))
                tests.add_question(question)
                order.append(question)
            open_blocks.append(begun)
            continue
        inside = open_blocks[-1] if open_blocks else None
        kind = cell.cell_type
        if kind not in ("markdown", "code") or not cell.source.strip():
            continue
        if inside is BlockType.TESTS and kind == "code":
            tests.read_test(cell, question)
        elif inside is BlockType.SOLUTION and kind == "code":
            solution.append(solution_code(cell.source))
        elif inside is BlockType.SOLUTION:
            if has_tag(cell, OTTER_INCLUDE_TAG):
                shown.append((kind, cell.source))
        elif inside is BlockType.PROMPT:
            if kind == "markdown":  # a prompt's code is otter's stub for students; ours is nbgrader's
                shown.append((kind, cell.source))
        elif question is not None:
            shown.append((kind, cell.source))
        else:
            blocks.append((kind, cell.source))
    if open_blocks:
        raise UserError(f"{path} ends inside a {open_blocks[-1].value} block: add its END cell.")
    cases = _cases(config, tests, order)
    questions = {
        q.name: Question(q.name, tuple(parts[q.name][0]), "\n\n".join(parts[q.name][1]), cases[q.name], bool(q.all_or_nothing))
        for q in order
        if cases.get(q.name)
    }
    kept = tuple((kind, questions[value] if kind == "question" else value) for kind, value in blocks if kind != "question" or value in questions)
    if not questions:
        raise UserError(f"{path} has no question with autograder tests (# BEGIN QUESTION ... # BEGIN TESTS).")
    return Master(
        config.name or None, kept, gradescope_settings(config.generate, questions.values()), _seed(config),
        _files(path, config.files, "files"), _files(path, config.autograder_files, "autograder_files"),
    )


def _seed(config) -> Seed | None:
    """What ``otter assign`` hands ``otter run``: ``seed: variable:`` and its ``autograder_value``
    win over ``generate: seed:`` (``otter.assign.main``)."""
    from otter.run.run_autograder.autograder_config import AutograderConfig

    if config.seed and config.seed.variable:
        variable, value = config.seed.variable, config.seed.autograder_value
        if not str(variable).isidentifier() or not isinstance(value, int):
            raise UserError(f"The `seed` of the master names the variable {variable!r} with the autograder_value {value!r}: give a Python name and a whole number.")
        return Seed(value, str(variable))
    if isinstance(config.generate, AutograderConfig) and config.generate.seed is not None:
        return Seed(int(config.generate.seed))
    return None


def _files(master: Path, names: list[str] | None, key: str) -> tuple[Path, ...]:
    """The master's ``files:`` or ``autograder_files:``, each inside the master's folder, as otter requires."""
    folder = master.parent.resolve()
    found = []
    for name in names or ():
        file = (folder / name).resolve()
        if not file.is_relative_to(folder) or file == folder:
            raise UserError(f"'{name}' in the `{key}` of {master} is not inside the master's folder, as otter requires.")
        if not file.exists():
            raise UserError(f"'{name}' in the `{key}` of {master} does not exist beside it.")
        found.append(file)
    return tuple(found)


def gradescope_settings(generate: object, questions) -> GradescopeSettings:
    """The ``generate:`` keys that shape Gradescope's results, as otter's ``AutograderConfig`` reads
    them (its defaults where the master sets none, or ``generate: false``)."""
    from otter.run.run_autograder.autograder_config import AutograderConfig

    config = generate if isinstance(generate, AutograderConfig) else AutograderConfig()
    return GradescopeSettings(
        show_hidden=bool(config.show_hidden),
        show_all_public=bool(config.show_all_public),
        force_public_test_summary=bool(config.force_public_test_summary),
        show_stdout=bool(config.show_stdout),
        points_possible=config.points_possible,
        score_threshold=config.score_threshold,
        every_case_public=all(not case.hidden for question in questions for case in question.cases),
    )


def _cases(config, tests, order) -> dict[str, tuple[Case, ...]]:
    """Every question's cases, from the test files otter writes, read back by otter."""
    from otter.nbmeta_config import NBMetadataConfig
    from otter.test_files import ExceptionTestFile, OKTestFile

    found: dict[str, tuple[Case, ...]] = {}
    with tempfile.TemporaryDirectory() as folder:
        tests.write_tests(NBMetadataConfig(), folder, include_hidden=True, force_files=True)
        for question in order:
            test_path = Path(folder) / f"{question.name}.py"
            if not test_path.exists():
                continue
            text = test_path.read_text()
            if config.tests.ok_format:
                parsed = OKTestFile.from_file(str(test_path))
                found[question.name] = tuple(_case(tc, doctest=tc.body) for tc in parsed.test_cases)
            else:
                parsed = ExceptionTestFile.from_file(str(test_path))
                found[question.name] = tuple(_exception_case(tc, text) for tc in parsed.test_cases)
    return found


def _case(tc, **body) -> Case:
    return Case(tc.name, tc.points, bool(tc.hidden), tc.success_message, tc.failure_message, **body)


def _exception_case(tc, file_text: str) -> Case:
    function = tc.body.test_func.__name__
    definition = next(node for node in ast.parse(file_text).body if isinstance(node, ast.FunctionDef) and node.name == function)
    definition.decorator_list = []
    parameters = tuple(inspect.signature(tc.body.test_func).parameters)
    return _case(tc, source=ast.unparse(definition), function=function, parameters=parameters)
