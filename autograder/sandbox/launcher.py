"""Stage one of a worker's sandbox: build the student's world, then become the zygote.

The grader starts ``python -m autograder.sandbox.launcher`` with a minimal
environment and no arguments, and sends the plan over the control socket
(its standard input), a :class:`~autograder.sandbox.control.LaunchPlan`: which
cgroups to join, which namespaces to enter, and the world to build. The launcher joins the
cgroups, enters new user (when not root), mount, pid, network, IPC, UTS and
cgroup namespaces, and forks the zygote, pid 1 there. The zygote builds the
minimal root from the plan, pivots into it, drops the host's tree, and
replaces itself by a fresh interpreter (:mod:`autograder.sandbox.zygote`)
started with a fixed minimal environment: nothing the grader knew (its
environment, the plan, course paths) is left in the memory that every
student process is forked from. The zygote ends when the grader closes
the control socket or dies (its end of the socket closes with it), and dies
with the launcher (``PR_SET_PDEATHSIG``); with the zygote goes every process
it started. (Not the launcher's own death signal: the kernel sends it when
the grader *thread* that started it ends, and pools start zygotes from
short-lived threads.)
"""
from __future__ import annotations

import os
import signal
import socket
import sys
from pathlib import Path

from autograder.sandbox import control
from autograder.sandbox import syscalls as sc
from autograder.sandbox.control import RUNTIME, SHIMS, LaunchPlan, World

CONTROL_FD = 3
ZYGOTE_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp", "TMPDIR": "/tmp", "MPLBACKEND": "Agg",
    "MPLCONFIGDIR": "/tmp", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONDONTWRITEBYTECODE": "1",
}
"""What the zygote's environment holds, whatever the assignment adds. One BLAS (and OpenMP, so
torch) thread: each worker's student gets one core, and no thread pool runs before a fork."""
BOOT = "import sys;sys.path[:]={path!r};from autograder.sandbox.zygote import main;main()"
_NAMESPACES = sc.CLONE_NEWNS | sc.CLONE_NEWPID | sc.CLONE_NEWNET | sc.CLONE_NEWIPC | sc.CLONE_NEWUTS


def _write(path: str, text: str) -> None:
    with open(path, "w") as stream:
        stream.write(text)


def _enter_user_namespace(uid: int, gid: int) -> None:
    """Root inside, the grader's own uid outside: all an ordinary user may map."""
    sc.unshare(sc.CLONE_NEWUSER)
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"0 {uid} 1")
    _write("/proc/self/gid_map", f"0 {gid} 1")


def _bind_read_only(source: str, target: str) -> None:
    if os.path.isdir(source):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.exists(target):
            open(target, "w").close()
    sc.mount(source, target, None, sc.MS_BIND | sc.MS_REC)
    flags = sc.mount_flags(target) | sc.MS_NOSUID | sc.MS_NODEV
    sc.mount(None, target, None, sc.MS_REMOUNT | sc.MS_BIND | sc.MS_RDONLY | flags)


def _overlay_read_only(source: str, target: str) -> None:
    """``source`` shown read-only at ``target`` by an overlay whose layers are named by this
    process's file descriptors: a bind mount would show its source's host path in every
    student's mountinfo, an overlay shows only the names it was given. An overlay without an
    upper layer needs two lower ones; the second is an empty folder."""
    os.makedirs(target, exist_ok=True)
    os.makedirs("/empty", exist_ok=True)
    layers = [os.open(source, os.O_RDONLY | os.O_DIRECTORY), os.open("/empty", os.O_RDONLY | os.O_DIRECTORY)]
    try:
        lower = ":".join(f"/oldroot/proc/self/fd/{fd}" for fd in layers)
        sc.mount("overlay", target, "overlay", sc.MS_RDONLY | sc.MS_NOSUID | sc.MS_NODEV, f"lowerdir={lower}")
    finally:
        for fd in layers:
            os.close(fd)


