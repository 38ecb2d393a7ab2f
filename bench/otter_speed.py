"""`otter run` per submission against `autograder grade` on the same imported otter assignment, in one run.

Builds a temporary course with `tests/otter/squares.ipynb` imported, N correct
submissions, grades them with `autograder grade` and a few with `otter run`
(3-9 s each), and prints both per-submission times and their ratio.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "otter"))
from both_tools import HERE, course_copy, filled, run  # noqa: E402
from test_against_otter import ANSWERS  # noqa: E402

import nbformat  # noqa: E402


def main(submissions: int = 40, otter_runs: int = 3) -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        master = work / "squares.ipynb"
        master.write_text((HERE / "squares.ipynb").read_text().replace("generate: false", "generate: true"))
        run(str(Path(sys.executable).parent / "otter"), "assign", str(master), "dist", cwd=work)
        (zip_file,) = (work / "dist" / "autograder").glob("*.zip")
        course = course_copy(work)
        notebook = filled(work / "dist" / "student" / "squares.ipynb", ANSWERS["correct"])
        targets = []
        for index in range(submissions):
            target = course / "submitted" / f"s{index:03d}" / "squares" / "squares.ipynb"
            target.parent.mkdir(parents=True)
            nbformat.write(notebook, target)
            targets.append(target)
        run(sys.executable, "-m", "autograder.cli", "import-otter", str(HERE / "squares.ipynb"), cwd=course)
        start = time.perf_counter()
        run(sys.executable, "-m", "autograder.cli", "grade", "squares", cwd=course)
        ours = (time.perf_counter() - start) / submissions
        (work / "o").mkdir()
        start = time.perf_counter()
        for target in targets[:otter_runs]:
            run(str(Path(sys.executable).parent / "otter"), "run", "-a", str(zip_file), "-o", str(work / "o"), str(target), cwd=work)
        theirs = (time.perf_counter() - start) / otter_runs
        print(f"otter run: {theirs * 1000:.0f} ms per submission ({otter_runs} submissions)")
        print(f"autograder grade: {ours * 1000:.0f} ms per submission ({submissions} submissions, start-up included)")
        print(f"ratio: {theirs / ours:.1f}x")


if __name__ == "__main__":
    main()
