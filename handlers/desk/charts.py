"""Server-rendered SVG charts (no script, no CDN): stacked weekly bars and a share line.

Every text is escaped here; the result is marked safe for the template.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 240, 40, 40, 16
# Colour-blind safe (Okabe–Ito) and dark enough on white.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")


def _frame(title: str, body: list[str], legend: list[str]) -> Markup:
    height = HEIGHT + 18 * ((len(legend) + 2) // 3)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(title)}" width="100%">',
        f"<title>{escape(title)}</title>",
        *body,
        *legend,
        "</svg>",
    ]
    return Markup("".join(parts))  # noqa: S704 - every value above went through escape()


def _axis(labels: Sequence[str], top_value: str) -> list[str]:
    plot_w = WIDTH - LEFT - 10
    step = plot_w / max(len(labels), 1)
    out = [
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" stroke="#57606a"/>',
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - 10}" y2="{HEIGHT - BOTTOM}" '
        'stroke="#57606a"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end">{escape(top_value)}</text>',
        f'<text x="{LEFT - 4}" y="{HEIGHT - BOTTOM}" text-anchor="end">0</text>',
    ]
    for index, label in enumerate(labels):
        if index % 2 == 0:
            x = LEFT + step * (index + 0.5)
            out.append(
                f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    return out


def _legend(names: Sequence[str]) -> list[str]:
    out = []
    for index, name in enumerate(names):
        x, y = 10 + (index % 3) * 210, HEIGHT + 4 + 18 * (index // 3)
        colour = COLOURS[index % len(COLOURS)]
        out.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 16}" y="{y + 11}">{escape(name)}</text>')
    return out


def stacked_bars(title: str, labels: Sequence[str], series: Mapping[str, Sequence[int]]) -> Markup:
    """Bars per label, one coloured segment per series (e.g. items per week by category)."""
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    peak = max([*totals, 1])
    plot_h = HEIGHT - BOTTOM - TOP
    step = (WIDTH - LEFT - 10) / max(len(labels), 1)
    body = _axis(labels, str(peak))
    for index, label in enumerate(labels):
        y = float(HEIGHT - BOTTOM)
        for number, (name, values) in enumerate(series.items()):
            if not values[index]:
                continue
            h = plot_h * values[index] / peak
            y -= h
            x = LEFT + step * index + step * 0.15
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
                f'fill="{COLOURS[number % len(COLOURS)]}"><title>{escape(label)} · '
                f"{escape(name)}: {values[index]}</title></rect>"
            )
    return _frame(title, body, _legend(list(series)))


def share_line(title: str, labels: Sequence[str], shares: Sequence[float | None]) -> Markup:
    """A line of shares (0–1) per label; weeks without data leave a gap."""
    plot_h = HEIGHT - BOTTOM - TOP
    step = (WIDTH - LEFT - 10) / max(len(labels), 1)
    body = _axis(labels, "100%")
    points = []
    for index, share in enumerate(shares):
        if share is None:
            continue
        x = LEFT + step * (index + 0.5)
        y = HEIGHT - BOTTOM - plot_h * share
        points.append(f"{x:.1f},{y:.1f}")
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{COLOURS[0]}"><title>'
            f"{escape(labels[index])}: {share * 100:.0f}%</title></circle>"
        )
    if len(points) > 1:
        body.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{COLOURS[0]}" '
            'stroke-width="2"/>'
        )
    return _frame(title, body, [])
