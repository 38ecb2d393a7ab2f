"""The trust boundary, one behaviour per test: each runs student code that
tries something in a real sandbox and asserts what the grader sees."""
from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from autograder.files import cache_dir
from autograder.checks.api import Call, Opaque, Rng, SandboxFailure, Student
from autograder.sandbox.confinement import detect
from autograder.sandbox.deadlines import WALL_FACTOR
from autograder.sandbox.sandboxes import SandboxPool
from autograder.sandbox.session import CellsDied
from autograder.sandbox.settings import SandboxSettings
from autograder.sandbox.syscall_numbers import NUMBERS

pytestmark = pytest.mark.skipif(not detect().confined, reason=f"no sandbox here: {detect().problem}")
REPO = Path(__file__).resolve().parents[2]
SECRET = "grader-secret-7f3a9c"
SETTINGS = SandboxSettings(timeout=1, grace=1, memory_mb=300)


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory):
    os.environ["AUTOGRADER_TEST_TOKEN"] = SECRET
    try:
        boxes = SandboxPool(SETTINGS, 2)
    finally:
        del os.environ["AUTOGRADER_TEST_TOKEN"]
    yield boxes
    boxes.close()


@pytest.fixture
def sandbox(pool):
    with pool.checkout() as box:
        yield box


def assert_only_the_zygote_is_left(sandbox) -> None:
    assert sandbox.cgroup.members() == {sandbox.process.pid, sandbox.zygote_pid}


def run(sandbox, body: str, *args, cells: list[str] = (), function: str = "f"):
    source = f"def {function}(*args, **kwargs):\n" + "\n".join("    " + line for line in body.splitlines())
    numbered = [(i, c) for i, c in enumerate([*cells, source])]
    with sandbox.session(numbered, [function]) as session:
        return Student(session).call(function, *args), session


def test_student_runs_unprivileged_in_its_own_scratch(sandbox):
    returned, _ = run(sandbox, "import os\nreturn [os.getuid(), os.getgid(), os.getcwd(), os.getpid(), open('/proc/self/status').read()]")
    uid, gid, cwd, pid, status = returned.value
    assert (uid, gid, cwd, pid) == (65534, 65534, "/tmp", 1)
    assert "CapEff:\t0000000000000000" in status and "CapBnd:\t0000000000000000" in status
    assert "NoNewPrivs:\t1" in status


def test_the_world_is_an_allow_list(sandbox):
    returned, _ = run(sandbox, "import os\nreturn [sorted(os.listdir(\x27/\x27)), sorted(os.listdir(\x27/dev\x27)), sorted(os.listdir(\x27/proc\x27))]")
    top, dev, proc = returned.value
    assert set(top) <= {"bin", "dev", "etc", "lib", "lib64", "proc", "runtime", "sbin", "site-packages", "tmp", "usr", "var", "python"}
    assert not any(name.startswith(("nvidia", "dri", "kfd", "sd", "vd", "kvm", "mem", "tty", "loop")) for name in dev)
    assert [p for p in proc if p.isdigit()] == ["1"]


@pytest.mark.parametrize("path", [str(REPO / "autograder" / "rubric.py"), *map(str, sorted((REPO / "solutions").glob("*.py"))),
                                  "/root/.bashrc", "/etc/shadow", "/site-packages/autograder/checks/api.py"])
def test_grader_files_are_invisible(sandbox, path):
    returned, _ = run(sandbox, f"return open({path!r}).read()")
    assert returned.error is not None and returned.error.is_a("OSError")


def test_checks_are_not_importable(sandbox):
    returned, _ = run(sandbox, "import autograder.checks.api")
    assert returned.error is not None and returned.error.is_a("ImportError")


