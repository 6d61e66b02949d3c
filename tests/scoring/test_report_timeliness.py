"""Report timeliness in the scores (scoring.md, issue 19 item 3): each Pemda's report
state, receipt and on-time verdict from one LEFT JOIN, the subtree's shares, the trend's
verdict per period, the explanation, and the ETags following report changes.

Expected values are written out by hand for this small world, and also taken from
`siaga.scoring.reference`, fed the same reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import PemdaReport, Period, PeriodState, ReportState
from siaga.scoring import repository, table_repository
from siaga.scoring.reference import (
    AnswerDef,
    DimensionDef,
    FrameworkDef,
    IndicatorDef,
    Level,
    RegionDef,
    ReportDef,
    score_all,
    summarise,
)
from tests.helpers import API
from tests.scoring.builders import Written, receipt_of, write_answers, write_reports, write_world

# Cities have no applicable indicator: 64.72 has no score, so no row and no share, even
# though its report was sent on time.
NOT_CITIES: frozenset[Level] = frozenset({"province", "regency"})
FRAMEWORK = FrameworkDef(
    dimensions=(DimensionDef("D1", 1.0),),
    indicators=(IndicatorDef("L.01", "D1", "level", 1.0, NOT_CITIES, "kesbangpol"),),
)
REGIONS = [
    RegionDef("64", "province"),
    *(RegionDef(f"64.1{n}", "regency") for n in range(1, 6)),
    RegionDef("64.72", "city"),
]
ANSWERS = [AnswerDef(r.code, "L.01", "verified", 2.0, True) for r in REGIONS[:-1]]
Q4_REPORTS = [
    ReportDef("64", "accepted", first_submitted=True),
    ReportDef("64.11", "submitted", first_submitted=True, late=True),
    # Returned after a late first submission: still late, whatever comes next.
    ReportDef("64.12", "returned", first_submitted=True, late=True),
    ReportDef("64.13", "draft"),
    # 64.14 has written nothing.
    ReportDef("64.15", "returned", first_submitted=True),
    ReportDef("64.72", "submitted", first_submitted=True),
]
# (report_state, report_on_time) per Pemda in 2023-Q4, by hand.
EXPECTED = {
    "64": ("accepted", True),
    "64.11": ("submitted", False),
    "64.12": ("returned", False),
    "64.13": ("draft", None),
    "64.14": (None, None),
    "64.15": ("returned", True),
}
Q3_REPORTS = [ReportDef("64.11", "accepted", first_submitted=True)]


@dataclass
class World:
    written: Written
    q3: Period


@pytest.fixture
async def world(session: AsyncSession) -> World:
    written = await write_world(
        session, FRAMEWORK, REGIONS, ANSWERS, framework_code="LAP", reports=Q4_REPORTS
    )
    q3 = Period(
        code="2023-Q3",
        name="Triwulan 3 2023",
        framework_id=written.framework.id,
        start_date=date(2023, 7, 1),
        end_date=date(2023, 9, 30),
        deadline=date(2023, 10, 10),
        state=PeriodState.CLOSED,
    )
    session.add(q3)
    await session.flush()
    await write_answers(session, q3, written.regions, written.indicators, ANSWERS)
    await write_reports(session, q3, written.regions, Q3_REPORTS)
    return World(written, q3)


async def get_json(client: httpx.AsyncClient, url: str, **params: str) -> dict[str, Any]:
    response = await client.get(url, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def table(client: httpx.AsyncClient, region: str = "64", **params: str) -> dict[str, Any]:
    return await get_json(client, f"{API}/scores", period="2023-Q4", region=region, **params)


class TestPemdaRows:
    async def test_repository_rows_from_one_statement(
        self, session: AsyncSession, world: World
    ) -> None:
        period = world.written.period
        rows = await table_repository.pemda_scores(
            session,
            "official",
            dimensions=await repository.framework_dimensions(session, period.framework_id),
            period_ids=[period.id],
            previous_period_id=world.q3.id,
            scope_code=None,
            region_code="64",
        )
        got = {r.region: (r.report_state, r.report_on_time) for r in rows}
        assert got == EXPECTED
        for row in rows:
            # A real bool (SQLite hands back 0/1 unless the column is typed) or None.
            assert row.report_on_time is None or type(row.report_on_time) is bool
            assert row.report_state is None or isinstance(row.report_state, ReportState)
            sent = row.report_on_time is not None
            assert row.report_receipt == (receipt_of(row.region, "2023-Q4") if sent else None)

    @pytest.mark.parametrize("view", ["official", "provisional"])
    async def test_table_items_and_summary(
        self, client: httpx.AsyncClient, world: World, view: str
    ) -> None:
        body = await table(client, view=view)
        items = {i["region"]: i for i in body["items"]}
        assert {c: (i["report_state"], i["report_on_time"]) for c, i in items.items()} == EXPECTED
        assert items["64.12"]["report_receipt"] == "TT/64.12/2023-Q4"
        assert items["64.13"]["report_receipt"] is None
        summary = body["summary"]
        assert summary["count"] == 6
        assert (summary["reports_on_time"], summary["reports_late"], summary["not_reported"]) == (
            2,
            2,
            2,
        )
        assert summary["report_timeliness"] == pytest.approx(100 * 2 / 6, abs=1e-9)
        # The reference agrees, on the same reports.
        expected = summarise(
            score_all(FRAMEWORK, REGIONS, ANSWERS, view, Q4_REPORTS),  # type: ignore[arg-type]
            FRAMEWORK.thresholds,
            "64",
        )
        assert summary["reports_on_time"] == expected.reports_on_time
        assert summary["not_reported"] == expected.not_reported
        assert summary["report_timeliness"] == pytest.approx(expected.report_timeliness)

    async def test_answer_timeliness_stays_apart(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        # Every answer was submitted on time; the reports of 64.11 and 64.12 were not.
        items = {i["region"]: i for i in (await table(client))["items"]}
        assert items["64.11"]["timeliness"] == 100.0
        assert items["64.11"]["report_on_time"] is False

    async def test_one_pemda_subtree(self, client: httpx.AsyncClient, world: World) -> None:
        summary = (await table(client, region="64.12"))["summary"]
        assert (summary["count"], summary["reports_late"], summary["report_timeliness"]) == (
            1,
            1,
            0.0,
        )

    async def test_empty_subtree_has_no_share(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        body = await table(client, region="64.72")
        assert body["items"] == []
        summary = body["summary"]
        assert summary["count"] == 0
        assert summary["report_timeliness"] is None
        assert (summary["reports_on_time"], summary["reports_late"], summary["not_reported"]) == (
            0,
            0,
            0,
        )

    async def test_explanation_carries_the_report(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        body = await get_json(client, f"{API}/scores/64.12/2023-Q4")
        score = body["score"]
        assert (score["report_state"], score["report_on_time"], score["report_receipt"]) == (
            "returned",
            False,
            "TT/64.12/2023-Q4",
        )


class TestTrend:
    async def test_on_time_per_period(self, client: httpx.AsyncClient, world: World) -> None:
        points = (await get_json(client, f"{API}/scores/64.11/trend"))["items"]
        assert [(p["period"], p["report_on_time"]) for p in points] == [
            ("2023-Q3", True),
            ("2023-Q4", False),
        ]
        never = (await get_json(client, f"{API}/scores/64.14/trend"))["items"]
        assert [p["report_on_time"] for p in never] == [None, None]


class TestEtags:
    """Scores show the report, so a report's change is a new representation."""

    async def _changed(self, client: httpx.AsyncClient, url: str, etag: str) -> bool:
        response = await client.get(url, headers={"If-None-Match": etag})
        assert response.status_code in (200, 304), response.text
        return response.status_code == 200

    async def test_report_changes_change_every_score_etag(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        urls = [
            f"{API}/scores?period=2023-Q4&region=64",
            f"{API}/scores/64.13/2023-Q4",
            f"{API}/scores/64.13/trend",
        ]
        etags = {url: (await client.get(url)).headers["ETag"] for url in urls}
        for url, etag in etags.items():
            assert not await self._changed(client, url, etag), url
        # 64.13's draft goes out late (as the submit route would write it).
        report = await session.scalar(
            select(PemdaReport).where(
                PemdaReport.period_id == world.written.period.id,
                PemdaReport.region_id == world.written.regions["64.13"].id,
            )
        )
        assert report is not None
        report.state, report.is_late = ReportState.SUBMITTED, True
        report.first_submitted_at = report.submitted_at = report.created_at
        report.receipt_number = receipt_of("64.13", "2023-Q4")
        await session.flush()
        for url, etag in etags.items():
            assert await self._changed(client, url, etag), url
        body = await table(client)
        item = next(i for i in body["items"] if i["region"] == "64.13")
        assert (item["report_state"], item["report_on_time"]) == ("submitted", False)
        assert body["summary"]["reports_late"] == 3

    async def test_a_new_report_and_a_deleted_one_change_the_table_etag(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        url = f"{API}/scores?period=2023-Q4&region=64"
        etag = (await client.get(url)).headers["ETag"]
        written = world.written
        await write_reports(session, written.period, written.regions, [ReportDef("64.14", "draft")])
        assert await self._changed(client, url, etag)
        etag = (await client.get(url)).headers["ETag"]
        await session.execute(
            update(PemdaReport)
            .where(PemdaReport.region_id == written.regions["64.14"].id)
            .values(version=PemdaReport.version + 1)
        )
        assert await self._changed(client, url, etag)
        etag = (await client.get(url)).headers["ETag"]
        report = await session.scalar(
            select(PemdaReport).where(PemdaReport.region_id == written.regions["64.14"].id)
        )
        await session.delete(report)
        await session.flush()
        assert await self._changed(client, url, etag)
