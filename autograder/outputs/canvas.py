"""``autograder export ASSIGNMENT --format canvas --roster FILE``: a CSV Canvas's gradebook imports.

The roster is the gradebook CSV exported from Canvas: identity columns
(``Student, ID, SIS User ID, SIS Login ID, Section``, sometimes ``Integration
ID``), assignment columns, and a "Points Possible" row. The import file keeps
those identity columns, the Points Possible row and one new column for this
assignment holding each student's total; Canvas creates the assignment from
that column on import. Students are matched by SIS Login ID, then SIS User ID.
Nobody is dropped silently: roster students without a submission keep an
empty cell (Canvas leaves those grades unchanged) and are listed; submissions
not on the roster are listed too; both go to OUT/canvas_unmatched.txt.
Display names in a roster are chosen by students, like folder names: every
cell is cleaned and kept from reading as a formula, every line printed is
cleaned (Canvas matches rows on ``ID``, which is a number, so a quote put
before a name changes no match).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from autograder.errors import UserError
from autograder.outputs.common import load_graded, safe_cell
from autograder.files import write_atomically
from autograder.results import SubmissionGrade, points_text
from autograder.text import clean_text

IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Integration ID", "Section")
REQUIRED = ("Student", "ID", "SIS User ID", "SIS Login ID")
MATCH_ON = ("SIS Login ID", "SIS User ID")
POINTS_ROW = "Points Possible"
TEST_STUDENT = "Student, Test"
"""Canvas's own test student: on every export, never a real submission."""
UNMATCHED_FILE = "canvas_unmatched.txt"


def column_title(assignment: str) -> str:
    return f"{assignment} (autograder)"


def read_roster(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The identity columns present and the student rows (points and test-student rows left out)."""
    if not Path(path).is_file():
        raise UserError(f"Roster file {path} does not exist: export the gradebook from Canvas first.")
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (UnicodeDecodeError, OSError) as error:
        raise UserError(f"Roster file {path} cannot be read as a UTF-8 CSV ({error}).") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise UserError(f"Roster file {path} is not a Canvas gradebook export: it has no {', '.join(missing)} column.")
    reader.fieldnames = header
    rows = []
    for row in reader:
        name = (row.get("Student") or "").strip()
        if name == POINTS_ROW or name == TEST_STUDENT:
            continue
        if not any((v or "").strip() for k, v in row.items() if k is not None):
            continue
        rows.append({k: (v or "").strip() for k, v in row.items() if k in IDENTITY})
    return [c for c in IDENTITY if c in header], rows


def match(rows: list[dict[str, str]], records: list[SubmissionGrade]):
    """Pair roster rows with records; exact id first, then ignoring case. Returns (pairs, roster-only, records-only)."""
    remaining = {r.student_id: r for r in records}
    folded = {r.student_id.casefold(): r.student_id for r in records}
    pairs: list[tuple[dict[str, str], SubmissionGrade | None]] = []
    for row in rows:
        found = None
        for key in MATCH_ON:
            value = row.get(key, "")
            if value and value in remaining:
                found = remaining.pop(value)
                break
        if found is None:
            for key in MATCH_ON:
                value = folded.get(row.get(key, "").casefold())
                if row.get(key) and value in remaining:
                    found = remaining.pop(value)
                    break
        pairs.append((row, found))
    roster_only = [row for row, record in pairs if record is None]
    return pairs, roster_only, list(remaining.values())


def canvas_csv(assignment: str, columns: list[str], pairs, max_total: float) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safe_cell(c) for c in [*columns, column_title(assignment)]])
    writer.writerow([f"    {POINTS_ROW}" if c == "Student" else "" for c in columns] + [points_text(max_total)])
    for row, record in pairs:
        writer.writerow([safe_cell(row.get(c, "")) for c in columns] + ["" if record is None else points_text(record.total)])
    return buffer.getvalue()


def _who(row: dict[str, str]) -> str:
    ids = ", ".join(f"{k} {row[k]}" for k in MATCH_ON if row.get(k))
    return f"{row.get('Student', '')} ({ids or 'no SIS ids'})"


def run(args) -> int:
    """``autograder export ASSIGNMENT --format canvas --roster FILE [--out DIR] [--output FILE]``."""
    if args.format == "otter":
        from autograder.otter import final_grades

        return final_grades.run(args)
    if args.format != "canvas":
        raise UserError(f"Unknown export format '{args.format}' (known: canvas, otter).")
    if args.roster is None:
        raise UserError("--format canvas needs --roster FILE: the gradebook CSV exported from Canvas, whose students get the grades.")
    if not Path(args.roster).is_file():
        raise UserError(f"Roster file {args.roster} does not exist: export the gradebook from Canvas first.")
    _, assignment, out, records = load_graded(args.course, args.assignment, getattr(args, "out", None))
    columns, rows = read_roster(args.roster)
    pairs, roster_only, not_on_roster = match(rows, records)
    max_total = max((r.max_total for r in records), default=assignment.max_score) or assignment.max_score
    target = Path(args.output) if getattr(args, "output", None) else out / "canvas.csv"
    write_atomically(target, canvas_csv(assignment.name, columns, pairs, max_total))

    lines = [f"On the roster without a submission ({len(roster_only)}): their cell is left empty."]
    lines += [f"  {_who(row)}" for row in roster_only]
    lines.append(f"Graded but not on the roster ({len(not_on_roster)}): not in the import file.")
    lines += [f"  {r.student_id} (total {points_text(r.total)}/{points_text(r.max_total)})" for r in not_on_roster]
    lines = [clean_text(line) for line in lines]
    write_atomically(out / UNMATCHED_FILE, "\n".join(lines) + "\n")

    print(f"Canvas import file: {target} ({len(pairs) - len(roster_only)} students with a score).")
    if roster_only or not_on_roster:
        print("\n".join(lines))
        print(f"(also in {out / UNMATCHED_FILE})")
    return 0
