"""Gradescope's results.json from either tool, for each configuration the interop tests compare.

``python gradescope_dicts.py otter ZIP NOTEBOOK OUT``: grades NOTEBOOK with what `otter run`
runs (``otter.run.main``; it writes otter's own results.json to OUT), then writes to
OUT/gradescope.json otter's ``GradingResults.to_gradescope_dict`` under each configuration.
``python gradescope_dicts.py ours NAME GRADES``: prints, per student graded in GRADES, our
``results_json`` for the imported assignment NAME under each configuration.
"""
from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

CONFIGS: dict[str, dict] = {"defaults": {}, "show_hidden": {"show_hidden": True}}
"""otter's defaults, and show_hidden (hidden results after publishing, the summary still forced)."""


def otter(zip_file: str, notebook: str, out: str) -> None:
    from otter.run import main
    from otter.run.run_autograder.autograder_config import AutograderConfig

    results = main(notebook, autograder=zip_file, output_dir=out, no_logo=True)
    dicts = {name: results.to_gradescope_dict(AutograderConfig(config)) for name, config in CONFIGS.items()}
    (Path(out) / "gradescope.json").write_text(json.dumps(dicts))


def ours(name: str, grades: str) -> None:
    from autograder.assignment import load_assignment
    from autograder.gradescope.results import results_json
    from autograder.results import ResultStore

    assignment = load_assignment(name)
    records = ResultStore(Path(grades)).load()
    print(json.dumps({
        student: {
            config: results_json([record], replace(assignment, gradescope=replace(assignment.gradescope, **overrides)))
            for config, overrides in CONFIGS.items()
        }
        for student, record in records.items()
    }))


if __name__ == "__main__":
    {"otter": otter, "ours": ours}[sys.argv[1]](*sys.argv[2:])
