"""otter-grader's two kinds of test case, run against a :class:`Student` the way otter runs them.

An OK-format case is a doctest. otter runs it in the student's own kernel,
where the student can replace the doctest runner and pass. Here the doctest
is parsed in the grader (``doctest.DocTestParser``), only each example's
source goes to the student's process (``Student.interact``), and what it
printed or raised is compared in the grader with ``doctest.OutputChecker``
under otter's option flags (``DocTestRunner`` defaults: none). The expected
outputs never enter the student's process, so patching ``print``, ``repr``
or ``doctest`` there gains nothing.

An exception-format case is a function ``test(env)`` that asserts on the
student's globals. It has to run where those globals are, in the student's
process: its source is sent there and called, and only "raised or not"
comes back. What a student who controls that process can do against it: read
the test's source (its hidden values included) while it runs, and make it
pass by replacing what it calls (``exec``, ``compile``, ``globals``, or the
functions and objects it asserts on, e.g. an ``__eq__`` that is always true).
Such a case is therefore only as strong as otter's own run of it; prefer OK
format (or our own checks on returned values) for what must not be faked.
"""
from __future__ import annotations

import doctest

from autograder.checks.api import Student
from autograder.values import Interaction

OPTION_FLAGS = 0
"""otter's ``run_doctest`` builds a plain ``DocTestRunner``: no option flags."""


def _got(interaction: Interaction) -> str:
    """What doctest's runner would compare: printed output, newline-terminated (its ``_SpoofOut``)."""
    output = interaction.output
    return output + "\n" if output and not output.endswith("\n") else output


def expect_doctest(student: Student, body: str) -> None:
    """Every example of the doctest ``body`` gives its expected output in the student's namespace."""
    examples = [part for part in doctest.DocTestParser().parse(body) if isinstance(part, doctest.Example)]
    checker = doctest.OutputChecker()
    results = student.interact([example.source for example in examples])
    for number, (example, interaction) in enumerate(zip(examples, results, strict=True), 1):
        if interaction.error is not None:
            error = interaction.error
            raised = f"{error.type_name}: {error.message}\n" if error.message else f"{error.type_name}\n"
            assert example.exc_msg is not None, f"example {number} raised {error.type_name}"
            assert checker.check_output(example.exc_msg, raised, OPTION_FLAGS), f"example {number} raised {error.type_name}, not the expected exception"
            continue
        assert example.exc_msg is None, f"example {number} raised nothing where an exception was expected"
        got = _got(interaction)
        assert checker.check_output(example.want, got, OPTION_FLAGS), f"example {number}: expected {example.want!r}, got {got[:200]!r}"


def otter_call(function: str, parameters: tuple[str, ...], env: str) -> str:
    """The call otter's ``test_case.call_func`` makes, as source: ``env`` is the namespace the
    expression ``env`` names, any other parameter that namespace's value of the same name or None."""
    arguments = ", ".join(f"{name}={env}" if name == "env" else f"{name}={env}.get({name!r})" for name in parameters)
    return f"{function}({arguments})"


def expect_no_exception(student: Student, source: str, function: str, parameters: tuple[str, ...]) -> None:
    """The exception-format test ``function`` (its ``def`` in ``source``, no decorator) returns without
    raising when called as otter calls it: ``env`` is the student's globals, any other parameter the
    global of that name (None when undefined). See the module's docstring for what this cannot stop."""
    program = f"{source}\n{otter_call(function, parameters, '__otter_env__')}\n"
    statement = f"exec(compile({program!r}, '<otter test>', 'exec'), {{'__otter_env__': globals()}})"
    (interaction,) = student.interact([statement])
    assert interaction.error is None, f"{function} raised {interaction.error.type_name if interaction.error else ''}"
