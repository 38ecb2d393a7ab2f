"""The master's ASSIGNMENT CONFIG `generate:` keys become the imported assignment's Gradescope settings."""
from __future__ import annotations

import json
import shutil

from autograder.otter.gradescope import GradescopeSettings
from autograder.otter.master import read_master
from both_tools import HERE


def _master_with(tmp_path, generate: str):
    notebook = json.loads((HERE / "squares.ipynb").read_text())
    config = notebook["cells"][0]
    config["source"] = "".join(config["source"]).replace("generate: false", generate)
    path = tmp_path / "squares.ipynb"
    path.write_text(json.dumps(notebook))
    shutil.copy(HERE / "data.csv", tmp_path)
    return read_master(path)


def test_no_generate_settings_are_otters_defaults(tmp_path):
    assert _master_with(tmp_path, "generate: false").gradescope == GradescopeSettings()
    assert _master_with(tmp_path, "generate: true").gradescope == GradescopeSettings()


def test_generate_keys_are_read_with_otters_config(tmp_path):
    generate = "generate:\n    show_hidden: true\n    force_public_test_summary: false\n    show_stdout: true\n    points_possible: 10\n    score_threshold: 0.5"
    settings = _master_with(tmp_path, generate).gradescope
    assert settings == GradescopeSettings(show_hidden=True, force_public_test_summary=False, show_stdout=True, points_possible=10, score_threshold=0.5)
    assert not settings.every_case_public, "squares has hidden cases"
