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
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.security import Principal
from siaga.core.types import utcnow
from siaga.models import PeriodState, RegionLevel, SubmissionStatus
from siaga.periods.service import PeriodNotFound
from siaga.regions import repository as regions_repository
from siaga.regions import time_zones
from siaga.regions.exceptions import RegionNotFound
from siaga.reports import repository
from siaga.reports.chart import Bar, bar_chart
from siaga.scoring import service as scoring
from siaga.scoring.categories import NO_CATEGORY, category_color
from siaga.scoring.schemas import CategoryCount, PemdaScore, ScoreTable, View

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
    PeriodState.OPEN: (
        "Angka sementara, triwulan belum ditutup: pengisian dan verifikasi masih berjalan, "
        "sehingga skor dapat berubah sampai periode ditutup."
    ),
}
# How the province's own Pemda and the mean over its subtree are named (issue 16, item 6):
# both used to read just "Kalimantan Timur".
OWN_SUFFIX = "(Pemprov, skor sendiri)"

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
    """The framework's categories, highest first, in the traffic-light colours the SPA uses
    (siaga.scoring.categories); an unknown code takes the colour of its position."""
    ordered = sorted(counts, key=lambda c: c.min_score, reverse=True)
    out = []
    for index, c in enumerate(ordered):
        color = category_color(c.category, index)
        out.append(Category(c.category, c.label, c.min_score, color.fill, color.text, c.count))
    return out


def _category_of(value: float | None, categories: list[Category]) -> Category | None:
    if value is None:
        return None
    return next((c for c in categories if value >= c.min_score), None)


# --- the chart ---------------------------------------------------------------------------


def _chart(bars: list[tuple[str, float, Category | None]], categories: list[Category]) -> Markup:
    return bar_chart(
        [
            Bar(
                label,
                value,
                number(value),
                category.color if category else NO_CATEGORY.fill,
                category.label if category else "tanpa kategori",
            )
            for label, value, category in bars
        ],
        [c.min_score for c in categories],
    )


# --- the data ----------------------------------------------------------------------------


def display_name(item: PemdaScore) -> str:
    """A province's row is its own Pemda's score, not the mean over its regencies and
    cities: the name says so."""
    return f"{item.name} {OWN_SUFFIX}" if item.level == RegionLevel.PROVINCE else item.name


def _comparison(table: ScoreTable) -> dict[str, Any]:
    """Which closed period changes compare with, and whether this period's figures are
    provisional (not closed yet): the report says both instead of guessing."""
    return {"previous_period": table.previous_period, "provisional": table.provisional}


def _ranking(table: ScoreTable, categories: list[Category], highlight: str) -> list[dict[str, Any]]:
    by_code = {c.code: c for c in categories}
    items = sorted(table.items, key=lambda i: (_LEVEL_ORDER[i.level], i.rank, i.region))
    return [
        {
            "rank": item.rank,
            "region": item.region,
            "name": display_name(item),
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
    own = next((i for i in items if i.region == region["code"]), None)
    return {
        **_comparison(table),
        "categories": categories,
        "summary": {
            "count": table.summary.count,
            "mean": table.summary.mean,
            "mean_category": _category_of(table.summary.mean, categories),
            "lowest": lowest,
            "highest": highest,
            "own": own,
            "own_category": _category_of(own.readiness, categories) if own else None,
        },
        "ranking": _ranking(table, categories, region["code"]),
        "chart_title": "Indeks kesiapan (R) setiap Pemda",
        "chart": _chart(
            [
                (display_name(i), i.readiness, _category_of(i.readiness, categories))
                for i in chart_items
            ],
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
        **_comparison(table),
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
        "chart": _chart([(d.name, d.score or 0.0, d.category) for d in dimensions], categories),
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
    # The Pemda's own clock (WITA in Kaltim), named, as on its screens.
    zone = await regions_repository.time_zone_by_code(session, region_code, timezone)
    zone_name = time_zones.abbreviation(zone)
    now = utcnow().astimezone(ZoneInfo(zone))
    context = {
        **body,
        "is_province": is_province,
        "region": {**region, "level_label": LEVELS[RegionLevel(region["level"])]},
        "period": period,
        "view_label": VIEW_LABELS[view],
        "period_state": PERIOD_STATE_LABELS[period.state],
        "period_notice": PERIOD_NOTICES.get(period.state),
        "generated": f"{long_date(now.date())}, pukul {now:%H.%M} {zone_name}",
        "deadline": f"{long_date(period.deadline)}, pukul 23.59 {zone_name}",
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
