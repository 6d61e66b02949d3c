"""The quarterly monitoring report (Laporan Pemantauan Kesiapan Pemilu) as a PDF.

Numbers come from the score services (`score_table`, `explain`) and two aggregates over
the same pair rows, so the report always agrees with the dashboard. The HTML comes from
a Jinja2 template, the chart is SVG drawn here (no JavaScript in a PDF renderer), and
WeasyPrint lays out the PDF in a worker thread: a render is CPU work of about a second
that would otherwise stall every other request on the event loop.
"""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.security import Principal
from siaga.core.types import utcnow
from siaga.models import PeriodState, RegionLevel, SubmissionStatus
from siaga.periods.service import PeriodNotFound
from siaga.regions.exceptions import RegionNotFound
from siaga.reports import repository
from siaga.scoring import service as scoring
from siaga.scoring.schemas import CategoryCount, PemdaScore, ScoreTable, View

# Viridis in four steps, low to high: readable in greyscale and by colour-blind readers;
# every coloured mark also carries its category's label as text.
VIRIDIS = ("#440154", "#31688E", "#35B779", "#FDE725")
_TEXT_ON = {"#440154": "#FFFFFF", "#31688E": "#FFFFFF", "#35B779": "#000000", "#FDE725": "#000000"}
MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
LEVELS = {RegionLevel.PROVINCE: "Provinsi", RegionLevel.REGENCY: "Kabupaten",
          RegionLevel.CITY: "Kota"}  # fmt: skip
_LEVEL_ORDER = {RegionLevel.PROVINCE: 0, RegionLevel.REGENCY: 1, RegionLevel.CITY: 2}
STATUS_LABELS = {
    None: "Belum diisi",
    SubmissionStatus.DRAFT: "Draf",
    SubmissionStatus.SUBMITTED: "Menunggu verifikasi",
    SubmissionStatus.VERIFIED: "Terverifikasi",
    SubmissionStatus.RETURNED: "Dikembalikan",
}
VIEW_LABELS = {
    "official": "resmi (hanya jawaban terverifikasi)",
    "provisional": "sementara (jawaban terkirim dan terverifikasi)",
}
# The period's state on the cover, and a warning for numbers that are not final yet.
PERIOD_STATE_LABELS = {
    PeriodState.PLANNED: "direncanakan (belum dibuka)",
    PeriodState.OPEN: "dibuka (pengisian masih berjalan)",
    PeriodState.CLOSED: "ditutup",
}
PERIOD_NOTICES = {
    PeriodState.PLANNED: (
        "Periode ini belum dibuka: belum ada jawaban, sehingga semua skor bernilai 0."
    ),
    PeriodState.OPEN: "Periode ini masih dibuka: angka dapat berubah sampai periode ditutup.",
}
DASH = "\u2013"  # en dash: "nothing to show" in tables
WEAKEST = 3
# A province has a few dozen offices per Pemda; the table stops where a reader would.
OUTSTANDING_ROWS = 60
_TEMPLATES = Path(__file__).parent / "templates"
# One render at a time per process, off the event loop: WeasyPrint (Pango, fontconfig)
# is not documented as thread-safe, and a queue of reports should not take every thread
# of the default pool that uploads and exports also use.
_RENDERER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="siaga-pdf")


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    min_score: float
    color: str
    text_color: str
    count: int


@dataclass(frozen=True)
class Weak:
    code: str
    name: str
    score: float
    note: str


@dataclass(frozen=True)
class DimensionSection:
    code: str
    name: str
    score: float | None
    category: Category | None
    weakest: list[Weak]


@dataclass(frozen=True)
class Report:
    filename: str
    content: bytes


# --- formatting --------------------------------------------------------------------------


def number(value: float | None, digits: int = 2) -> str:
    """Indonesian decimal comma: 72,50; a dash when there is nothing to show."""
    if value is None:
        return DASH
    return f"{value:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def percent(value: float | None) -> str:
    return DASH if value is None else f"{number(value)}%"


def css_string(text: str) -> Markup:
    """`text` as a quoted CSS string: anything but plain characters as a CSS escape, so a
    region name can neither end the string nor the style element."""
    safe = "".join(ch if ch.isalnum() or ch in " .,-_()·" else f"\\{ord(ch):x} " for ch in text)
    return Markup(f'"{safe}"')  # noqa: S704 - escaped character by character above


def long_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _change(current: float, previous: float | None) -> str:
    if previous is None:
        return DASH
    delta = current - previous
    if abs(delta) < 0.005:
        return "tetap"
    return f"{'▲' if delta > 0 else '▼'} {number(abs(delta))}"


def _categories(counts: list[CategoryCount]) -> list[Category]:
    """The framework's categories, highest first, coloured from the top of the palette."""
    ordered = sorted(counts, key=lambda c: c.min_score, reverse=True)
    colors = VIRIDIS[::-1]
    out = []
    for index, c in enumerate(ordered):
        color = colors[min(index, len(colors) - 1)]
        out.append(Category(c.category, c.label, c.min_score, color, _TEXT_ON[color], c.count))
    return out


