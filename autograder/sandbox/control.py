"""The control messages between the grader, a worker's launcher and its zygote: typed records
both ends share, sent as JSON over the worker's control socket (one message a datagram).

Part of the sandbox runtime: the zygote reads its set-up and requests with these classes, so
this module imports nothing but the standard library.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields


RUNTIME = "/runtime"
"""Where the world holds the sandbox runtime (first on the student's path)."""
SHIMS = "/runtime/shims"
"""Where the world holds the assignment's stand-in modules (next on the path)."""


class ControlError(Exception):
    """A control message that is not one of these records."""


@dataclass(frozen=True)
class World:
    """The student's root filesystem, as data the launcher follows without judgement."""

    binds: tuple[tuple[str, str], ...]
    """(host path, path inside): bound read-only. Each shows its host path in the student's
    ``/proc/self/mountinfo``, so only system paths are bound."""
    overlays: tuple[tuple[str, str], ...]
    """(host folder, path inside): shown read-only through an overlay whose layers are named by
    open file descriptors, so mountinfo names no host path (the site-packages copy, the prefix)."""
    symlinks: tuple[tuple[str, str], ...]
    """(path inside, target)."""
    masks: tuple[str, ...]
    """Paths inside that an empty read-only folder covers."""
    files: tuple[tuple[str, str], ...] = ()
    devices: tuple[str, ...] = ()
    python: str = ""
    """The interpreter, as the student's world names it."""
    sys_path: tuple[str, ...] = ()
    """The student's import path inside: the runtime, its shims, the standard library, the allowed packages."""
    environment: tuple[tuple[str, str], ...] = ()
    """What the interpreter needs in its environment to start there (its library folder when the prefix moved)."""


@dataclass(frozen=True)
class LaunchPlan:
    """Grader to launcher, first: where the worker's zygote lives and what it is allowed."""

    grader: int
    """The grader's pid: a launcher whose parent is anyone else stops at once."""
    confined: bool
    user_namespace: bool
    uid: int
    gid: int
    cgroup_procs: tuple[str, ...]
    world: World
    environment: tuple[tuple[str, str], ...]
    """What the assignment adds to the zygote's environment (names the launcher fixes are not replaced)."""
    runtime: tuple[str, ...]
    """Files of the ``autograder`` package the student's world holds (the sandbox runtime and the
    assignment's probes), by their path inside the package; the launcher reads them before the host's tree goes."""
    shims: tuple[str, ...]
    """Folders of the package whose modules stand in for others on the student's path (``tensorflow.keras``)."""
    host_python: str
    host_path: tuple[str, ...]
    """Where the unconfined zygote finds the standard library and packages (confined, the world's path serves)."""


@dataclass(frozen=True)
class ZygoteSetup:
    """Grader to zygote, second: what every student process of this worker starts with."""

    preload: tuple[str, ...]
    probes: tuple[str, ...]
    """Modules whose ``PROBES`` the student's process answers inspect requests with."""
    confined: bool
    drop_to_nobody: bool
    scratch_mb: int
    scratch_inodes: int
    counted: bool
    """A cgroup counts every process and page of a session: it may start processes."""
    memory_bytes: int | None
    """The address-space cap where no cgroup caps memory."""
    processes: int | None
    """RLIMIT_NPROC where no cgroup caps processes."""


@dataclass(frozen=True)
class Start:
    """Start a session; the student's end of its socket travels with the message."""


@dataclass(frozen=True)
class End:
    """Kill the session's process and everything it started."""


@dataclass(frozen=True)
class CpuQuery:
    """How much CPU the session's process has used so far."""


@dataclass(frozen=True)
class Ready:
    """The zygote preloaded what it was told and waits for sessions."""


@dataclass(frozen=True)
class ZygoteStarted:
    """The launcher forked the zygote: its pid, as the grader sees it."""

    pid: int


@dataclass(frozen=True)
class Started:
    ok: bool


@dataclass(frozen=True)
class Ended:
    how: str
    cpu: float
    """CPU seconds the session's process and every process it waited for used."""


@dataclass(frozen=True)
class CpuUsed:
    cpu: float


@dataclass(frozen=True)
class Failed:
    """Something could not be done; why, for the grader's log."""

    error: str = field(default="")


Message = (LaunchPlan | ZygoteSetup | Start | End | CpuQuery | Ready | ZygoteStarted | Started | Ended | CpuUsed | Failed)
_KINDS = {cls.__name__: cls for cls in (LaunchPlan, ZygoteSetup, Start, End, CpuQuery, Ready, ZygoteStarted, Started, Ended, CpuUsed, Failed)}


def encode(message: Message) -> bytes:
    return json.dumps({"kind": type(message).__name__, **asdict(message)}).encode()


def decode(data: bytes, *expected: type) -> Message:
    """One message of one of the ``expected`` kinds, tuples and the world rebuilt as they were sent."""
    try:
        body = json.loads(data)
        kind = _KINDS[body.pop("kind")]
        if kind not in expected:
            raise ControlError(f"a {kind.__name__} where {', '.join(k.__name__ for k in expected)} was expected")
        return kind(**{f.name: _rebuilt(f.name, body[f.name]) for f in fields(kind)})
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ControlError(f"not a control message: {error}") from None


def _rebuilt(name: str, value: object) -> object:
    if name == "world" and isinstance(value, dict):
        return World(**{key: _tupled(item) for key, item in value.items()})
    return _tupled(value)


def _tupled(value: object) -> object:
    return tuple(_tupled(item) for item in value) if isinstance(value, list) else value
