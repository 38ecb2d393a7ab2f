"""What a student's process may see: the minimal root, listed by allow-list.

The grader works out here, with its own view of the machine, which host
paths the student's world is built from; :mod:`autograder.sandbox.launcher`
builds it. Nothing is visible that is not listed: the system's programs and
libraries (``/usr``), the Python the grader runs on, the site-packages
entries of the distributions an assignment lets students import (and what
they require), a few device nodes, and a scratch folder of each session's
own. Every site-packages folder and the grader's own package are covered by
an empty folder wherever they would otherwise show through, so the hidden
checks cannot be read even when the grader is installed system-wide.
"""
from __future__ import annotations

import hashlib
import json
import marshal
import os
import shutil
import site
import sys
import sysconfig
import threading
import types
from importlib import metadata
from pathlib import Path
from typing import Callable

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

import autograder
from autograder.files import cache_dir
from autograder.sandbox.control import RUNTIME, SHIMS, World

SYSTEM_TREES = ("/usr", "/bin", "/lib", "/lib64", "/sbin")
SITE_PACKAGES = "/site-packages"
PYTHON = "/python"
"""Where a Python installed outside the system trees (pyenv, conda, a build in a home folder) is
seen: its own prefix would name the grader's machine in every path a student prints."""
RUNTIME_FILES = (
    "values.py", "sandbox/__init__.py", "sandbox/calls.py", "sandbox/child.py", "sandbox/control.py", "sandbox/seccomp.py",
    "sandbox/syscall_numbers.py", "sandbox/syscalls.py", "sandbox/wire.py", "sandbox/zygote.py",
)
"""The sandbox runtime, by path inside the ``autograder`` package: with the assignment's probes, all of
our code a student's process holds."""
DEVICES = ("null", "zero", "urandom", "random")
ETC_FILES = {
    "/etc/passwd": "root:x:0:0:root:/tmp:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/tmp:/usr/sbin/nologin\n",
    "/etc/group": "root:x:0:\nnogroup:x:65534:\n",
    "/etc/hosts": "127.0.0.1 localhost\n",
    "/etc/hostname": "sandbox\n",
}
HOST_ETC = ("/etc/ld.so.cache", "/etc/localtime")


def base_interpreter() -> str:
    """The real interpreter behind a virtual environment's ``python`` link."""
    return os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)


def distribution_closure(names: tuple[str, ...]) -> list[metadata.Distribution]:
    """The named distributions and everything they require (extras left out)."""
    found: dict[str, metadata.Distribution] = {}
    todo = list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in found:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        found[name] = dist
        for text in dist.requires or []:
            try:
                requirement = Requirement(text)
            except InvalidRequirement:
                continue
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return list(found.values())


def _package_entries(dists: list[metadata.Distribution]) -> dict[str, str]:
    """Top-level site-packages entries of the distributions: name inside -> host path."""
    own = {"autograder", "solutions"}
    entries: dict[str, str] = {}
    for dist in dists:
        for file in dist.files or []:
            top = file.parts[0] if file.parts else ""
            if not top or top in ("..", "__pycache__") or top.split(".")[0] in own or top.endswith(".pth"):
                continue
            path = Path(dist.locate_file(top))
            if path.exists() and top not in entries:
                entries[top] = str(path)
    return entries


def _inside(path: str, trees: list[str]) -> bool:
    return any(path == tree or path.startswith(tree.rstrip("/") + "/") for tree in trees)


def _site_folders() -> set[str]:
    """Every folder third-party packages may be installed in: the environment's, the user's, and
    the base interpreter's own (a virtual environment's ``site`` does not list that one)."""
    base = {"base": sys.base_prefix, "platbase": sys.base_exec_prefix}
    folders = set(site.getsitepackages()) | {site.getusersitepackages()}
    folders |= {sysconfig.get_path(kind, vars=base) for kind in ("purelib", "platlib")}
    folders |= {p for p in sys.path if p and ("site-packages" in p or "dist-packages" in p)}
    return {os.path.realpath(f) for f in folders if os.path.isdir(f)}


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


_PYC_HEADER = 16
COPY_FORMAT = 2
"""Changes when what the copy holds changes, so that older copies are not reused."""


def _compiled_for_sandbox(staging: Path) -> Callable[[str, str], None]:
    """How the copy takes each file: compiled modules rewritten, everything else linked.

    A ``.pyc`` names the source file it was compiled from, and the host's
    compiles name the grader's environment (often inside the course). The
    interpreter renames loaded code, but the bytes it read stay in the
    student's heap; so each copy names its module as the sandbox sees it,
    under /site-packages. A ``.pyc`` of another interpreter is left out (this
    one would never read it)."""

    def take(source: str, target: str) -> None:
        folder = Path(target).parent
        if not source.endswith(".pyc") or folder.name != "__pycache__":
            _link_or_copy(source, target)
            return
        if f".{sys.implementation.cache_tag}." not in Path(source).name:
            return
        inside = f"{SITE_PACKAGES}/{folder.parent.relative_to(staging).as_posix()}/{Path(target).name.split('.')[0]}.py"
        data = Path(source).read_bytes()
        code = marshal.loads(data[_PYC_HEADER:])
        Path(target).write_bytes(data[:_PYC_HEADER] + marshal.dumps(_renamed(code, inside)))

    return take


