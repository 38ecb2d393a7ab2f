"""The system calls a student's process may make: an allow-list, as nsjail and Docker's default profile keep one.

Measured first (``strace`` of honest numpy and Keras-on-torch students, README's "What the
sandbox guarantees"), then widened only by calls of the same kinds that ordinary Python needs
(files in the session's scratch, memory, threads, time, signals, polling). Everything else
fails with ``EPERM``: new user namespaces (the one namespace a process without capabilities may
make, and one that would hand it a full capability set), ``io_uring``, ``bpf``,
``perf_event_open``, ``userfaultfd``, the kernel keyrings (the one store the kernel keeps per user
across processes, and every student is the same user), ``ptrace``, ``memfd_create`` and new
sockets and pipes (memory no per-process limit sees, and per-user kernel resources every student
shares), ``execve``, and the calls that would let one session take more than its share of the
CPU (``sched_setaffinity``, ``setpriority``, ``setsid``: a session of its own is a scheduler
autogroup of its own). A foreign architecture or the x32 ABI (a way around the numbers) kills.

The zygote loads the filter once on itself; every student process inherits it and can never
drop it. So the allow-list also holds what the zygote still does after loading it (clone a
session into its namespaces, wait, kill) and what a student's process does to set itself up
before it drops every capability (mount its scratch and ``/proc``, change uid, clear its
capabilities): without a capability, and with no way to make a user namespace, the kernel
refuses those calls to the student's own code.

Where no cgroup counts a session's processes and memory, a session is one process: ``clone``
must make a thread (or a session's first process, which needs a capability no student has), and
System V IPC is refused, since the per-process address-space limit would not see either.
"""
from __future__ import annotations

import ctypes
import os

from autograder.sandbox import syscalls as sc
from autograder.sandbox.syscall_numbers import NUMBERS

AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
FREQUENT = (
    "read", "write", "futex", "recvfrom", "sendto", "mmap", "munmap", "madvise", "brk", "newfstatat", "fstat",
    "openat", "close", "lseek", "getdents64", "rt_sigprocmask", "rt_sigaction", "gettid", "getpid", "clock_gettime",
)
"""Checked first: nearly every call a student makes is one of these."""
ALLOWED = FREQUENT + (
    # files, all inside the student's world (read-only but for its scratch)
    "stat", "lstat", "statx", "open", "openat2", "pread64", "pwrite64", "readv", "writev", "preadv", "pwritev",
    "preadv2", "pwritev2", "close_range", "access", "faccessat", "faccessat2", "getcwd", "chdir", "fchdir", "mkdir",
    "mkdirat", "rmdir", "unlink", "unlinkat", "rename", "renameat", "renameat2", "link", "linkat", "symlink",
    "symlinkat", "readlink", "readlinkat", "chmod", "fchmod", "fchmodat", "truncate", "ftruncate", "fallocate",
    "fsync", "fdatasync", "fcntl", "flock", "dup", "dup2", "dup3", "utimensat", "statfs", "fstatfs", "sendfile",
    "copy_file_range", "getxattr", "lgetxattr", "fgetxattr", "listxattr", "llistxattr", "flistxattr", "fadvise64",
    "umask",
    # memory
    "mprotect", "mremap", "msync", "mincore", "membarrier", "get_mempolicy",
    # the session's channel (an open socket: no new one can be made)
    "recvmsg", "getsockname", "getpeername", "getsockopt", "shutdown",
    # waiting
    "poll", "ppoll", "select", "pselect6", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait",
    "epoll_pwait2", "eventfd", "eventfd2",
    # signals and timers
    "rt_sigreturn", "rt_sigpending", "rt_sigsuspend", "rt_sigtimedwait", "sigaltstack", "kill", "tgkill", "tkill",
    "pause", "alarm", "setitimer", "getitimer", "timer_create", "timer_settime", "timer_gettime", "timer_getoverrun",
    "timer_delete", "clock_getres", "clock_nanosleep", "nanosleep", "gettimeofday", "time", "times", "getrusage",
    # what a process may know of itself
    "getppid", "getuid", "geteuid", "getgid", "getegid", "getgroups", "getresuid", "getresgid", "getpgid", "getpgrp",
    "getsid", "setpgid", "getpriority", "sched_getaffinity", "sched_getparam", "sched_getscheduler",
    "sched_get_priority_max", "sched_get_priority_min", "sched_yield", "sched_rr_get_interval", "uname", "sysinfo",
    "getcpu", "getrlimit", "prlimit64", "capget", "getrandom",
    # threads, and a process's end
    "set_tid_address", "set_robust_list", "get_robust_list", "rseq", "futex_waitv", "exit", "exit_group", "wait4",
    "waitid", "arch_prctl", "prctl",
    # the student's own set-up, before it drops every capability (refused to it afterwards)
    "mount", "setgroups", "setresuid", "setresgid", "capset",
)
COUNTED = (
    "fork", "vfork", "shmget", "shmat", "shmdt", "shmctl", "semget", "semop", "semtimedop", "semctl", "msgget",
    "msgsnd", "msgrcv", "msgctl",
)
"""Allowed only where a cgroup counts every process and every page of a session."""
DENIED = (
    "unshare", "setns", "ptrace", "process_vm_readv", "process_vm_writev", "io_uring_setup", "io_uring_enter",
    "io_uring_register", "bpf", "perf_event_open", "userfaultfd", "add_key", "request_key", "keyctl", "memfd_create",
    "memfd_secret", "socket", "socketpair", "pipe", "pipe2", "execve", "execveat", "sched_setaffinity",
    "sched_setscheduler", "sched_setattr", "setpriority", "ioprio_set", "setsid", "umount2", "pivot_root", "chroot",
    "mknod", "mknodat", "inotify_init1", "fanotify_init", "setsockopt", "sendmsg", "connect", "bind", "listen",
    "accept", "accept4", "mlock", "mlockall", "personality",
)
"""Named here for the README and the tests: none of them is allowed (nor is anything else unlisted)."""
IOCTLS = {"TCGETS": 0x5401, "TIOCGWINSZ": 0x5413, "FIONREAD": 0x541B, "FIONBIO": 0x5421, "FIONCLEX": 0x5450, "FIOCLEX": 0x5451}
"""The ioctl requests ordinary Python makes (is a file a terminal, how much is there to read, close on exec); any
other is refused with ENOTTY, as a file that does not support it would answer."""
CLONE_THREAD, CLONE_NEWPID, CLONE_NEWUSER = 0x00010000, sc.CLONE_NEWPID, sc.CLONE_NEWUSER
EPERM, ENOTTY, ENOSYS = 1, 25, 38

