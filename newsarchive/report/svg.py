"""Small inline-SVG charts for the HTML report (no JavaScript, no network).

Every mark (bar, point) carries its data as attributes, ``data-series``, ``data-label`` and
``data-value``, and a ``<title>`` tooltip, so that the chart can be checked by a program and
read by a person hovering over it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

__all__ = ["FLAG_COLOR", "OTHER_COLOR", "PALETTE", "bar_chart", "hbar_chart", "line_chart",
           "nice_max"]

#: Series colours (colour-blind friendly, after Okabe & Ito), then grey for "other".
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000")
OTHER_COLOR = "#A0A0A0"
FLAG_COLOR = "#B00020"
_FONT = 'font-family="system-ui, sans-serif" font-size="11"'


def nice_max(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is ≥ ``value`` (axis top); 1 for 0."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        top = step * 10.0**exponent
        if top >= value * (1 - 1e-12):
            return top
    return 10.0 ** (exponent + 1)  # pragma: no cover


def _num(value: float) -> str:
    """A value as written in ``data-value``: integers without a decimal point."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.4g}" if abs(value) < 1e-3 else str(round(value, 4))


def _fmt(value: float, unit: str = "") -> str:
    if unit == "%":
        return f"{value:.1f}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _color(series: str, index: int) -> str:
    return OTHER_COLOR if series == "other" else PALETTE[index % len(PALETTE)]


def _open(chart_id: str, width: int, height: int, title: str) -> list[str]:
    return [
        f'<svg id="{escape(chart_id)}" class="chart" xmlns="http://www.w3.org/2000/svg" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]


def _legend(series: Sequence[str], x: int, y: int, width: int) -> list[str]:
    parts, cx, cy = [], x, y
    for i, name in enumerate(series):
        w = 18 + 7 * len(name)
        if cx + w > x + width:
            cx, cy = x, cy + 16
        parts.append(f'<rect x="{cx}" y="{cy - 9}" width="10" height="10" '
                     f'fill="{_color(name, i)}"/>')
        parts.append(f'<text x="{cx + 14}" y="{cy}" {_FONT}>{escape(name)}</text>')
        cx += w + 10
    return parts


def _divisions(top: float) -> int:
    """Grid divisions for an axis ending at ``top`` (a :func:`nice_max`): 4 for 2 × 10^k,
    else 5, so that the ticks are round numbers (0, 5, 10 … 25; 0, 10 … 50)."""
    lead = top / 10.0 ** math.floor(math.log10(top))
    return 4 if abs(lead - 2.0) < 1e-9 else 5


def _y_axis(left: int, top: int, plot_h: int, plot_w: int, y_max: float,
            unit: str = "") -> list[str]:
    parts = []
    divisions = _divisions(y_max)
    for i in range(divisions + 1):
        value = y_max * i / divisions
        y = top + plot_h - plot_h * i / divisions
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#e3e3e3"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {_FONT} '
                     f'fill="#555">{_fmt(value)}{unit}</text>')
    return parts


def _x_labels(labels: Sequence[str], left: int, step: float, y: int) -> list[str]:
    every = max(1, math.ceil(len(labels) / 12))
    parts = []
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1 and len(labels) <= 12:
            x = left + step * (i + 0.5)
            parts.append(f'<text x="{x:.1f}" y="{y}" text-anchor="middle" {_FONT} '
                         f'fill="#555">{escape(label)}</text>')
    return parts