def _renamed(code: types.CodeType, filename: str) -> types.CodeType:
    consts = tuple(_renamed(c, filename) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return code.replace(co_filename=filename, co_consts=consts)


def site_packages_copy(entries: dict[str, str]) -> str:
    """A folder holding just the allowed site-packages entries, hard links where
    the filesystem allows, made once per machine and set of packages.

    Bound as one folder, it keeps the students' ``/proc/self/mountinfo`` from
    naming where the grader's environment lives (a bind mount shows its source
    path there), and it is one mount instead of dozens in every session."""
    stamp = sorted((name, host, os.stat(host).st_mtime_ns) for name, host in entries.items())
    key = hashlib.sha256(json.dumps([COPY_FORMAT, stamp]).encode()).hexdigest()[:16]
    target = cache_dir() / "site-packages" / key
    if not target.is_dir():
        staging = target.with_name(f"{key}.{os.getpid()}-{threading.get_ident()}.tmp")
        staging.mkdir(parents=True)
        take = _compiled_for_sandbox(staging)
        for name, host in entries.items():
            if os.path.isdir(host):
                shutil.copytree(host, staging / name, symlinks=True, copy_function=take)
            else:
                _link_or_copy(host, str(staging / name))
        try:
            staging.rename(target)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
    return str(target)


def module_file(name: str) -> str:
    """A module of this package (``autograder.families.keras.probes``) by its path inside the package."""
    return name.removeprefix("autograder.").replace(".", "/") + ".py"


def module_folder(name: str) -> str:
    """A folder of this package, named like a package, by its path inside the package."""
    return name.removeprefix("autograder.").replace(".", "/")


def build_world(packages: tuple[str, ...], hide: tuple[str, ...] = (), shims: bool = False) -> World:
    """The world for an assignment whose students may import ``packages``; ``hide`` names
    folders of the course that must not show through either; ``shims``: stand-in modules go
    first on the student's path."""
    binds: list[tuple[str, str]] = []
    symlinks: list[tuple[str, str]] = []
    for tree in SYSTEM_TREES:
        if os.path.islink(tree):
            symlinks.append((tree, os.readlink(tree)))
        elif os.path.isdir(tree):
            binds.append((tree, tree))
    seen = {tree: tree for _, tree in binds}  # host trees the student sees, and where they show
    prefix = os.path.realpath(sys.base_prefix)
    python = base_interpreter()
    overlays: list[tuple[str, str]] = []
    environment: tuple[tuple[str, str], ...] = ()
    inside_prefix = prefix
    if not _inside(prefix, list(seen)):
        if not _inside(python, [prefix]):
            raise RuntimeError(f"the interpreter {python} lies outside its prefix {prefix}")
        overlays.append((prefix, PYTHON))
        seen[prefix] = inside_prefix = PYTHON
        python = PYTHON + python[len(prefix):]
        environment = (("LD_LIBRARY_PATH", f"{PYTHON}/lib"),)  # a shared libpython's RUNPATH names the host prefix
    for path in HOST_ETC:
        if os.path.islink(path):
            symlinks.append((path, os.readlink(path)))
        elif os.path.isfile(path):
            binds.append((path, path))
    dists = distribution_closure(packages)
    overlays.append((site_packages_copy(_package_entries(dists)), SITE_PACKAGES))
    own = os.path.realpath(Path(autograder.__file__).parent)
    candidates = _site_folders() | {own} | {os.path.realpath(p) for p in hide}
    shown = sorted(inside for p in candidates if os.path.isdir(p) and (inside := _seen_as(p, seen)) is not None)
    masks = [p for p in shown if not _inside(p, [m for m in shown if m != p])]
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    stdlib = (f"{inside_prefix}/lib/{version}", f"{inside_prefix}/lib/{version}/lib-dynload")
    return World(
        binds=tuple(binds), overlays=tuple(overlays), symlinks=tuple(symlinks), masks=tuple(masks),
        files=tuple(ETC_FILES.items()), devices=DEVICES, python=python,
        sys_path=(RUNTIME, *((SHIMS,) if shims else ()), *stdlib, SITE_PACKAGES), environment=environment,
    )


def _seen_as(path: str, seen: dict[str, str]) -> str | None:
    """Where a host path shows in the student's world, or None when it does not show at all."""
    for host, inside in seen.items():
        if _inside(path, [host]):
            return inside + path[len(host.rstrip("/")):] if path != host else inside
    return None
