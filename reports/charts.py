"""Inline SVG charts for the self-contained HTML report: no scripts, fonts or network.

Every label is escaped here, because role names are ours but company names and titles are
not. Charts are plain functions of small DataFrames, so a report renders the same bytes for
the same warehouse.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import pandas as pd

from reports import display
from reports.safe import visible

COLOURS = {"remote": "#2b8a3e", "hybrid": "#e8a33d", "onsite": "#3b5bdb", "unknown": "#adb5bd"}
INK = "#212529"
MUTED = "#868e96"
GUIDE = "#ffd8a8"
BAND = "#4263eb"
WARN = "#e8590c"
FONT = "font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:11px"


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    """One chart; a wide one is marked so a phone scrolls it in its box rather than shrinking
    its text below reading size."""
    wide = ' class="wide"' if width > 600 else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img"{wide} width="{width}" '
        f'height="{height}" '
        f'viewBox="0 0 {width} {height}" style="{FONT}"><title>{escape(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, text: object, anchor: str = "start", colour: str = INK) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{colour}">'
        f"{escape(visible(str(text)))}</text>"
    )


def small_multiples(trend: pd.DataFrame, key: str, value: str, title: str) -> str:
    """One sparkline per `key` over `week`, each its own small SVG on its own scale from 0 to
    its own peak (a shared scale flattens every small series), with the peak and the latest
    value written. Separate SVGs wrap to the page's width: four a row on a desktop, two on a
    phone, each at full size."""
    if trend.empty:
        return ""
    weeks = sorted(trend["week"].unique())
    keys = list(trend.groupby(key)[value].sum().sort_values(ascending=False).index)
    cell_w, cell_h, pad = 200, 88, 8
    plot_w, plot_h = cell_w - 2 * pad - 34, cell_h - 48
    step = plot_w / max(1, len(weeks) - 1)
    cells = []
    for name in keys:
        series = trend[trend[key] == name].set_index("week")[value].reindex(weeks, fill_value=0)
        top = max(1.0, float(series.max()))
        base = pad + 18 + plot_h
        points = [(pad + j * step, base - plot_h * v / top) for j, v in enumerate(series.tolist())]
        latest = points[-1]
        body = [
            _text(pad, pad + 10, display.role(name)),
            f'<line x1="{pad}" y1="{base}" x2="{pad + plot_w}" y2="{base}" stroke="{MUTED}" '
            'stroke-width="0.5"/>',
            f'<polyline points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in points)}" '
            f'fill="none" stroke="{BAND}" stroke-width="1.8"/>',
            f'<circle cx="{latest[0]:.1f}" cy="{latest[1]:.1f}" r="2.5" fill="{BAND}"/>',
            _text(latest[0] + 5, latest[1] + 4, display.count(series.iloc[-1])),
            _text(pad, base + 12, f"peak {display.count(top)}", colour=MUTED),
        ]
        label = f"{title}: {display.role(name)}, {display.count(series.iloc[-1])} in {weeks[-1]}"
        cells.append(_svg(cell_w, cell_h, body, label))
    note = f"{weeks[0]} to {weeks[-1]}; each line on its own scale from 0 to its peak"
    return (
        f'<div class="multiples">{"".join(cells)}</div>'
        f"<figcaption>{escape(title)}: {escape(note)}</figcaption>"
    )


def salary_ranges(rows: pd.DataFrame, title: str) -> str:
    """Per row: the guide's range (shaded), postings' p25-p75 (bar) and median (tick), and n
    at the right; a cell with one posting is a hollow dot, since its "range" is one salary."""
    if rows.empty:
        return ""
    label_w, plot_w, row_h, n_w = 230, 440, 22, 110
    values = pd.concat([rows[c] for c in ("p25", "p75", "guide_low", "guide_high")]).dropna()
    high = max(100000.0, float(values.max()) * 1.05)
    scale = plot_w / high
    body: list[str] = []
    for i, row in enumerate(rows.itertuples(index=False)):
        y = 10 + i * row_h
        body.append(_text(label_w - 6, y + 13, row.label, "end"))
        if not pd.isna(row.guide_low):
            body.append(
                f'<rect x="{label_w + row.guide_low * scale:.1f}" y="{y + 2}" '
                f'width="{(row.guide_high - row.guide_low) * scale:.1f}" height="16" '
                f'fill="{GUIDE}"/>'
            )
        if row.n == 1:
            body.append(
                f'<circle cx="{label_w + row.median * scale:.1f}" cy="{y + 10}" r="4" '
                f'fill="white" stroke="{WARN}" stroke-width="2"/>'
            )
        elif not pd.isna(row.p25):
            body.append(
                f'<rect x="{label_w + row.p25 * scale:.1f}" y="{y + 6}" '
                f'width="{max(1.0, (row.p75 - row.p25) * scale):.1f}" height="8" '
                f'fill="{BAND}" opacity="0.75"/>'
            )
            body.append(
                f'<line x1="{label_w + row.median * scale:.1f}" y1="{y + 2}" '
                f'x2="{label_w + row.median * scale:.1f}" y2="{y + 18}" stroke="{INK}" '
                f'stroke-width="2"/>'
            )
        note = {0: "no postings", 1: "n=1: one posting"}.get(row.n, f"n={row.n}")
        body.append(_text(label_w + plot_w + 8, y + 13, note, colour=WARN if row.n == 1 else MUTED))
    axis_y = 10 + len(rows) * row_h + 4
    for tick in range(0, int(high) + 1, 100000):
        x = label_w + tick * scale
        body.append(
            f'<line x1="{x:.1f}" y1="8" x2="{x:.1f}" y2="{axis_y}" stroke="{MUTED}" '
            f'stroke-width="0.3"/>'
        )
        body.append(_text(x, axis_y + 12, display.money(tick), "middle", MUTED))
    body.append(
        _text(
            label_w,
            axis_y + 28,
            "shaded: guide range · bar: postings p25-p75 · tick: median · hollow dot: one "
            "posting (annualised USD)",
            colour=MUTED,
        )
    )
    return _svg(label_w + plot_w + n_w, axis_y + 36, body, title)


def stacked_shares(rows: pd.DataFrame, label: str, parts: Sequence[str], title: str) -> str:
    """100% horizontal bars, one per row, split into `parts` columns."""
    if rows.empty:
        return ""
    label_w, plot_w, row_h = 190, 420, 20
    body: list[str] = []
    for i, row in enumerate(rows.to_dict("records")):
        y = 8 + i * row_h
        total = sum(float(row.get(p) or 0) for p in parts)
        body.append(_text(label_w - 6, y + 12, display.label(str(row[label])), "end"))
        x = float(label_w)
        for part in parts:
            width = plot_w * float(row.get(part) or 0) / total if total else 0
            body.append(
                f'<rect x="{x:.1f}" y="{y + 2}" width="{width:.1f}" height="14" '
                f'fill="{COLOURS.get(part, BAND)}"><title>{escape(part)}</title></rect>'
            )
            x += width
        body.append(_text(label_w + plot_w + 6, y + 12, f"n={display.count(total)}", colour=MUTED))
    legend_y = 8 + len(rows) * row_h + 12
    x = float(label_w)
    for part in parts:
        body.append(
            f'<rect x="{x:.1f}" y="{legend_y - 9}" width="10" height="10" '
            f'fill="{COLOURS.get(part, BAND)}"/>'
        )
        body.append(_text(x + 14, legend_y, part))
        x += 90
    return _svg(label_w + plot_w + 60, legend_y + 10, body, title)


def bars(rows: pd.DataFrame, label: str, value: str, title: str, fmt: str = "{:.0f}") -> str:
    """Plain horizontal bars for counts or shares."""
    if rows.empty:
        return ""
    label_w, plot_w, row_h = 190, 360, 20
    top = float(rows[value].max()) or 1.0
    body: list[str] = []
    for i, row in enumerate(rows.to_dict("records")):
        y = 8 + i * row_h
        width = plot_w * float(row[value]) / top
        body.append(_text(label_w - 6, y + 12, row[label], "end"))
        body.append(
            f'<rect x="{label_w}" y="{y + 2}" width="{width:.1f}" height="14" fill="{BAND}"/>'
        )
        body.append(_text(label_w + width + 4, y + 12, fmt.format(row[value]), colour=MUTED))
    return _svg(label_w + plot_w + 70, 16 + len(rows) * row_h, body, title)
