"""Text widths in DejaVu Sans, the report's font, for laying out the SVG chart.

WeasyPrint draws inline SVG text as given: a label longer than its column runs off the
chart's edge and is cut. Measuring with the font's advance widths (read from
DejaVuSans.ttf with fontTools; tests/reports/test_chart.py checks them against the font
when it is installed) lets the chart wrap labels instead of clipping or truncating them.
"""

from __future__ import annotations

# Advance widths in thousandths of an em of the printable ASCII characters, from " " (32).
# fmt: off
_ASCII = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
    636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,
    1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
    603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,
    500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
)
# fmt: on
_OTHER = {"…": 1000, "·": 318, "\u2013": 500, "\u2014": 1000, "▲": 769, "▼": 769, "■": 945}
# Anything else (letters with diacritics are near their base letter's width): a wide guess,
# so that a label is wrapped too early rather than clipped.
_DEFAULT = 1000


def text_width(text: str, font_size: float) -> float:
    """The width of `text` in DejaVu Sans at `font_size` (user units, no kerning)."""
    total = 0
    for ch in text:
        code = ord(ch)
        if 32 <= code < 127:
            total += _ASCII[code - 32]
        else:
            total += _OTHER.get(ch, _DEFAULT)
    return total * font_size / 1000


def wrap(text: str, font_size: float, max_width: float) -> list[str]:
    """`text` in lines no wider than `max_width`, broken at spaces; a single word wider
    than that is broken where it must be (nothing is ever left out)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, font_size) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for ch in word:
            if current and text_width(current + ch, font_size) > max_width:
                lines.append(current)
                current = ""
            current += ch
    if current or not lines:
        lines.append(current)
    return lines
