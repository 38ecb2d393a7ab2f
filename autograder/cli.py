"""``autograder``: argument parsing only; each command lives in its own module."""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.errors import UserError
from autograder.layouts import LAYOUTS

if TYPE_CHECKING:
    from autograder.sandbox.settings import SandboxSettings, StudentRuntime

# Before numpy is imported: the grader's parallelism is its workers, and idle
# BLAS threads spinning after each small check cost the students' processes CPU.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

COMMANDS = {
    "quickstart": ("autograder.quickstart", "Make an empty course folder (nbgrader_config.py and the folders autograder uses)."),
    "new": ("autograder.scaffold", "Start an assignment: one example exercise, or exercises made of lecture listings (--from-lecture)."),
    "export-solution": ("autograder.export_solution", "Write solutions/NAME.py from the assignment's source notebook."),
    "release": ("autograder.release", "Export the solution and generate the student version of an assignment with nbgrader."),
    "selfcheck": ("autograder.selfcheck", "Prove the grader scores the solution and the mistake catalog as intended."),
    "grade": ("autograder.grading", "Grade every submitted notebook of an assignment, sandboxed and in parallel."),
    "report": ("autograder.outputs.report", "Write the class report (one HTML page) from existing grades."),
    "feedback": ("autograder.outputs.feedback", "Place feedback files where nbgrader's release_feedback finds them."),
    "export": ("autograder.outputs.canvas", "Export grades for a gradebook (Canvas)."),
    "gradescope": ("autograder.gradescope.archive", "Build a Gradescope autograder zip for an assignment."),
    "import-otter": ("autograder.otter.importer", "Import an otter-assign master notebook as an assignment (notebook, checks, solution)."),
    "references": ("autograder.reference_compare", "Compute assignments' Keras references on the GPU and on the CPU and print their largest differences."),
}


def _grading_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--timeout", type=float, default=20.0, metavar="SECONDS", help="time limit of each exercise (default 20)")
    parser.add_argument("--memory", type=int, default=2048, metavar="MB", help="memory limit of each submission (default 2048)")
    parser.add_argument("--device", choices=("auto", "cpu", "gpu"), default="auto", help="where reference Keras runs")
    parser.add_argument(
        "--allow-unconfined",
        action="store_true",
        help="grade even where the sandbox cannot be set up (not root, no namespaces): student code is then NOT confined",
    )


def sandbox_settings(args: argparse.Namespace, runtime: StudentRuntime, hide: tuple[Path, ...] = ()) -> SandboxSettings:
    """The sandbox a command's grading options ask for, with the assignment's student runtime."""
    from autograder.sandbox.settings import SandboxSettings

    if args.timeout <= 0 or args.memory < 64:
        raise UserError("--timeout must be positive and --memory at least 64 MB.")
    return SandboxSettings(
        timeout=args.timeout, memory_mb=args.memory, allow_unconfined=args.allow_unconfined, runtime=runtime,
        hide=tuple(str(p) for p in hide),
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description=__doc__)
    parser.add_argument("--course", type=Path, default=None, help="course root (default: nearest folder with nbgrader_config.py)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    parsers = {name: sub.add_parser(name, help=text, description=text) for name, (_, text) in COMMANDS.items()}
    for name, p in parsers.items():
        if name not in ("import-otter", "references", "quickstart"):
            p.add_argument("assignment", help="assignment name: its checks package in the course's checks/ folder")
    parsers["quickstart"].add_argument("folder", type=Path, help="the new course's folder (made if it does not exist)")
    parsers["import-otter"].add_argument("master", type=Path, help="the otter-assign master notebook")
    parsers["import-otter"].add_argument("--name", help="assignment name (default: the notebook's ASSIGNMENT CONFIG name, else its file name)")
    parsers["import-otter"].add_argument("--force", action="store_true", help="replace an assignment an earlier import-otter made (never one written or edited by hand)")

    new = parsers["new"]
    new.add_argument("--from-lecture", nargs="+", type=Path, metavar="FILE",
                     help="lecture decks (.txt or .md exported from slides, .ipynb): list their code listings, write nothing")
    new.add_argument("--pick", metavar="N,...", help="with --from-lecture: the listings to make exercises of, by number, then write them")

    selfcheck = parsers["selfcheck"]
    _grading_options(selfcheck)
    selfcheck.add_argument("--mutants", action="store_true",
                           help="also grade mutants of each exercise's solution and report how many the checks kill")
    selfcheck.add_argument("--cap", type=int, default=40, metavar="N", help="with --mutants: at most N mutants per exercise (default 40)")
    selfcheck.add_argument("--exercise", action="append", metavar="NAME", help="with --mutants: only this exercise's (repeatable)")

    grade = parsers["grade"]
    grade.add_argument("--submitted", type=Path, metavar="DIR", help="the class (default: the course's submitted folder)")
    grade.add_argument("--layout", choices=LAYOUTS, default="nbgrader",
                       help="how DIR lays out the class: nbgrader (DIR/<student>/<assignment>/<assignment>.ipynb, the default), "
                            "notebooks (DIR/<student>.ipynb or .zip: otter grade -p, Canvas downloads), folders (DIR/<student>/: Gradescope exports)")
    grade.add_argument("--out", type=Path, metavar="DIR", help="where grades go (default grades/<assignment>)")
    grade.add_argument("--workers", type=int, default=None, metavar="N", help="grading processes (default: one per CPU)")
    grade.add_argument("--max-notebook-mb", type=float, default=20, metavar="MB", help="a larger notebook is not read (default 20)")
    grade.add_argument("--cluster", metavar="ADDRESS", help="grade on an existing dask.distributed scheduler")
    _grading_options(grade)

    for name in ("report", "feedback", "export"):
        parsers[name].add_argument("--out", type=Path, metavar="DIR", help="the grades folder (default grades/<assignment>)")
    parsers["export"].add_argument("--format", required=True, choices=("canvas", "otter"), help="gradebook format")
    parsers["export"].add_argument("--roster", type=Path, metavar="FILE", help="the gradebook CSV exported from Canvas (canvas format)")
    parsers["export"].add_argument("--output", type=Path, metavar="FILE", help="where to write (default OUT/canvas.csv or OUT/final_grades.csv)")
    parsers["gradescope"].add_argument("--output", type=Path, metavar="ZIP", help="where to write the zip")
    parsers["references"].add_argument("assignments", nargs="*", metavar="assignment", help="assignment names (default: every assignment)")
    parsers["references"].add_argument("--cpu-twice", action="store_true", help="compare two CPU computations instead (no GPU needed)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    module = importlib.import_module(COMMANDS[args.command][0])
    try:
        return int(module.run(args) or 0)
    except UserError as error:
        print(f"autograder: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("autograder: interrupted; finished submissions are kept, run the same command again to go on.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