def test_no_trace_of_the_grader_in_memory_or_proc():
    """Even after making itself dumpable, the student finds neither the grader's
    environment nor the course's paths in its own memory or in /proc. The
    needles travel XOR-ed, so the search itself plants nothing to find."""
    body = (
        "import ctypes, numpy as np\nctypes.CDLL(None).prctl(4, 1, 0, 0, 0)\nfound = []\n"
        "for path in ('/proc/self/environ', '/proc/self/cmdline', '/proc/1/environ', '/proc/1/cmdline', '/proc/self/cgroup', '/proc/self/mountinfo'):\n"
        "    found.append(open(path, 'rb').read())\n"
        "mem = open('/proc/self/mem', 'rb', 0)\n"
        "for line in open('/proc/self/maps').read().splitlines():\n"
        "    span, perms = line.split()[:2]\n"
        "    if perms[0] != 'r' or '[vvar' in line or '[vsyscall' in line:\n        continue\n"
        "    start, end = (int(x, 16) for x in span.split('-'))\n"
        "    try:\n        mem.seek(start); found.append(mem.read(end - start))\n"
        "    except (OSError, ValueError, OverflowError):\n        pass\n"
        "hits = [0] * len(args)\n"
        "for region in found:\n"
        "    plain = (np.frombuffer(region, np.uint8) ^ 0x5A).tobytes()\n"
        "    hits = [h + plain.count(needle.tobytes()) for h, needle in zip(hits, args)]\n"
        "return [hits, sum(map(len, found))]"
    )
    needles = [np.frombuffer(text.encode(), np.uint8) ^ 0x5A for text in (SECRET, str(REPO / "autograder"), str(REPO / "submitted"), str(REPO) + "/")]
    os.environ["AUTOGRADER_TEST_TOKEN"] = SECRET
    try:
        pool = SandboxPool(SandboxSettings(timeout=20, memory_mb=1500), 1)
    finally:
        del os.environ["AUTOGRADER_TEST_TOKEN"]
    try:
        with pool.checkout() as box:
            returned, _ = run(box, body, *needles)
    finally:
        pool.close()
    assert returned.error is None, returned.error
    hits, scanned = returned.value
    assert scanned > 10_000_000
    assert hits == [0, 0, 0, 0]


def test_mountinfo_names_nothing_of_the_graders(sandbox):
    """A bind mount shows its source's host path in mountinfo: the site-packages copy and the Python
    prefix are shown through overlays named by file descriptors, so neither the grader's cache nor
    where its Python lives can be read there."""
    returned, _ = run(sandbox, "return [open('/proc/self/mountinfo').read(), open('/proc/self/mounts').read()]")
    mountinfo, mounts = returned.value
    for needle in (str(Path.home()), str(cache_dir()), os.path.realpath(sys.base_prefix), str(REPO), "/.cache/", "autograder"):
        assert needle not in mountinfo and needle not in mounts, needle


def test_cannot_write_outside_scratch(sandbox):
    targets = ["/etc/escaped", "/usr/escaped", "/site-packages/escaped", "/runtime/escaped", "/escaped", str(REPO / "escaped")]
    returned, _ = run(sandbox, "ok = []\nfor t in %r:\n    try:\n        open(t, 'w').write('x'); ok.append(t)\n    except OSError:\n        pass\nreturn ok" % targets)
    assert returned.value == []
    assert not any(Path(t).exists() for t in targets)


def test_network_is_unreachable(sandbox):
    returned, _ = run(sandbox, "import socket\nsocket.create_connection(('127.0.0.1', 22), timeout=1)")
    assert returned.error is not None and returned.error.is_a("OSError")


def test_nothing_written_survives_the_session(pool):
    """Scratch, /dev/shm, /var/tmp and SysV shared memory are the session's own."""
    plant = (
        "import ctypes, os\nfor folder in ('/tmp', '/dev/shm', '/var/tmp'):\n"
        "    open(os.path.join(folder, 'planted'), 'w').write('hidden inputs')\n"
        "libc = ctypes.CDLL(None)\nreturn libc.shmget(4242, 1 << 20, 0o1666)"
    )
    look = (
        "import ctypes, os\nseen = [f for f in ('/tmp/planted', '/dev/shm/planted', '/var/tmp/planted') if os.path.exists(f)]\n"
        "return [seen, ctypes.CDLL(None).shmget(4242, 0, 0o666), open('/proc/sysvipc/shm').read().count('\\n')]"
    )
    host_segments = Path("/proc/sysvipc/shm").read_text()
    with pool.checkout() as box:
        assert run(box, plant)[0].value >= 0
        seen, segment, listed = run(box, look)[0].value
    assert seen == [] and segment == -1 and listed == 1
    assert Path("/proc/sysvipc/shm").read_text() == host_segments