def build_root(world: World, runtime: dict[str, str]) -> None:
    """Assemble the world under a fresh tmpfs and make it ``/``; the host's tree is then gone.

    As bubblewrap does: a scratch tmpfs on /tmp becomes the root for a moment,
    so the host's tree sits at /oldroot, from where each listed path is bound
    into /newroot; then /newroot becomes the root and /oldroot is detached.
    """
    sc.mount(None, "/", None, sc.MS_REC | sc.MS_PRIVATE)
    sc.mount("tmpfs", "/tmp", "tmpfs", sc.MS_NOSUID | sc.MS_NODEV, "size=1m,mode=755")
    os.mkdir("/tmp/newroot")
    os.mkdir("/tmp/oldroot")
    sc.pivot_root("/tmp", "/tmp/oldroot")
    os.chdir("/")
    sc.mount("tmpfs", "/newroot", "tmpfs", sc.MS_NOSUID | sc.MS_NODEV, "size=8m,mode=755")
    new = "/newroot"
    for source, target in world.binds:
        _bind_read_only("/oldroot" + source, new + target)
    for source, target in world.overlays:
        _overlay_read_only("/oldroot" + source, new + target)
    for link, target in world.symlinks:
        os.makedirs(os.path.dirname(new + link), exist_ok=True)
        os.symlink(target, new + link)
    for path in world.masks:
        sc.mount("tmpfs", new + path, "tmpfs", sc.MS_RDONLY | sc.MS_NOSUID | sc.MS_NODEV, "size=4k,mode=755")
    for path, text in world.files:
        os.makedirs(os.path.dirname(new + path), exist_ok=True)
        _write(new + path, text)
    os.makedirs(new + "/dev")
    for device in world.devices:
        open(f"{new}/dev/{device}", "w").close()
        sc.mount(f"/oldroot/dev/{device}", f"{new}/dev/{device}", None, sc.MS_BIND)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                         ("stderr", "/proc/self/fd/2"), ("shm", "/tmp")):
        os.symlink(target, f"{new}/dev/{name}")
    for folder in ("/proc", "/tmp", "/var"):
        os.makedirs(new + folder, exist_ok=True)
    os.symlink("/tmp", new + "/var/tmp")
    # The zygote's own small writable /tmp: preloading some libraries (Keras on torch) asks
    # tempfile for a usable folder. Every session mounts its own tmpfs over it.
    sc.mount("tmpfs", new + "/tmp", "tmpfs", sc.MS_NOSUID | sc.MS_NODEV, "size=1m,nr_inodes=64,mode=700")
    # The worker's own /proc, mounted while the host's is still in view: in a user
    # namespace the kernel lets a session mount a /proc of its own only over one
    # that is fully visible already. Each session's /proc then covers this one.
    sc.mount("proc", new + "/proc", "proc", sc.MS_NOSUID | sc.MS_NODEV | sc.MS_NOEXEC)
    for relative, text in runtime.items():
        target = Path(new + "/runtime") / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    os.mkdir(new + "/.oldbase")
    sc.pivot_root(new, new + "/.oldbase")
    os.chdir("/")
    sc.umount("/.oldbase")
    os.rmdir("/.oldbase")
    sc.mount(None, "/", None, sc.MS_REMOUNT | sc.MS_RDONLY | sc.MS_NOSUID | sc.MS_NODEV)
    sc.sethostname("sandbox")


def runtime_sources(package: Path, files: tuple[str, ...], shims: tuple[str, ...]) -> dict[str, str]:
    """The runtime's files and the shims, by their path under the world's runtime folder, read
    before the host's tree goes; every package on the way to a runtime file is an empty marker."""
    sources: dict[str, str] = {}
    for relative in files:
        parts = Path(relative).parts
        for depth in range(len(parts)):
            sources.setdefault("/".join(("autograder", *parts[:depth], "__init__.py")), "")
        sources[f"autograder/{relative}"] = "" if relative.endswith("__init__.py") else (package / relative).read_text()
    for folder in shims:
        for path in sorted((package / folder).rglob("*.py")):
            sources[f"shims/{path.relative_to(package / folder).as_posix()}"] = path.read_text()
    return sources


def _close_other_fds(keep: int) -> None:
    os.closerange(0, keep)
    os.closerange(keep + 1, 1 << 16)
    devnull = os.open("/dev/null", os.O_RDWR)
    os.set_inheritable(devnull, True)
    for fd in (0, 1, 2):
        if fd != devnull:
            os.dup2(devnull, fd)


def become_zygote(plan: LaunchPlan, channel: socket.socket) -> None:
    """In the new namespaces: build the world (if confined) and exec the zygote."""
    sc.prctl(sc.PR_SET_PDEATHSIG, signal.SIGKILL)
    world = plan.world
    package = Path(__file__).resolve().parent.parent
    if plan.confined:
        build_root(world, runtime_sources(package, plan.runtime, plan.shims))
        python, path = world.python, list(world.sys_path)
    else:
        here = {RUNTIME: str(package.parent), SHIMS: str(package / plan.shims[0]) if plan.shims else None}
        python, path = plan.host_python, [here[entry] for entry in world.sys_path if here.get(entry)] + list(plan.host_path)
    os.dup2(channel.fileno(), CONTROL_FD + 1)
    os.dup2(CONTROL_FD + 1, CONTROL_FD)
    os.set_inheritable(CONTROL_FD, True)
    _close_other_fds(CONTROL_FD)
    environment = dict(plan.environment) | ZYGOTE_ENV
    if plan.confined:
        environment |= dict(world.environment)
    os.execve(python, ["python3", "-I", "-S", "-B", "-c", BOOT.format(path=path)], environment)


def main() -> None:
    channel = socket.socket(fileno=os.dup(0))
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    plan = control.decode(channel.recv(1 << 20), LaunchPlan)
    if os.getppid() != plan.grader:
        sys.exit(1)
    try:
        for procs in plan.cgroup_procs:
            _write(procs, str(os.getpid()))
        if plan.confined:
            if plan.user_namespace:
                _enter_user_namespace(plan.uid, plan.gid)
            sc.unshare(_NAMESPACES | (sc.CLONE_NEWCGROUP if plan.cgroup_procs else 0))
        pid = os.fork()
    except OSError as error:
        channel.sendall(control.encode(control.Failed(str(error))))
        sys.exit(1)
    if pid == 0:
        try:
            become_zygote(plan, channel)
        except BaseException as error:
            try:
                channel.sendall(control.encode(control.Failed(f"{type(error).__name__}: {error}")))
            finally:
                os._exit(1)
    channel.sendall(control.encode(control.ZygoteStarted(pid)))
    channel.close()
    _, status = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(status) & 0xFF)


if __name__ == "__main__":
    main()
