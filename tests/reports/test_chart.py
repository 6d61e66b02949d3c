"""The report's chart keeps every label whole (issue 16, item 16), and the report names
the province's own score apart from the mean over its subtree (item 6, 7)."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.reports.chart import Bar, bar_chart
from siaga.reports.text_width import text_width, wrap
from tests.exports.world import World, build_world
from tests.helpers import API
from tests.reports.test_router import pdf_text

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SVG = "{http://www.w3.org/2000/svg}"
LONG = [
    "Keamanan, Ketertiban dan Netralitas Aparatur Sipil Negara di Daerah",
    "Kabupaten Penajam Paser Utara",
    "Kalimantan Timur (Pemprov, skor sendiri)",
    "Sosialisasi",
]


@pytest.mark.skipif(not FONT.exists(), reason="DejaVu Sans is not installed")
def test_widths_are_the_fonts() -> None:
    ttlib = pytest.importorskip("fontTools.ttLib")
    font = ttlib.TTFont(FONT)
    cmap, metrics, em = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    for text in [*LONG, "0123456789 ,.()·", "Wxyz QMm"]:
        expected = sum(metrics[cmap[ord(ch)]][0] for ch in text) / em * 10
        assert text_width(text, 10) == pytest.approx(expected, abs=0.01 * len(text))


def test_wrap_keeps_every_character_and_respects_the_width() -> None:
    for text in [*LONG, "Supercalifragilisticexpialidocious" * 3]:
        lines = wrap(text, 10, 120)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert all(text_width(line, 10) <= 120 for line in lines)


def _texts(svg: str) -> tuple[float, list[tuple[float, str, str]]]:
    """The viewBox width and, per text line, its x, anchor and content."""
    root = ElementTree.fromstring(svg)  # noqa: S314
    width = float(root.attrib["viewBox"].split()[2])
    lines = []
    for text in root.iter(f"{SVG}text"):
        anchor = text.attrib.get("text-anchor", "start")
        spans = list(text.iter(f"{SVG}tspan"))
        for node in spans or [text]:
            lines.append((float(node.attrib.get("x", text.attrib["x"])), anchor, node.text or ""))
    return width, lines


def test_no_label_is_cut_or_shortened() -> None:
    bars = [
        Bar(name, value, "100,00", "#1A7F37", tag)
        for name, value, tag in zip(
            LONG,
            (100.0, 62.5, 41.0, 0.0),
            ("Siap", "Cukup Siap", "Kurang Siap", "Belum Siap"),
            strict=True,
        )
    ]
    width, lines = _texts(str(bar_chart(bars, [40, 60, 80])))
    for x, anchor, content in lines:
        size = 10.0
        extent = text_width(content, size) * (1.1 if content == "100,00" else 1.0)
        start = {"start": x, "end": x - extent, "middle": x - extent / 2}[anchor]
        assert start >= 0 and start + extent <= width, content
    shown = " ".join(content for _x, _a, content in lines)
    for name in LONG:
        # Whole, perhaps over several lines; never with an ellipsis.
        assert all(word in shown for word in name.split()), name
    assert "…" not in shown


async def test_the_province_is_named_for_what_each_number_is(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    world: World = await build_world(session)
    assert world
    text = pdf_text(await client.get(f"{API}/reports/64/2023-Q4.pdf"))
    assert "Rata-rata wilayah (semua Pemda)".upper() in text.upper()
    assert "Pemprov Kalimantan Timur (skor sendiri)".upper() in text.upper()
    # In the ranking and in the chart, the province's row is its own score.
    assert len(re.findall(r"Kalimantan Timur \(Pemprov, skor sendiri\)", text)) >= 2
    assert "Peringkat dalam tingkat" in text
    # 2023-Q4 is open: changes compare with the closed 2023-Q3 and are marked.
    assert "Perubahan sejak 2023-Q3 (sementara)" in text
    assert "Angka sementara, triwulan belum ditutup" in text
    closed = pdf_text(await client.get(f"{API}/reports/64/2023-Q3.pdf"))
    assert "(sementara)" not in closed
    assert "Belum ada periode tertutup sebelumnya sebagai pembanding" in closed
