"""``autograder references``: how far references computed on this machine's GPU are from the CPU's.

Grading checks this itself before it uses GPU references, and stops at the first entry out of
bounds; this command shows every assignment's largest difference, entry by entry, so a GPU
(and a backend on it) can be tried before a class is graded there. ``--cpu-twice`` compares two
CPU computations instead, on any machine: what the comparison sees when nothing is wrong.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass

from autograder.assignment import Assignment, available_assignments, load_assignment
from autograder.course import Course
from autograder.device import DeviceUnavailable, Placement
from autograder.reference import Computer
from autograder.reference_agreement import DEVICE_SHARE, Comparison, Rules, compare
from autograder.reference_compute import LiveKeras, references_module


@dataclass(frozen=True)
class DeviceComparison:
    """One assignment's references as placed here, against a fresh computation on the CPU."""

    assignment: str
    placement: Placement
    comparison: Comparison

    def lines(self) -> list[str]:
        head = f"{self.assignment}: {self.placement.describe()} against a fresh CPU computation, allowed {DEVICE_SHARE:g} of each check's tolerance"
        rows = [head]
        width = max(map(len, self.comparison.entries), default=0)
        for name, worst in self.comparison.entries.items():
            if worst is None:
                shown = "random: not compared"
            elif worst.difference == 0:
                shown = "equal"
            else:
                shown = f"{worst.difference:.2g} at {worst.path} ({worst.first} against {worst.second}), {worst.ratio:.2g} of allowed"
            rows.append(f"  {name:<{width}}  {shown}")
        worst = self.comparison.worst
        largest = "0" if worst is None or worst.difference == 0 else f"{worst.difference:.2g} at {worst.path}, {worst.ratio:.2g} of allowed"
        rows.append(f"  largest difference: {largest}; {'agree' if self.comparison.agrees else 'DISAGREE: grading would refuse these references'}")
        return rows


def compare_devices(assignment: Assignment, cpu_twice: bool, computer: Computer | None = None) -> DeviceComparison:
    """The assignment's references computed here, on the GPU (or the CPU with ``cpu_twice``), against the CPU's."""
    computer = computer or LiveKeras(assignment.course, assignment.name)
    placement = computer.place("cpu" if cpu_twice else "auto")
    if placement.device == "cpu" and not cpu_twice:
        raise DeviceUnavailable(
            f"The Keras {placement.backend} backend sees no GPU on this machine, so there is nothing to compare "
            "with the CPU (--cpu-twice compares two CPU computations)."
        )
    rules = Rules.of(references_module(assignment.course, assignment.name))
    here = computer.compute()
    return DeviceComparison(assignment.name, placement, compare(here, computer.compute_on_cpu(placement.backend), rules, DEVICE_SHARE))


def has_references(assignment: Assignment) -> bool:
    return bool(references_module(assignment.course, assignment.name).PRECOMPUTED)


def run(args: argparse.Namespace) -> int:
    course = Course.find(args.course)
    assignments = [load_assignment(name, course) for name in args.assignments or available_assignments(course)]
    agree = True
    for assignment in assignments:
        if not has_references(assignment):
            print(f"{assignment.name}: no Keras references")
            continue
        result = compare_devices(assignment, args.cpu_twice)
        print("\n".join(result.lines()), flush=True)
        agree = agree and result.comparison.agrees
    return 0 if agree else 1