def test_deep_and_wide_trees_cost_nothing_to_clean(sandbox):
    body = (
        "import os\nfor i in range(3000):\n    os.mkdir('d')\n    os.chdir('d')\nos.chdir('/tmp')\n"
        "n = 0\ntry:\n    while True:\n        open(f'/tmp/f{n}', 'w').close(); n += 1\nexcept OSError:\n    pass\n"
        "try:\n    open('/tmp/big', 'wb').write(b'x' * (200 << 20))\nexcept OSError as e:\n    return [n, type(e).__name__]\nreturn [n, 'wrote 200 MB']"
    )
    started = time.monotonic()
    returned, _ = run(sandbox, body)
    files, outcome = returned.value
    assert files < 20_000 and outcome != "wrote 200 MB"
    assert time.monotonic() - started < 8
    assert run(sandbox, "import os\nreturn os.listdir('/tmp')")[0].value == []


def test_a_hang_is_a_timeout_and_the_sandbox_goes_on(sandbox):
    with pytest.raises(SandboxFailure) as failure:
        run(sandbox, "while True:\n    try:\n        pass\n    except BaseException:\n        pass")
    assert failure.value.reason == "timeout"
    assert run(sandbox, "return 1")[0].value == 1


def test_the_deadline_holds_against_a_slow_drip():
    """One byte of a frame now and then never buys more time: a process that waits (it uses no CPU)
    is cut off by the phase's wall backstop, however the bytes arrive."""
    settings = SandboxSettings(timeout=1, grace=1, memory_mb=300)
    body = "import os, time\nos.write(3, (1 << 20).to_bytes(4, 'big') + (0).to_bytes(4, 'big'))\nwhile True:\n    os.write(3, b' ')\n    time.sleep(0.05)"
    pool = SandboxPool(settings, 1)
    try:
        with pool.checkout() as box:
            started = time.monotonic()
            with pytest.raises(SandboxFailure) as failure:
                run(box, body)
    finally:
        pool.close()
    assert failure.value.reason == "timeout"
    assert time.monotonic() - started < WALL_FACTOR * (settings.cells_seconds(1) + settings.exercise_seconds) + 2


@pytest.mark.parametrize("frame", [
    b'{"cell":0}', b'{"value":1e999,"args":{"__tuple__":[]},"kwargs":{"__dict__":[]}}',
    b'{"value":NaN,"args":{"__tuple__":[]},"kwargs":{"__dict__":[]}}', b'{"defined":["f"],"errors":[],"printed":""}',
    b'{"value":' + b'9' * 5000 + b',"args":{"__tuple__":[]},"kwargs":{"__dict__":[]}}', b'[' * 100_000,
    b'{"args":{"__tuple__":[]},"kwargs":{"__dict__":[]}}', b'{"value":1,"args":{"__tuple__":[]},"kwargs":{"__dict__":[]}}',
])
def test_forged_frames_end_only_the_exercise(sandbox, frame):
    body = f"import os\nframe = {frame!r}\nos.write(3, len(frame).to_bytes(4, 'big') + (0).to_bytes(4, 'big') + frame)\nimport time\ntime.sleep(30)"
    with pytest.raises(SandboxFailure):
        run(sandbox, body)
    assert run(sandbox, "return 7")[0].value == 7


