"""The colours of the four readiness categories: a traffic light, the same everywhere.

The SPA's copy is frontend/src/components/categoryColors.ts (map, badges, charts, legend);
the PDF report takes these. tests/reports/test_colours.py fails when the two differ.
Each text colour has at least 4.5:1 contrast on its fill (WCAG AA for small text).
"""

from __future__ import annotations

from typing import NamedTuple


class CategoryColor(NamedTuple):
    fill: str
    text: str


CATEGORY_COLORS: dict[str, CategoryColor] = {
    "siap": CategoryColor("#1A7F37", "#FFFFFF"),  # green
    "cukup_siap": CategoryColor("#9ACD32", "#1B1F24"),  # yellow-green
    "kurang_siap": CategoryColor("#F28C28", "#1B1F24"),  # orange
    "belum_siap": CategoryColor("#C62828", "#FFFFFF"),  # red
}
# A Pemda without a score (nothing applicable), or a category code this build does not know.
NO_CATEGORY = CategoryColor("#D5DAE1", "#1B1F24")
# Most to least ready: a framework with other category codes is coloured by position.
TRAFFIC_LIGHT = tuple(CATEGORY_COLORS.values())


def category_color(code: str | None, position: int | None = None) -> CategoryColor:
    """The colour of a category code; an unknown code by its position from the top."""
    if code in CATEGORY_COLORS:
        return CATEGORY_COLORS[code]
    if position is not None:
        return TRAFFIC_LIGHT[min(position, len(TRAFFIC_LIGHT) - 1)]
    return NO_CATEGORY