def bar_chart(chart_id: str, title: str, labels: Sequence[str],
              series: Sequence[tuple[str, Sequence[float]]], *, width: int = 900,
              height: int = 300, unit: str = "",
              axis_labels: Sequence[str] | None = None,
              flagged: Sequence[int] = (), flag_name: str = "failed") -> str:
    """A vertical bar chart, stacked when there are several series.

    Args:
        chart_id: the ``id`` of the ``<svg>`` element.
        title: accessible title and tooltip of the chart.
        labels: one label per bar (x axis), e.g. dates.
        series: ``(name, values)`` pairs, values aligned with ``labels``; stacked bottom up
            in this order.
        axis_labels: shorter labels shown under the bars (default ``labels``).
        flagged: indexes of bars marked with a red band under the axis (a mark of series
            ``flag_name``, value 1), e.g. failed runs.
    """
    left, right, top, bottom = 56, 12, 14 + 16 * (1 + len(series) // 6), 28
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    y_max = nice_max(max(totals, default=0))
    step = plot_w / max(1, len(labels))
    bar_w = max(1.0, step * 0.8)
    parts = _open(chart_id, width, height, title)
    parts += _y_axis(left, top, plot_h, plot_w, y_max, unit)
    if len(series) > 1 or flagged:
        parts += _legend([name for name, _ in series], left, 12, plot_w)
    if flagged:
        lx = left + plot_w - 90
        parts.append(f'<rect x="{lx}" y="3" width="10" height="10" fill="{FLAG_COLOR}"/>')
        parts.append(f'<text x="{lx + 14}" y="12" {_FONT}>{escape(flag_name)}</text>')
    for i, label in enumerate(labels):
        base = 0.0
        x = left + step * i + (step - bar_w) / 2
        for s, (name, values) in enumerate(series):
            value = values[i]
            if value <= 0:
                continue
            h = plot_h * value / y_max
            y = top + plot_h - plot_h * (base + value) / y_max
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{_color(name, s)}" data-series="{escape(name)}" '
                f'data-label="{escape(label)}" data-value="{_num(value)}">'
                f"<title>{escape(label)} · {escape(name)}: {_fmt(value)}{unit}</title></rect>"
            )
            base += value
        if i in flagged:
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h + 1}" width="{bar_w:.1f}" height="4" '
                f'fill="{FLAG_COLOR}" data-series="{escape(flag_name)}" '
                f'data-label="{escape(label)}" data-value="1">'
                f"<title>{escape(label)}: {escape(flag_name)}</title></rect>")
    parts += _x_labels(axis_labels or labels, left, step, height - 10)
    parts.append("</svg>")
    return "\n".join(parts)


def hbar_chart(chart_id: str, title: str, items: Sequence[tuple[str, float]], *,
               width: int = 900, bar_height: int = 20, label_width: int = 380,
               unit: str = "", series: str = "value",
               colors: Sequence[str] | None = None) -> str:
    """A horizontal bar chart, one bar per ``(label, value)``, in the given order."""
    top, gap = 8, 6
    height = top * 2 + len(items) * (bar_height + gap)
    plot_w = width - label_width - 80
    x_max = nice_max(max((v for _, v in items), default=0))
    parts = _open(chart_id, width, max(height, 30), title)
    for i, (label, value) in enumerate(items):
        y = top + i * (bar_height + gap)
        w = plot_w * value / x_max
        shown = label if len(label) <= 58 else label[:57] + "…"
        color = colors[i] if colors is not None else PALETTE[0]
        parts.append(f'<text x="{label_width - 8}" y="{y + bar_height * 0.7:.1f}" '
                     f'text-anchor="end" {_FONT}>{escape(shown)}</text>')
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar_height}" '
            f'fill="{color}" data-series="{escape(series)}" data-label="{escape(label)}" '
            f'data-value="{_num(value)}"><title>{escape(label)}: {_fmt(value, unit)}{unit}</title>'
            f"</rect>"
        )
        parts.append(f'<text x="{label_width + w + 6:.1f}" y="{y + bar_height * 0.7:.1f}" '
                     f'{_FONT}>{_fmt(value, unit)}{unit}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def line_chart(chart_id: str, title: str, labels: Sequence[str],
               series: Sequence[tuple[str, Sequence[float | None]]], *, width: int = 900,
               height: int = 260, unit: str = "", y_max: float | None = None) -> str:
    """A line chart with one point per label; None values leave a gap."""
    left, right, top, bottom = 56, 12, 30, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, vs in series for v in vs if v is not None]
    top_value = y_max if y_max is not None else nice_max(max(values, default=0))
    step = plot_w / max(1, len(labels))
    parts = _open(chart_id, width, height, title)
    parts += _y_axis(left, top, plot_h, plot_w, top_value, unit)
    parts += _legend([name for name, _ in series], left, 14, plot_w)
    for s, (name, points) in enumerate(series):
        color = _color(name, s)
        segment: list[str] = []
        marks: list[str] = []
        for i, (label, value) in enumerate(zip(labels, points, strict=True)):
            if value is None:
                if len(segment) > 1:
                    parts.append(f'<polyline points="{" ".join(segment)}" fill="none" '
                                 f'stroke="{color}" stroke-width="2"/>')
                segment = []
                continue
            x = left + step * (i + 0.5)
            y = top + plot_h - plot_h * value / top_value
            segment.append(f"{x:.1f},{y:.1f}")
            marks.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}" '
                f'data-series="{escape(name)}" data-label="{escape(label)}" '
                f'data-value="{_num(value)}"><title>{escape(label)} · {escape(name)}: '
                f"{_fmt(value, unit)}{unit}</title></circle>"
            )
        if len(segment) > 1:
            parts.append(f'<polyline points="{" ".join(segment)}" fill="none" '
                         f'stroke="{color}" stroke-width="2"/>')
        parts += marks
    parts += _x_labels(labels, left, step, height - 10)
    parts.append("</svg>")
    return "\n".join(parts)