def test_a_forged_giant_frame_is_refused_before_it_is_read(sandbox):
    body = "import os\nos.write(3, (2**31).to_bytes(4, 'big') + (2**31).to_bytes(4, 'big'))\nimport time\ntime.sleep(30)"
    started = time.monotonic()
    with pytest.raises(SandboxFailure) as failure:
        run(sandbox, body)
    assert failure.value.reason == "crashed" and time.monotonic() - started < 5


@pytest.mark.parametrize("value", ["np.zeros(100_000_000, np.uint8)", "[0] * 3_000_000", "[[[]]] * 500_000"])
def test_giant_replies_arrive_as_opaque(sandbox, value):
    returned, _ = run(sandbox, f"import numpy as np\nreturn {value}")
    assert returned.value == Opaque("too large to send")


def test_the_replies_of_one_round_share_one_budget(sandbox):
    """Each reply may be as large as one reply may be; together they stay under BATCH_LIMITS, so what would not fit arrives as too large."""
    source = "import numpy as np\ndef f():\n    return np.zeros(40_000_000, np.uint8)"
    with sandbox.session([(0, source)], ["f"]) as session:
        first, second = Student(session).calls([Call.of("f"), Call.of("f")])
    assert first.value.shape == (40_000_000,) and second.value == Opaque("too large to send")


def test_forged_replies_beyond_the_round_budget_are_refused(sandbox):
    frame = b'{"__dict__":[["value",{"__array__":["|u1",[40000000]]}]]}'
    forge = (
        f"import os, time\nframe = {frame!r}\npart = len(frame).to_bytes(4, 'big') + (40_000_000).to_bytes(4, 'big') + frame + bytes(40_000_000)\n"
        "for view in (memoryview(part), memoryview(part)):\n    while view:\n        view = view[os.write(3, view):]\ntime.sleep(30)"
    )
    source = "def f():\n" + "\n".join("    " + line for line in forge.splitlines())
    with sandbox.session([(0, source)], ["f"]) as session:
        with pytest.raises(SandboxFailure) as failure:
            Student(session).calls([Call.of("f"), Call.of("f")])
    assert failure.value.reason == "crashed"
    assert run(sandbox, "return 7")[0].value == 7


def test_os_exit_is_a_crash_of_that_session_only(sandbox):
    with pytest.raises(SandboxFailure) as failure:
        run(sandbox, "import os\nos._exit(0)")
    assert failure.value.reason == "crashed"
    assert run(sandbox, "return 2")[0].value == 2


def test_a_memory_bomb_is_stopped_by_the_cgroup(sandbox):
    with pytest.raises(SandboxFailure) as failure:
        run(sandbox, "hog = []\nwhile True:\n    hog.append(bytearray(20 * 1024 * 1024))")
    assert failure.value.reason == "memory"
    assert run(sandbox, "return 3")[0].value == 3


def test_killing_everything_visible_and_fork_bombs_change_nothing(sandbox):
    returned, _ = run(
        sandbox,
        "import os, signal\nfor pid in (os.getppid(), 1, -1):\n    try:\n        os.kill(pid, signal.SIGKILL)\n    except OSError:\n        pass\n"
        "n = 0\nfor _ in range(2000):\n    try:\n        if os.fork() == 0:\n            import time; time.sleep(1000)\n        n += 1\n    except OSError:\n        break\nreturn n",
    )
    assert returned.value < 2000
    assert run(sandbox, "return 4")[0].value == 4
    assert_only_the_zygote_is_left(sandbox)


def test_background_processes_are_gone_when_the_session_ends(sandbox):
    run(sandbox, "import subprocess\nsubprocess.Popen(['sleep', '1000'], start_new_session=True)\nreturn 0")
    assert_only_the_zygote_is_left(sandbox)
    assert subprocess.run(["pgrep", "-f", "sleep 1000"], capture_output=True).stdout == b""