_LOAD, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06
_NR, _ARCH, _ARG0, _ARG1 = 0, 4, 16, 24
"""Offsets in ``struct seccomp_data`` (an argument's low 32 bits on a little-endian machine)."""
_KILL, _ALLOW, _ERRNO = 0x80000000, 0x7FFF0000, 0x00050000
_X32 = 0x40000000

Rule = tuple[int, int, int, int]


def rules(machine: str, counted: bool) -> list[Rule]:
    """The filter's program for ``machine``; ``counted``: a cgroup counts each session's processes and memory."""
    numbers = NUMBERS[machine]
    program: list[Rule] = [(_LOAD, 0, 0, _ARCH), (_JEQ, 1, 0, AUDIT_ARCH[machine]), (_RET, 0, 0, _KILL), (_LOAD, 0, 0, _NR)]
    if machine == "x86_64":
        program += [(_JGE, 0, 1, _X32), (_RET, 0, 0, _KILL)]
    program += _clone(numbers["clone"], counted)
    program += _ioctl(numbers["ioctl"])
    program += [(_JEQ, 0, 1, numbers["clone3"]), (_RET, 0, 0, _ERRNO | ENOSYS)]  # so that the C library falls back to clone, which is checked
    for name in ALLOWED + (COUNTED if counted else ()):
        if name in numbers:
            program += [(_JEQ, 0, 1, numbers[name]), (_RET, 0, 0, _ALLOW)]
    return program + [(_RET, 0, 0, _ERRNO | EPERM)]


def _clone(number: int, counted: bool) -> list[Rule]:
    """No new user namespace ever; where nothing counts processes, a thread or a session's first
    process only (the zygote's: a new pid namespace needs a capability no student holds)."""
    if counted:
        check = [(_JSET, 0, 1, CLONE_NEWUSER), (_RET, 0, 0, _ERRNO | EPERM), (_RET, 0, 0, _ALLOW)]
    else:
        check = [(_JSET, 2, 0, CLONE_NEWUSER), (_JSET, 2, 0, CLONE_THREAD), (_JSET, 1, 0, CLONE_NEWPID),
                 (_RET, 0, 0, _ERRNO | EPERM), (_RET, 0, 0, _ALLOW)]
    block = [(_LOAD, 0, 0, _ARG0), *check]
    return [(_JEQ, 0, len(block), number), *block]


def _ioctl(number: int) -> list[Rule]:
    requests = list(IOCTLS.values())
    block = [(_LOAD, 0, 0, _ARG1)]
    block += [(_JEQ, len(requests) - i, 0, request) for i, request in enumerate(requests)]
    block += [(_RET, 0, 0, _ERRNO | ENOTTY), (_RET, 0, 0, _ALLOW)]
    return [(_JEQ, 0, len(block), number), *block]


class _Filter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint32)]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Filter))]


PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2


def install(counted: bool) -> None:
    """Load the filter on this process (inherited by every process it starts, never removed).
    Needs no_new_privs or CAP_SYS_ADMIN."""
    program = rules(os.uname().machine, counted)
    table = (_Filter * len(program))(*[_Filter(*rule) for rule in program])
    header = _Program(len(program), table)
    sc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(header))
