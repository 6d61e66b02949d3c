"""The report's chart: horizontal bars as inline SVG (no JavaScript in a PDF renderer)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from siaga.reports.text_width import text_width, wrap


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    value_text: str
    color: str
    tag: str


_FONT = 'font-family="DejaVu Sans, sans-serif"'
_LABEL_SIZE = 10.0
_LINE = 12.0


def bar_chart(bars: list[Bar], thresholds: list[float]) -> Markup:
    """A horizontal bar chart (0-100) as inline SVG, each bar labelled with its value and
    category, with the category thresholds drawn as dashed lines.

    Labels are never cut: names wrap onto more lines (the row grows), and the label
    column and the category column are as wide as their longest line, measured in the
    report's font. Styling is in presentation attributes: WeasyPrint does not apply the
    page's CSS inside inline SVG.
    """
    names = [wrap(bar.label, _LABEL_SIZE, 200.0) for bar in bars]
    tags = [bar.tag for bar in bars]
    name_width = max((text_width(ln, _LABEL_SIZE) for lines in names for ln in lines), default=0)
    tag_width = max((text_width(tag, _LABEL_SIZE) for tag in tags), default=0)
    left = max(name_width, 60.0) + 12
    # The plot takes what the labels leave of 680 units (the page's width), at least 300.
    plot = max(300.0, 680.0 - (left + 50 + 8 + tag_width + 6))
    right = left + plot
    # Bold digits are at most 0.7 em wide: "100,00" fits in 46.
    value_end = right + 50
    width = value_end + 8 + tag_width + 6
    top = 20.0
    rows = [max(20.0, _LINE * len(lines) + 8) for lines in names]
    height = top + sum(rows) + 4
    scale = plot / 100.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img">'
    ]
    for tick in range(0, 101, 20):
        x = left + tick * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 3:.1f}" x2="{x:.1f}" y2="{height - 2:.1f}" '
            'stroke="#DDDDDD" stroke-width="0.6"/>'
            f'<text x="{x:.1f}" y="{top - 7:.1f}" {_FONT} font-size="9" fill="#666666" '
            f'text-anchor="middle">{tick}</text>'
        )
    for threshold in thresholds:
        if 0 < threshold < 100:
            x = left + threshold * scale
            parts.append(
                f'<line x1="{x:.1f}" y1="{top - 3:.1f}" x2="{x:.1f}" y2="{height - 2:.1f}" '
                'stroke="#444444" stroke-width="0.9" stroke-dasharray="4,3"/>'
            )
    y = top
    for bar, lines, tag, row in zip(bars, names, tags, rows, strict=True):
        middle = y + row / 2
        length = max(bar.value, 0.0) * scale
        first = middle + 3.5 - _LINE * (len(lines) - 1) / 2
        parts.append(
            f'<text x="{left - 6:.1f}" y="{first:.1f}" {_FONT} font-size="{_LABEL_SIZE:.0f}" '
            'fill="#1A1A1A" text-anchor="end">'
            + "".join(
                f'<tspan x="{left - 6:.1f}" y="{first + i * _LINE:.1f}">{escape(line)}</tspan>'
                for i, line in enumerate(lines)
            )
            + "</text>"
            f'<rect x="{left:.1f}" y="{middle - 7:.1f}" width="{length:.1f}" height="14" '
            f'fill="{bar.color}" stroke="#333333" stroke-width="0.5"/>'
            # Values in their own column, clear of the bars and threshold lines.
            f'<text x="{value_end:.1f}" y="{middle + 3.5:.1f}" {_FONT} font-size="10" '
            f'fill="#1A1A1A" text-anchor="end" font-weight="bold">{escape(bar.value_text)}</text>'
            f'<text x="{value_end + 8:.1f}" y="{middle + 3.5:.1f}" {_FONT} font-size="10" '
            f'fill="#1A1A1A">{escape(tag)}</text>'
        )
        y += row
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text inside is escaped above