def test_output_is_capped_and_only_the_cells_output_is_kept(sandbox):
    cells = ["print('from a cell ' + 'x' * 10_000_000)"]
    returned, session = run(sandbox, "print('HIDDEN', args)\nreturn 5", 42, cells=cells)
    assert returned.value == 5
    printed = "".join(session.printed.values())
    assert printed.startswith("from a cell") and len(printed) < 10_000
    assert "HIDDEN" not in printed


def test_text_from_the_student_is_cleaned(sandbox):
    cells = ["import sys\nprint('\\x1b[2J\\x00ok\\udcff')\nraise ValueError('\\x1b]0;owned\\x07=cmd')"]
    returned, session = run(sandbox, "raise RuntimeError('\\udcff\\x00')", cells=cells)
    for text in (*session.printed.values(), *session.cell_errors.values(), returned.error.message):
        assert "\x1b" not in text and "\x00" not in text
        text.encode("utf-8")


def test_returned_objects_are_plain_data_only(sandbox):
    body = (
        "import numpy as np\nclass Anything(np.ndarray):\n    def __eq__(self, other):\n        return True\n"
        "np.allclose = lambda *a, **k: True\nreturn [np.zeros(2).view(Anything), object(), {'k': np.float32(1)}]"
    )
    returned, _ = run(sandbox, body)
    fake, obj, mapping = returned.value
    assert isinstance(obj, Opaque)
    assert isinstance(fake, Opaque)
    assert not np.allclose(np.zeros(2), np.ones(2))
    assert isinstance(mapping["k"], np.ndarray) and mapping["k"].dtype == np.float32


def test_arguments_after_the_call_come_back_only_when_asked(sandbox):
    source = "def f(x):\n    x[0] = 99"
    with sandbox.session([(0, source)], ["f"]) as session:
        watched, unwatched = Student(session).calls([Call.watching("f", np.zeros(3)), Call.of("f", np.zeros(3))])
        plain = Student(session).call("f", np.zeros(3))
    assert watched.args_after[0][0] == 99 and watched.kwargs_after == {}
    assert unwatched.args_after is None and plain.args_after is None


def test_one_generator_is_shared_between_calls_of_a_session(sandbox):
    source = "def f(rng):\n    return rng.random(3)"
    with sandbox.session([(0, source)], ["f"]) as session:
        g = Rng(7)
        first, second, fresh = Student(session).call("f", g), Student(session).call("f", g), Student(session).call("f", Rng(7))
    assert not np.array_equal(first.value, second.value)
    assert np.array_equal(first.value, fresh.value)


def test_calls_in_one_message_behave_as_calls_one_after_another(sandbox):
    source = "def f(rng, fail=False):\n    if fail:\n        raise ValueError('no')\n    return rng.random(3)"
    with sandbox.session([(0, source)], ["f"]) as session:
        g = Rng(7)
        first, failed, second, fresh = Student(session).calls([Call.of("f", g), Call.of("f", g, fail=True), Call.of("f", g), Call.of("f", Rng(7))])
    assert failed.error.is_a("ValueError") and failed.value is None
    assert not np.array_equal(first.value, second.value)
    assert np.array_equal(first.value, fresh.value)


@pytest.mark.parametrize("frame", [b'{"results":[]}', b'{"results":{"__tuple__":[1,2]}}', b'{"results":[1,2]}', b'{"results":[{"__dict__":[]},{"__dict__":[]}]}'])
def test_a_forged_reply_to_calls_ends_only_the_exercise(sandbox, frame):
    forge = f"import os\nframe = {frame!r}\nos.write(3, len(frame).to_bytes(4, 'big') + (0).to_bytes(4, 'big') + frame)\nimport time\ntime.sleep(30)"
    source = "def f():\n" + "\n".join("    " + line for line in forge.splitlines())
    with sandbox.session([(0, source)], ["f"]) as session:
        with pytest.raises(SandboxFailure):
            Student(session).calls([Call.of("f"), Call.of("f")])
    assert run(sandbox, "return 7")[0].value == 7


