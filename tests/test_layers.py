"""Arrows point inward: the sandbox knows no checks, the engine no particular assignment, and
the code copied into a student's world imports nothing of ours that stays outside it."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from autograder.sandbox.world import RUNTIME_FILES

PACKAGE = Path(__file__).resolve().parents[1] / "autograder"
SHARED = ("autograder.values", "autograder.protocol", "autograder.status", "autograder.errors", "autograder.text", "autograder.files")
"""The types and helpers every layer may use."""


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth of its code, relative imports resolved."""
    tree = ast.parse(path.read_text())
    package = ".".join(("autograder", *path.relative_to(PACKAGE).parent.parts))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found |= {f"{base}.{alias.name}" for alias in node.names} | {base}
    return found


def ours(modules: set[str]) -> set[str]:
    return {m for m in modules if m == "autograder" or m.startswith("autograder.")}


def modules_under(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


@pytest.mark.parametrize("path", modules_under("sandbox"), ids=lambda p: p.name)
def test_the_sandbox_imports_only_itself_and_the_shared_types(path):
    allowed = ("autograder.sandbox", *SHARED)
    stray = {m for m in ours(imported(path)) if m != "autograder" and not m.startswith(allowed)}
    assert not stray, f"{path.name} imports {sorted(stray)}"


@pytest.mark.parametrize("path", [PACKAGE / name for name in RUNTIME_FILES], ids=str)
def test_the_runtime_in_the_students_world_imports_only_the_runtime(path):
    runtime = {"autograder." + name.removesuffix(".py").replace("/", ".").removesuffix(".__init__") for name in RUNTIME_FILES}
    stray = {m for m in ours(imported(path)) if m not in runtime and m.rsplit(".", 1)[0] not in runtime and m not in ("autograder", "autograder.sandbox")}
    assert not stray, f"{path} imports {sorted(stray)}, which is not in the student's world"


ENGINE = [p for p in PACKAGE.rglob("*.py") if not p.relative_to(PACKAGE).parts[0] == "checks" or p.parent == PACKAGE / "checks"]


@pytest.mark.parametrize("path", ENGINE, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_engine_imports_no_particular_assignment(path):
    shared = {"api", "trusted", "conftest"}
    particular = {m for m in ours(imported(path)) if m.startswith("autograder.checks.") and m.split(".")[2] not in shared}
    assert not particular, f"{path.relative_to(PACKAGE)} imports {sorted(particular)}"
