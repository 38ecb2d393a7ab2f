"""OUT/report.html: the class at a glance, one self-contained page.

A grader reviews a class by looking, not by reading a CSV: per exercise the
score distribution, the mean and the most frequent reasons for lost points;
the distribution of totals; the submissions that could not be graded normally
and why; every student's scores in a table that sorts on a click. Plots are
inline PNGs drawn with matplotlib's Agg canvas (no display, no global pyplot
state), the page loads nothing from the network, and all record text is
cleaned and escaped (students' ids and printed text are untrusted).
"""
from __future__ import annotations

import base64
import io
from collections import Counter
from pathlib import Path
from statistics import mean, median
from typing import Sequence

from autograder.assignment import Assignment
from autograder.outputs.common import (
    exercise_grades,
    html_sentence,
    html_text,
    load_graded,
    needs_attention,
    score_columns,
    sorted_records,
    status_text,
)
from autograder.files import write_atomically
from autograder.results import SubmissionGrade, points_text
from autograder.status import Status
from autograder.text import clean_text

REPORT_FILE = "report.html"
TOP_REASONS = 6

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#222}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem}h3{font-size:1.05rem;margin-bottom:.3rem}
.grid{display:flex;flex-wrap:wrap;gap:1rem}.card{border:1px solid #ccc;border-radius:6px;padding:.6rem 1rem;flex:1 1 20rem}
img{max-width:100%;height:auto}table{border-collapse:collapse;font-size:.9rem}
th,td{border:1px solid #ddd;padding:.25rem .6rem;text-align:left}td.num{text-align:right}
th[data-col]{cursor:pointer;background:#f0f0f0}th[data-col]:hover{background:#e0e0e0}
tr.attention td{background:#fff4ce}.muted{color:#666}
"""

# A few lines of vanilla JS: click a column header to sort by it (again to reverse).
_SORT_JS = """
document.querySelectorAll('table.sortable th[data-col]').forEach(function (th) {
  th.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0], col = +th.dataset.col;
    var dir = th.dataset.dir === 'asc' ? 'desc' : 'asc'; th.dataset.dir = dir;
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].dataset.v, y = b.cells[col].dataset.v, nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return dir === 'asc' ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
"""


def load_plotting() -> None:
    """Import matplotlib's pieces now (about half a second): the grade command does it
    on a thread while the class is graded, so that the report does not wait for it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: F401
    from matplotlib.figure import Figure  # noqa: F401
    from matplotlib.ticker import MaxNLocator  # noqa: F401


def _bar_png(values: Sequence[float], maximum: float, title: str, xlabel: str) -> str:
    """A bar chart of how many students got each score (0..maximum, or each fraction that occurs), as base64 PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    counts = Counter(values)
    scores = score_columns(values, maximum)
    xs = list(range(len(scores)))
    figure = Figure(figsize=(4.2, 2.6), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    bars = axes.bar(xs, [counts.get(x, 0) for x in scores], color="#3b6ea8", width=0.7)
    axes.bar_label(bars, fontsize=8)
    axes.set_title(title, fontsize=10)
    axes.set_xlabel(xlabel, fontsize=9)
    axes.set_ylabel("students", fontsize=9)
    ticks = xs if len(xs) <= 21 else xs[:: max(1, len(xs) // 10)]
    axes.set_xticks(ticks, [points_text(scores[i]) for i in ticks])
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.margins(y=0.15)
    figure.subplots_adjust(left=0.16, right=0.97, top=0.88, bottom=0.19)  # fixed: tight_layout draws the figure twice
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _img(png: str, alt: str) -> str:
    return f'<img src="data:image/png;base64,{png}" alt="{html_text(alt)}">'


def report_html(assignment: Assignment, records: list[SubmissionGrade]) -> str:
    records = sorted_records(records)
    e = html_text
    rows = {r.student_id: exercise_grades(assignment, r) for r in records}
    names = [g.exercise for g in next(iter(rows.values()), [])] or [x.name for x in assignment.exercises]
    titles = {x.name: x.title for x in assignment.exercises}
    totals = [r.total for r in records]
    max_total = max((sum(g.max_score for g in grades) for grades in rows.values()), default=assignment.max_score)

    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Class report: {e(assignment.name)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>Class report: {e(assignment.name)}</h1>",
    ]
    if records:
        out.append(
            f"<p>{len(records)} submissions &middot; mean total {mean(totals):.2f} / {points_text(max_total)} "
            f"&middot; median {median(totals):g} &middot; {sum(map(needs_attention, records))} not graded normally</p>"
        )
    else:
        out.append("<p>No submissions.</p>")

    out.append("<h2>Exercises</h2><div class=\"grid\">")
    for index, name in enumerate(names):
        grades = [rows[r.student_id][index] for r in records]
        points = max((g.max_score for g in grades), default=0)
        scores = [g.score for g in grades]
        title = titles.get(name, name)
        out.append(f'<div class="card" id="exercise-{e(name)}"><h3>{e(title)}</h3>')
        if scores:
            out.append(f"<p>mean <b>{mean(scores):.2f}</b> / {points_text(points)}</p>")
        out.append(_img(_bar_png(scores, points, name, "score"), f"score distribution of {name}"))
        reasons = Counter(s for g in grades for s in {clean_text(f) for f in g.feedback} if g.score < g.max_score)
        if reasons:
            out.append("<p>Most frequent reasons for lost points:</p><ul>")
            for sentence, count in reasons.most_common(TOP_REASONS):
                out.append(f"<li><b>{count}</b> student{'s' if count != 1 else ''}: {html_sentence(sentence)}</li>")
            out.append("</ul>")
            if len(reasons) > TOP_REASONS:
                out.append(f'<p class="muted">and {len(reasons) - TOP_REASONS} other reasons.</p>')
        out.append("</div>")
    out.append("</div>")

    out.append("<h2>Class totals</h2>")
    out.append(_img(_bar_png(totals, max_total, "total score", "total"), "distribution of total scores"))

    attention = [r for r in records if needs_attention(r)]
    out.append(f"<h2>Not graded normally ({len(attention)})</h2>")
    if attention:
        out.append('<table id="attention"><thead><tr><th>student</th><th>why</th></tr></thead><tbody>')
        for record in attention:
            why = [record.problem] if record.problem else []
            why += [
                f"{g.exercise}: {status_text(g.status)}" for g in rows[record.student_id] if g.status != Status.GRADED
            ]
            out.append(f"<tr><td>{e(record.student_id)}</td><td>{e('; '.join(dict.fromkeys(why)))}</td></tr>")
        out.append("</tbody></table>")
    else:
        out.append("<p>Every submission was graded normally.</p>")

    out.append('<h2>Students</h2><p class="muted">Click a column header to sort.</p>')
    out.append('<table class="sortable" id="students"><thead><tr><th data-col="0">student</th>')
    out += [f'<th data-col="{i + 1}">{e(n)}</th>' for i, n in enumerate(names)]
    out.append(f'<th data-col="{len(names) + 1}">total</th><th data-col="{len(names) + 2}">note</th></tr></thead><tbody>')
    for record in records:
        css = ' class="attention"' if needs_attention(record) else ""
        cells = [f'<td data-v="{e(record.student_id)}">{e(record.student_id)}</td>']
        cells += [f'<td class="num" data-v="{points_text(g.score)}">{points_text(g.score)}</td>' for g in rows[record.student_id]]
        cells.append(f'<td class="num" data-v="{points_text(record.total)}">{points_text(record.total)}</td>')
        note = "; ".join(x for x in (record.problem, record.note) if x)
        cells.append(f'<td data-v="{e(note)}">{e(note)}</td>')
        out.append(f"<tr{css}>{''.join(cells)}</tr>")
    out.append("</tbody></table>")
    out.append(f"<script>{_SORT_JS}</script></body></html>\n")
    return "\n".join(out)


def write_report(assignment: Assignment, records: list[SubmissionGrade], out_dir: Path) -> Path:
    return write_atomically(Path(out_dir) / REPORT_FILE, report_html(assignment, records))


def run(args) -> int:
    """``autograder report ASSIGNMENT [--out DIR]``."""
    _, assignment, out, records = load_graded(args.course, args.assignment, getattr(args, "out", None))
    path = write_report(assignment, records, out)
    print(f"Class report: {path}")
    return 0
