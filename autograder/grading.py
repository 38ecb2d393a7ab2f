"""``autograder grade``: grade every submission of a class that is new or changed.

The command's own job: find the class, say what protects it, hand the work to
:mod:`autograder.engine` (here or on a Dask cluster), keep each result the
moment it is done (so an interrupted run resumes where it stopped), and
write every output at the end.
"""
from __future__ import annotations

import argparse
import sys
import threading
from dataclasses import replace
from pathlib import Path
from typing import Iterable

from autograder.assignment import Assignment, load_assignment
from autograder.course import Course, CourseError
from autograder.engine import grade_on_cluster
from autograder.local_workers import Team, default_workers, start_fork_server, worker_setup
from autograder.outputs.report import load_plotting
from autograder.reference import KerasReferences, checks_digest
from autograder.results import ResultStore, SubmissionGrade
from autograder.sandbox.confinement import Confinement
from autograder.sandbox.settings import SandboxSettings, confinement_for
from autograder.submissions import Submission, read_submission, released_test_sources, student_folders
from autograder.text import student_id_for


def sandbox_settings(args: argparse.Namespace, assignment: Assignment, hide: Iterable[Path] = ()) -> SandboxSettings:
    if args.timeout <= 0 or args.memory < 64:
        raise CourseError("--timeout must be positive and --memory at least 64 MB.")
    return SandboxSettings(
        timeout=args.timeout, memory_mb=args.memory, allow_unconfined=args.allow_unconfined,
        runtime=assignment.runtime, hide=tuple(str(p) for p in hide),
    )


def announce(confinement: Confinement) -> None:
    """The one line that says what protects the class on this machine."""
    print(f"sandbox: {confinement.describe()}", file=sys.stderr)


def read_class(assignment: Assignment, course: Course, submitted: Path) -> list[Submission]:
    return _read_folders(assignment, course, student_folders(submitted))


def _read_folders(assignment: Assignment, course: Course, folders: list[Path]) -> list[Submission]:
    tests = released_test_sources(course.released_notebook(assignment.name))
    digest = checks_digest(assignment)
    return [read_submission(folder, assignment, tests, digest) for folder in folders]


class Progress:
    """A progress bar on a terminal, a line every tenth of the class otherwise."""

    def __init__(self, total: int) -> None:
        self.total, self.done = total, 0
        self.bar = None
        if sys.stderr.isatty() and total:
            from rich.progress import Progress as RichProgress

            self.bar = RichProgress(transient=True)
            self.bar.start()
            self.task = self.bar.add_task("grading", total=total)

    def advance(self) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(self.task, advance=1)
        elif self.done == self.total or self.done % max(self.total // 10, 1) == 0:
            print(f"graded {self.done}/{self.total}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _settled(record: SubmissionGrade, submission: Submission) -> bool:
    """Graded before on the same notebook and checks, and not spoiled by a fault of the grader's own."""
    return record.digest == submission.digest and not any(e.status == "error" for e in record.exercises)


def grade_class(args: argparse.Namespace) -> tuple[Assignment, list[SubmissionGrade], Path, Course | None]:
    """Grade what is new or changed; the course comes back only when the
    class graded is the course's own submitted folder, whose students belong
    in its nbgrader gradebook."""
    course = Course.find(args.course)
    assignment = load_assignment(args.assignment)
    if not args.cluster:
        start_fork_server()
    submitted = (args.submitted or course.submitted).resolve()
    out = (args.out or course.grades(assignment.name)).resolve()
    folders = student_folders(submitted)
    settings = sandbox_settings(args, assignment, hide=(submitted, out, course.root))
    store = ResultStore(out)
    done = store.load()
    team: Team | None = None
    lock = threading.Lock()
    try:
        unseen = sum(student_id_for(folder.name) not in done for folder in folders)
        if unseen and not args.cluster:  # there is work for certain: the workers start while the class is read
            team = _start_team(args, assignment, settings, unseen)
        submissions = _read_folders(assignment, course, folders)
        todo = [s for s in submissions if s.student_id not in done or not _settled(done[s.student_id], s)]
        print(f"{len(submissions)} submissions of {assignment.name} in {submitted}; {len(submissions) - len(todo)} already graded, {len(todo)} to grade.", file=sys.stderr)
        progress = Progress(len(todo))
        stamps = {s.student_id: s.timestamp for s in todo}

        def record(grade: SubmissionGrade) -> None:
            """Keep a finished grade, with when its notebook was submitted (the engine grades code, not times)."""
            grade = replace(grade, timestamp=stamps[grade.student_id])
            with lock:
                store.append(grade)
                done[grade.student_id] = grade
                progress.advance()

        try:
            if todo and args.cluster:
                print("sandbox: set up on each Dask worker by what its machine allows", file=sys.stderr)
                grade_on_cluster(args.cluster, assignment, todo, settings, args.device, record)
            elif todo:
                team = team or _start_team(args, assignment, settings, len(todo))
                threading.Thread(target=load_plotting, daemon=True).start()  # while this process only waits for its workers
                team.grade(todo, lambda grade, _: record(grade))
        finally:
            progress.close()
    finally:
        if team is not None:
            team.stop()
    present = {s.student_id for s in submissions}
    records = [done[s] for s in sorted(done) if s in present]
    store.rewrite(records)
    return assignment, records, out, course if submitted == course.submitted.resolve() else None


def _start_team(args: argparse.Namespace, assignment: Assignment, settings: SandboxSettings, work: int) -> Team:
    """Confinement tried and announced, references warmed (their cache is what the workers load), workers started."""
    confinement = confinement_for(settings)
    announce(confinement)
    references = KerasReferences(assignment, device=args.device)
    references.warm()
    print(f"references: {references.describe()}", file=sys.stderr)
    setup = worker_setup(assignment.name, settings, confinement, args.device)
    return Team(setup, min(args.workers or default_workers(), work))


def run(args: argparse.Namespace) -> int:
    from autograder.outputs import print_summary, write_outputs
    assignment, records, out, gradebook_course = grade_class(args)
    try:
        write_outputs(assignment, records, out, gradebook_course)
    finally:  # the grades are final either way; a grader wants to see them even if a file is missing
        print_summary(assignment, records)
    print(f"Grades: {out / 'grades.csv'}\nFeedback: {out / 'feedback'}\nReport: {out / 'report.html'}")
    return 0
