"""One traffic light everywhere (issue 16, item 5): the PDF's category colours are the
SPA's, and every text colour is readable on its fill."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.reports import rendering, sections
from siaga.scoring.categories import CATEGORY_COLORS, NO_CATEGORY, CategoryColor
from siaga.scoring.schemas import CategoryCount
from tests.exports.world import World, build_world
from tests.helpers import API

SPA_MODULE = Path(__file__).parents[2] / "frontend" / "src" / "components" / "categoryColors.ts"
_ENTRY = re.compile(r'^\s*(\w+): \{ fill: "(#[0-9A-Fa-f]{6})", text: "(#[0-9A-Fa-f]{6})" \},?$')


def spa_colours() -> dict[str, CategoryColor]:
    block = SPA_MODULE.read_text().split("CATEGORY_COLORS = {", 1)[1].split("} as const", 1)[0]
    found = {}
    for line in block.splitlines():
        match = _ENTRY.match(line)
        if match:
            found[match[1]] = CategoryColor(match[2].upper(), match[3].upper())
    return found


def luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_pdf_uses_the_spa_colours() -> None:
    assert spa_colours() == CATEGORY_COLORS
    assert list(spa_colours()) == ["siap", "cukup_siap", "kurang_siap", "belum_siap"]
    no_category = SPA_MODULE.read_text().split("NO_CATEGORY_COLOR = ", 1)[1]
    assert f'fill: "{NO_CATEGORY.fill}", text: "{NO_CATEGORY.text}"' in no_category


@pytest.mark.parametrize("colour", [*CATEGORY_COLORS.values(), NO_CATEGORY])
def test_text_on_every_fill_meets_wcag_aa(colour: CategoryColor) -> None:
    assert contrast(colour.fill, colour.text) >= 4.5


def test_categories_take_their_own_colour_not_their_position() -> None:
    counts = [
        CategoryCount(category=code, label=code, label_en=code, min_score=score, count=0)
        for code, score in (("belum_siap", 0), ("siap", 80), ("kurang_siap", 40))
    ]
    categories = {c.code: c for c in sections._categories(counts)}
    for code, category in categories.items():
        assert (category.color, category.text_color) == CATEGORY_COLORS[code]
    # A code of another framework: coloured by its place from the top.
    other = sections._categories(
        [CategoryCount(category="lain", label="Lain", label_en="Other", min_score=0, count=0)]
    )
    assert other[0].color == CATEGORY_COLORS["siap"].fill


async def test_every_badge_and_bar_in_the_report_is_a_traffic_light_colour(
    client: httpx.AsyncClient, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    world: World = await build_world(session)
    assert world
    rendered: list[str] = []
    original = rendering.render_pdf

    def capture(html: str) -> bytes:
        rendered.append(html)
        return original(html)

    monkeypatch.setattr(rendering, "render_pdf", capture)
    response = await client.get(f"{API}/reports/64/2023-Q4.pdf")
    assert response.status_code == 200, response.text
    (html,) = rendered
    allowed = {(c.fill, c.text) for c in CATEGORY_COLORS.values()}
    badges = re.findall(r'class="badge" style="background: (#\w+); color: (#\w+)"', html)
    assert badges and set(badges) <= allowed
    # Every category of the framework appears in the legend, in its own colour.
    assert {fill for fill, _text in badges} == {c.fill for c in CATEGORY_COLORS.values()}
    bars = set(re.findall(r'<rect [^>]*fill="(#\w+)"', html))
    assert bars and bars <= {c.fill for c in CATEGORY_COLORS.values()} | {NO_CATEGORY.fill}
