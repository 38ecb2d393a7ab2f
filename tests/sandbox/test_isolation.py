"""The trust boundary, one behaviour per test: each runs student code that
tries something in a real sandbox and asserts what the grader sees."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import psutil
import pytest

from autograder.checks.api import Opaque, Rng, SandboxFailure
from autograder.sandbox.pool import CellsDied, Sandbox, SandboxSettings, confinement_problem

pytestmark = pytest.mark.skipif(confinement_problem() is not None, reason=f"no sandbox here: {confinement_problem()}")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Sandbox:
    secret = tmp_path_factory.mktemp("grades")
    (secret / "grades.csv").write_text("alice,2\n")
    box = Sandbox(SandboxSettings(timeout=2, memory_mb=300, hide=(str(secret),)))
    box.secret = secret
    yield box
    box.close()


def assert_only_the_zygote_is_left(sandbox: Sandbox) -> None:
    zygote = psutil.Process(sandbox.process.pid).children()[0].pid
    for cgroup in sandbox.cgroups:
        assert (cgroup / "cgroup.procs").read_text().split() == [str(zygote)]


def run(sandbox: Sandbox, body: str, *args, cells: list[str] = (), function: str = "f"):
    source = f"def {function}(*args, **kwargs):\n" + "\n".join("    " + line for line in body.splitlines())
    numbered = [(i, c) for i, c in enumerate([*cells, source])]
    with sandbox.session(numbered, [function]) as session:
        session.start_checks()
        return session.call(function, *args), session


def test_student_runs_unprivileged_in_its_own_scratch(sandbox):
    returned, _ = run(sandbox, "import os\nreturn [os.getuid(), os.getgid(), os.getcwd()]")
    uid, gid, cwd = returned.value
    assert (uid, gid) == (65534, 65534)
    assert cwd.startswith("/tmp/autograder-scratch/")


@pytest.mark.parametrize("path", [str(REPO / "autograder" / "rubric.py"), *map(str, sorted((REPO / "solutions").glob("*.py"))), "/root/.bashrc"])
def test_grader_files_are_invisible(sandbox, path):
    returned, _ = run(sandbox, f"return open({path!r}).read()")
    assert returned.error is not None and returned.error.is_a("OSError")


def test_hidden_folders_given_by_the_grader_are_invisible(sandbox):
    returned, _ = run(sandbox, f"import os\nreturn os.listdir({str(sandbox.secret)!r})")
    assert returned.error is not None or returned.value == []


def test_cannot_write_outside_scratch(sandbox, tmp_path):
    targets = ["/etc/escaped", "/usr/escaped", "/tmp/escaped", str(REPO / "escaped")]
    returned, _ = run(sandbox, "ok = []\nfor t in %r:\n    try:\n        open(t, 'w').write('x'); ok.append(t)\n    except OSError:\n        pass\nreturn ok" % targets)
    assert returned.value == []
    assert not any(Path(t).exists() for t in targets)


def test_network_is_unreachable(sandbox):
    returned, _ = run(sandbox, "import socket\nsocket.create_connection(('127.0.0.1', 22), timeout=1)")
    assert returned.error is not None and returned.error.is_a("OSError")


def test_a_hang_is_a_timeout_and_the_sandbox_goes_on(sandbox):
    with pytest.raises(SandboxFailure) as failure:
        run(sandbox, "while True:\n    try:\n        pass\n    except BaseException:\n        pass")
    assert failure.value.reason == "timeout"
    assert run(sandbox, "return 1")[0].value == 1


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


def test_killing_the_parent_and_fork_bombs_change_nothing(sandbox):
    returned, _ = run(
        sandbox,
        "import os, signal\nfor pid in (os.getppid(), 1):\n    try:\n        os.kill(pid, signal.SIGKILL)\n    except OSError:\n        pass\n"
        "n = 0\nfor _ in range(2000):\n    try:\n        if os.fork() == 0:\n            import time; time.sleep(1000)\n        n += 1\n    except OSError:\n        break\nreturn n",
    )
    assert returned.value < 2000
    assert run(sandbox, "return 4")[0].value == 4
    assert_only_the_zygote_is_left(sandbox)


def test_background_processes_are_gone_when_the_session_ends(sandbox):
    run(sandbox, "import subprocess\nsubprocess.Popen(['sleep', '1000'], start_new_session=True)\nreturn 0")
    assert_only_the_zygote_is_left(sandbox)


def test_output_is_capped_and_never_fatal(sandbox):
    returned, session = run(sandbox, "print('x' * 10_000_000)\nreturn 5")
    assert returned.value == 5
    assert len(session.printed()) < 100_000


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


def test_arguments_after_the_call_come_back(sandbox):
    returned, _ = run(sandbox, "args[0][0] = 99\nreturn None", np.zeros(3))
    assert returned.args_after[0][0] == 99


def test_one_generator_is_shared_between_calls_of_a_session(sandbox):
    source = "def f(rng):\n    return rng.random(3)"
    with sandbox.session([(0, source)], ["f"]) as session:
        session.start_checks()
        g = Rng(7)
        first, second, fresh = session.call("f", g), session.call("f", g), session.call("f", Rng(7))
    assert not np.array_equal(first.value, second.value)
    assert np.array_equal(first.value, fresh.value)


def test_failed_and_hanging_cells_do_not_stop_later_cells(sandbox):
    cells = [(0, "raise ValueError('boom')"), (1, "import time\ntime.sleep(60)"), (2, "def f():\n    return 6")]
    with sandbox.session(cells, ["f"]) as session:
        session.start_checks()
        assert session.call("f").value == 6
    assert len(session.cell_errors) == 2


def test_a_cell_that_kills_the_process_is_reported_by_index(sandbox):
    with pytest.raises(CellsDied) as died:
        with sandbox.session([(0, "x = 1"), (1, "import os\nos._exit(1)")], ["f"]):
            pass
    assert died.value.cell == 1 and died.value.reason == "crashed"
