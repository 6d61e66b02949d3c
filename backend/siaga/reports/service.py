"""The quarterly monitoring report (Laporan Pemantauan Kesiapan Pemilu) as a PDF: the
document a Kesbangpol signs and sends.

The Pemda report's own parts (letterhead, state and receipt, narrative, answers per
agency, recommendations, a province's table of its regencies' and cities' reports,
signature) come from `official`; the numbers from the score services and two aggregates
over the same (Pemda x indicator) grid (`sections`), so the report always agrees with
the dashboard; `rendering` lays it out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.security import Principal
from siaga.core.types import utcnow
from siaga.models import Period, RegionLevel
from siaga.regions import repository as regions_repository
from siaga.regions import time_zones
from siaga.regions.exceptions import RegionNotFound
from siaga.reporting import repository as reporting
from siaga.reports import official, rendering, repository, sections
from siaga.reports.formatting import (
    LEVELS,
    PERIOD_NOTICES,
    PERIOD_STATE_LABELS,
    VIEW_LABELS,
    long_date,
    period_title,
)
from siaga.reports.repository import OutstandingRow
from siaga.scoring.schemas import View

# A province has a few dozen offices per Pemda; the table stops where a reader would.
OUTSTANDING_ROWS = 60


@dataclass(frozen=True)
class Report:
    filename: str
    content: bytes


@dataclass(frozen=True, slots=True)
class Heading:
    """The region as the cover names it."""

    code: str
    name: str
    parent_name: str | None
    level_label: str


@dataclass(frozen=True, slots=True)
class OutstandingTotal:
    not_started: int
    draft: int
    returned: int
    submitted: int
    outstanding: int


def _total(rows: list[OutstandingRow]) -> OutstandingTotal:
    return OutstandingTotal(
        not_started=sum(r.not_started for r in rows),
        draft=sum(r.draft for r in rows),
        returned=sum(r.returned for r in rows),
        submitted=sum(r.submitted for r in rows),
        outstanding=sum(r.outstanding for r in rows),
    )


async def report(
    session: AsyncSession,
    principal: Principal,
    *,
    region_code: str,
    period: Period,
    view: View,
    timezone: str,
) -> Report:
    """The report of a province (its own Pemda's report and its subtree) or of one regency
    or city, for one period."""
    # In the Pemda report's scope: the caller's subtree, but a coordinator or an operator
    # reads only its own Pemda's (reporting.repository.scope_conditions). Outside it, the
    # answer is exactly that of an unknown code.
    pemda = await reporting.pemda(session, principal, region_code)
    region = await repository.get_region(session, region_code) if pemda else None
    if pemda is None or region is None:
        raise RegionNotFound(region_code)
    is_province = region.level == RegionLevel.PROVINCE
    gather = sections.province if is_province else sections.pemda
    body = await gather(session, principal, region, period, view)
    # The Pemda's own clock (WITA in Kaltim), named, as on its screens.
    zone = await regions_repository.time_zone_by_code(session, region_code, timezone)
    zone_name = time_zones.abbreviation(zone)
    now = utcnow().astimezone(ZoneInfo(zone))
    parts = await official.gather(
        session,
        pemda,
        period,
        body.explanation,
        zone=zone,
        default_zone=timezone,
        today=now.date(),
    )
    # A regency's or city's answers are in its answers per agency; a province's table
    # is over its subtree.
    outstanding = (
        await repository.outstanding_by_agency(
            session,
            period_id=period.id,
            scope_code=principal.region_code,
            region_code=region_code,
            only_region=False,
        )
        if is_province
        else []
    )
    # The template's namespace: the body's fields, the official parts and the cover's.
    context = {
        **{field.name: getattr(body, field.name) for field in fields(body)},
        "is_province": is_province,
        "region": Heading(
            region.code, region.name, region.parent_name, LEVELS[RegionLevel(region.level)]
        ),
        "official": parts,
        "period": period,
        "period_title": period_title(period.code, period.name),
        "view_label": VIEW_LABELS[view],
        "period_state": PERIOD_STATE_LABELS[period.state],
        "period_notice": PERIOD_NOTICES.get(period.state),
        "generated": f"{long_date(now.date())}, pukul {now:%H.%M} {zone_name}",
        "deadline": f"{long_date(period.deadline)}, pukul 23.59 {zone_name}",
        "generated_date": long_date(now.date()),
        "outstanding": outstanding[:OUTSTANDING_ROWS],
        "outstanding_more": max(len(outstanding) - OUTSTANDING_ROWS, 0),
        "outstanding_total": _total(outstanding),
    }
    pdf = await rendering.pdf(context)
    filename = re.sub(r"[^A-Za-z0-9._-]", "_", f"siaga-laporan-{region_code}-{period.code}.pdf")
    return Report(filename, pdf)