def _category_of(value: float | None, categories: list[Category]) -> Category | None:
    if value is None:
        return None
    return next((c for c in categories if value >= c.min_score), None)


# --- the chart ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    category: Category | None


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_FONT = 'font-family="DejaVu Sans, sans-serif"'


def bar_chart(bars: list[Bar], categories: list[Category]) -> Markup:
    """A horizontal bar chart (0-100) as inline SVG, each bar labelled with its value and
    category, with the category thresholds drawn as dashed lines.

    Styling is in presentation attributes: WeasyPrint does not apply the page's CSS
    inside inline SVG.
    """
    left, right, top, row = 190.0, 510.0, 20.0, 20.0
    width, height = 680.0, top + row * len(bars) + 4
    scale = (right - left) / 100.0
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
    for c in categories:
        if 0 < c.min_score < 100:
            x = left + c.min_score * scale
            parts.append(
                f'<line x1="{x:.1f}" y1="{top - 3:.1f}" x2="{x:.1f}" y2="{height - 2:.1f}" '
                'stroke="#444444" stroke-width="0.9" stroke-dasharray="4,3"/>'
            )
    for index, bar in enumerate(bars):
        y = top + index * row
        color = bar.category.color if bar.category else "#BBBBBB"
        label = bar.category.label if bar.category else "tanpa kategori"
        length = max(bar.value, 0.0) * scale
        parts.append(
            f'<text x="{left - 6:.1f}" y="{y + 13.5:.1f}" {_FONT} font-size="10" '
            f'fill="#1A1A1A" text-anchor="end">{escape(_short(bar.label, 32))}</text>'
            f'<rect x="{left:.1f}" y="{y + 3:.1f}" width="{length:.1f}" height="14" '
            f'fill="{color}" stroke="#333333" stroke-width="0.5"/>'
            # Values in their own column, clear of the bars and threshold lines.
            f'<text x="{right + 46:.1f}" y="{y + 13.5:.1f}" {_FONT} font-size="10" '
            f'fill="#1A1A1A" text-anchor="end" font-weight="bold">{number(bar.value)}</text>'
            f'<text x="{right + 52:.1f}" y="{y + 13.5:.1f}" {_FONT} font-size="10" '
            f'fill="#1A1A1A">{escape(_short(label, 18))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text inside is escaped above


# --- the data ----------------------------------------------------------------------------


def _ranking(table: ScoreTable, categories: list[Category], highlight: str) -> list[dict[str, Any]]:
    by_code = {c.code: c for c in categories}
    items = sorted(table.items, key=lambda i: (_LEVEL_ORDER[i.level], i.rank, i.region))
    return [
        {
            "rank": item.rank,
            "region": item.region,
            "name": item.name,
            "level": LEVELS[item.level],
            "readiness": item.readiness,
            "category": by_code.get(item.category or ""),
            "completeness": item.completeness,
            "change": _change(item.readiness, item.previous_readiness),
            "highlight": item.region == highlight,
        }
        for item in items
    ]


def _weakest_by_dimension(means: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in means:  # already lowest first within each dimension
        if row["mean"] < 100 and len(grouped[row["dimension"]]) < WEAKEST:
            grouped[row["dimension"]].append(row)
    return grouped


async def _province(
    session: AsyncSession,
    principal: Principal,
    region: dict[str, Any],
    period_id: int,
    framework_id: int,
    period_code: str,
    view: View,
) -> dict[str, Any]:
    table = await scoring.score_table(
        session, principal, period_code=period_code, region_code=region["code"], view=view
    )
    categories = _categories(table.summary.categories)
    items = table.items
    means = await repository.indicator_means(
        session,
        view,
        period_id=period_id,
        scope_code=principal.region_code,
        region_code=region["code"],
    )
    weakest = _weakest_by_dimension(means)
    dimensions = []
    for d in await repository.dimensions(session, framework_id):
        scores = [i.dimensions[d["code"]] for i in items if d["code"] in i.dimensions]
        mean = sum(scores) / len(scores) if scores else None
        weak = [
            Weak(w["indicator"], w["name"], w["mean"], f"rata-rata {w['pemda']} Pemda")
            for w in weakest.get(d["code"], [])
        ]
        dimensions.append(
            DimensionSection(d["code"], d["name"], mean, _category_of(mean, categories), weak)
        )
    # The table is in code order, so ties go to the lower code.
    lowest = min(items, key=lambda i: i.readiness, default=None)
    highest = max(items, key=lambda i: i.readiness, default=None)
    chart_items = sorted(items, key=lambda i: (-i.readiness, i.region))
    return {
        "categories": categories,
        "summary": {
            "count": table.summary.count,
            "mean": table.summary.mean,
            "mean_category": _category_of(table.summary.mean, categories),
            "lowest": lowest,
            "highest": highest,
            "own": next((i for i in items if i.region == region["code"]), None),
        },
        "ranking": _ranking(table, categories, region["code"]),
        "chart_title": "Indeks kesiapan (R) setiap Pemda",
        "chart": bar_chart(
            [Bar(i.name, i.readiness, _category_of(i.readiness, categories)) for i in chart_items],
            categories,
        ),
        "dimensions": dimensions,
    }


async def _pemda(
    session: AsyncSession,
    principal: Principal,
    region: dict[str, Any],
    period_code: str,
    view: View,
) -> dict[str, Any]:
    explanation = await scoring.explain(
        session, principal, region_code=region["code"], period_code=period_code, view=view
    )
    # Ranked among the province's Pemda when the caller may see them, else on its own.
    parent = region["parent_code"]
    root = parent if parent is not None and principal.sees_region(parent) else region["code"]
    table = await scoring.score_table(
        session, principal, period_code=period_code, region_code=root, view=view
    )
    categories = _categories(table.summary.categories)
    own: PemdaScore = next(
        (i for i in table.items if i.region == region["code"]), explanation.score
    )
    peers = sum(1 for i in table.items if i.level == own.level)
    dimensions = [
        DimensionSection(
            d.dimension,
            d.name,
            d.score,
            _category_of(d.score, categories),
            [
                Weak(i.indicator, i.name, i.score, STATUS_LABELS[i.status])
                for i in sorted(d.indicators, key=lambda i: (i.score, i.indicator))[:WEAKEST]
                if i.score < 100
            ],
        )
        for d in explanation.dimensions
    ]
    return {
        "categories": categories,
        "summary": {
            "own": own,
            "category": _category_of(own.readiness, categories),
            "rank": own.rank,
            "peers": peers,
            "peer_level": LEVELS[own.level],
            "change": _change(own.readiness, own.previous_readiness),
        },
        "ranking": _ranking(table, categories, region["code"]),
        "chart_title": "Skor setiap dimensi (D)",
        "chart": bar_chart(
            [Bar(d.name, d.score or 0.0, d.category) for d in dimensions], categories
        ),
        "dimensions": dimensions,
    }


# --- rendering ---------------------------------------------------------------------------


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(_TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(number=number, percent=percent, long_date=long_date, css_string=css_string)
    return env


_ENV = _environment()


def render_html(context: dict[str, Any]) -> str:
    return _ENV.get_template("report.html").render(**context)


def render_pdf(html: str) -> bytes:
    # Imported here: loading Pango costs ~0.3 s, paid only by processes that render.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Nothing in the report is fetched: a name that smuggled in a URL reaches nothing.
    fetcher = URLFetcher(allowed_protocols=["data"])
    pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf()
    return pdf


async def report(
    session: AsyncSession,
    principal: Principal,
    *,
    region_code: str,
    period_code: str,
    view: View,
    timezone: str,
) -> Report:
    """The report of a province (its subtree) or of one regency or city, for one period."""
    region = await repository.get_region(session, region_code)
    # Outside the caller's scope answers exactly like an unknown code.
    if region is None or not principal.sees_region(region_code):
        raise RegionNotFound(region_code)
    period = await repository.get_period(session, period_code)
    if period is None:
        raise PeriodNotFound(f"Periode {period_code!r} tidak ditemukan (period not found)")
    is_province = region["level"] == RegionLevel.PROVINCE
    if is_province:
        body = await _province(
            session, principal, region, period.id, period.framework_id, period.code, view
        )
    else:
        body = await _pemda(session, principal, region, period.code, view)
    outstanding = await repository.outstanding_by_agency(
        session,
        period_id=period.id,
        scope_code=principal.region_code,
        region_code=region_code,
        only_region=not is_province,
    )
    now = utcnow().astimezone(ZoneInfo(timezone))
    context = {
        **body,
        "is_province": is_province,
        "region": {**region, "level_label": LEVELS[RegionLevel(region["level"])]},
        "period": period,
        "view_label": VIEW_LABELS[view],
        "period_state": PERIOD_STATE_LABELS[period.state],
        "period_notice": PERIOD_NOTICES.get(period.state),
        "generated": f"{long_date(now.date())}, pukul {now:%H.%M} {now.tzname() or ''}".strip(),
        "generated_date": long_date(now.date()),
        "outstanding": outstanding[:OUTSTANDING_ROWS],
        "outstanding_more": max(len(outstanding) - OUTSTANDING_ROWS, 0),
        "outstanding_total": {
            key: sum(row[key] for row in outstanding)
            for key in ("not_started", "draft", "returned", "submitted", "outstanding")
        },
    }
    html = render_html(context)
    pdf = await asyncio.get_running_loop().run_in_executor(_RENDERER, render_pdf, html)
    filename = re.sub(r"[^A-Za-z0-9._-]", "_", f"siaga-laporan-{region_code}-{period.code}.pdf")
    return Report(filename, pdf)