def test_failed_and_hanging_cells_do_not_stop_later_cells(sandbox):
    cells = [(0, "raise ValueError('boom')"), (1, "import time\ntime.sleep(60)"), (2, "def f():\n    return 6")]
    with sandbox.session(cells, ["f"]) as session:
        assert Student(session).call("f").value == 6
    assert len(session.cell_errors) == 2


def test_a_cell_that_kills_the_process_is_reported_by_index(sandbox):
    with pytest.raises(CellsDied) as died:
        with sandbox.session([(0, "x = 1"), (1, "import os\nos._exit(1)")], ["f"]):
            pass
    assert died.value.cell == 1 and died.value.reason == "crashed"


def test_students_import_numpy_and_scipy_but_nothing_of_the_grader(sandbox):
    returned, _ = run(sandbox, "import numpy, scipy.linalg, matplotlib.pyplot\nimport importlib.util\n"
                               "return [importlib.util.find_spec(m) is None for m in ('autograder.checks', 'autograder.rubric', 'solutions', 'nbgrader', 'keras', 'tensorflow', 'dask')]")
    assert returned.error is None, returned.error
    assert all(returned.value)


@pytest.mark.e2e
def test_cgroups_of_a_killed_grader_are_reaped(tmp_path):
    script = (
        "import time\nfrom autograder.sandbox.sandboxes import SandboxPool\nfrom autograder.sandbox.settings import SandboxSettings\n"
        "pool = SandboxPool(SandboxSettings(timeout=2, memory_mb=300), 1)\nprint(pool._all[0].cgroup.folders['memory'], flush=True)\ntime.sleep(60)"
    )
    process = subprocess.Popen([os.sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    folder = Path(process.stdout.readline().strip())
    assert folder.is_dir()
    process.kill()
    process.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(subprocess.run(["pgrep", "-f", "autograder.sandbox"], capture_output=True).stdout.split()) > 2:
        time.sleep(0.1)
    SandboxPool(SETTINGS, 1).close()
    assert not folder.exists()


def test_interactions_run_as_doctest_examples_and_bring_back_only_output(sandbox):
    with sandbox.session([(0, "x = 2")], []) as session:
        results = Student(session).interact(["x + 1", "print('hi')", "y = x * 10", "y", "1 / 0"])
    assert [r.output for r in results] == ["3\n", "hi\n", "", "20\n", ""]
    assert results[-1].error is not None and results[-1].error.is_a("ZeroDivisionError")
    assert all(r.error is None for r in results[:-1])


def test_an_unknown_probe_is_an_error_of_that_call_only(sandbox):
    with sandbox.session([(0, "def f():\n    return 1")], ["f"]) as session:
        probed = Student(session).inspect("no such probe", "f")
        assert probed.error is not None and probed.error.is_a("KeyError")
        assert Student(session).call("f").value == 1


def test_kernel_keyrings_are_out_of_reach(sandbox):
    """The kernel keeps a keyring per user across processes: every student is the
    same user, so it would carry data from one session to the next."""
    numbers = NUMBERS[os.uname().machine]
    body = (
        "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        f"number = libc.syscall({numbers['add_key']}, b'user', b'hidden', b'inputs', 6, -4)\n"
        f"return [number, ctypes.get_errno(), libc.syscall({numbers['keyctl']}, 0, -4, 0, 0, 0), ctypes.get_errno()]"
    )
    assert run(sandbox, body)[0].value == [-1, 1, -1, 1]


def test_a_cell_that_ignores_its_alarm_is_cut_off_soon_after_it(sandbox):
    hang = "while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass"
    started = time.monotonic()
    with pytest.raises(CellsDied) as died:
        with sandbox.session([(0, "x = 1"), (1, hang)], [], cells_seconds=600):
            pass
    assert died.value.cell == 1 and died.value.reason == "timeout"
    assert time.monotonic() - started < WALL_FACTOR * SETTINGS.exercise_seconds + 2  # its CPU budget, or the wall backstop on a busy machine


def _refused(sandbox, body: str) -> list:
    """Each attempt in ``body`` appends the errno it met (0 when it was allowed)."""
    returned, _ = run(sandbox, "import ctypes, errno, os, socket\nlibc = ctypes.CDLL(None, use_errno=True)\nmet = []\n"
                               "def attempt(call):\n    try:\n        result = call()\n    except OSError as error:\n        met.append(error.errno)\n"
                               "    else:\n        met.append(ctypes.get_errno() if result == -1 else 0)\n" + body + "\nreturn met")
    assert returned.error is None, returned.error
    return returned.value


def test_no_new_user_namespace_and_no_io_uring(sandbox):
    """A new user namespace would hand the student a full capability set inside it; io_uring
    reaches deep into the kernel by a door the seccomp filter cannot watch."""
    numbers = NUMBERS[os.uname().machine]
    met = _refused(sandbox, f"attempt(lambda: libc.unshare({0x10000000}))\n"
                            f"attempt(lambda: libc.syscall({numbers['clone']}, {0x10000000 | 17}, 0, 0, 0, 0))\n"
                            f"attempt(lambda: libc.syscall({numbers['io_uring_setup']}, 8, ctypes.create_string_buffer(120)))\n"
                            f"attempt(lambda: libc.syscall({numbers['bpf']}, 0, 0, 0))\n"
                            f"attempt(lambda: libc.syscall({numbers['ptrace']}, 0, 0, 0, 0))")
    assert met == [errno.EPERM] * 5


def test_memory_outside_the_address_space_cannot_be_had(sandbox):
    """memfd pages filled by write() are never mapped, socket and pipe buffers are the kernel's:
    no per-process limit sees them, so none can be made."""
    met = _refused(sandbox, "attempt(lambda: os.memfd_create('hog'))\nattempt(lambda: socket.socketpair())\n"
                            "attempt(lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW))\nattempt(lambda: os.pipe())")
    assert met == [errno.EPERM] * 4


def test_a_student_cannot_widen_its_cores_raise_its_priority_or_start_a_session(sandbox):
    met = _refused(sandbox, "attempt(lambda: os.sched_setaffinity(0, set(range(64))))\n"
                            "attempt(lambda: os.setpriority(os.PRIO_PROCESS, 0, -5))\nattempt(lambda: os.setsid())\n"
                            "attempt(lambda: os.execv('/bin/true', ['true']))")
    assert met == [errno.EPERM] * 4


def test_threads_still_start(sandbox):
    """Keras on torch starts threads: the filter lets a thread be made, by clone3's fallback to clone."""
    returned, _ = run(sandbox, "import threading\nseen = []\nthreads = [threading.Thread(target=seen.append, args=(i,)) for i in range(8)]\n"
                               "[t.start() for t in threads]\n[t.join() for t in threads]\nreturn sorted(seen)")
    assert returned.value == list(range(8))


def test_forged_progress_frames_never_move_a_deadline(sandbox):
    """Each cell ignores its alarms and writes the progress frame the child writes when a cell
    starts, its own and later ones: the cells still end at one cell's CPU limit, counted from
    the phase's start, however long the phase would allow."""
    forge = (
        "import io, os\nfrom autograder.sandbox.wire import write_frame\n"
        "def forge(i):\n    frame = io.BytesIO()\n    write_frame(frame, {'cell': i})\n    os.write(3, frame.getvalue())\n"
        "n = 0\nwhile True:\n    try:\n        while True:\n            n += 1\n            if n % 100000 == 0:\n                forge(CELL + n // 100000 % 3)\n"
        "    except BaseException:\n        pass"
    )
    cells = [(i, forge.replace("CELL", str(i))) for i in range(10)]
    started = time.monotonic()
    with pytest.raises(CellsDied) as died:
        with sandbox.session(cells, [], cells_seconds=600):
            pass
    assert died.value.reason == "timeout"
    assert time.monotonic() - started < WALL_FACTOR * SETTINGS.exercise_seconds + 2  # its CPU budget, or the wall backstop on a busy machine
