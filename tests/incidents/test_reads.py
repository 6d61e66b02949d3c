"""What is read from many incidents: the counts for the map and the region page, the
exports (CSV with ?locale=id, XLSX), and the quarter's summary in the Pemda's and the
province's report."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import httpx
import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import PeriodState
from tests.fixtures.factories import create_period
from tests.helpers import API, assert_error
from tests.incidents.conftest import INCIDENTS, LoginAs, World, escalate, file, step

FEB = datetime(2024, 2, 14, 2, 0, tzinfo=UTC).isoformat()
MAR = datetime(2024, 3, 2, 9, 0, tzinfo=UTC).isoformat()
APR = datetime(2024, 4, 1, 1, 0, tzinfo=UTC).isoformat()  # 09:00 WITA, 1 April


@pytest.fixture
async def filed(anon_client: httpx.AsyncClient, world: World, login_as: LoginAs) -> list[str]:
    city = await login_as(world.coordinator)
    regency = await login_as(world.regency_coordinator)
    numbers = [
        (await file(anon_client, city, occurred_at=FEB, severity="kritis"))["number"],
        (await file(anon_client, city, occurred_at=FEB, category="politik_uang"))["number"],
        (await file(anon_client, city, occurred_at=MAR, severity="rendah"))["number"],
        (
            await file(
                anon_client,
                regency,
                "64.01",
                occurred_at=MAR,
                category="bencana",
                location={"district": "Tanah Grogot"},
            )
        )["number"],
        (await file(anon_client, city, occurred_at=APR))["number"],
    ]
    await step(anon_client, city, numbers[0], "acknowledged")
    await escalate(anon_client, city, numbers[0])
    return numbers


async def test_summary_for_the_map_and_the_months(
    anon_client: httpx.AsyncClient, world: World, login_as: LoginAs, filed: list[str]
) -> None:
    response = await anon_client.get(
        f"{INCIDENTS}/summary",
        params={"until": "2024-03-31"},
        headers=await login_as(world.verifier),
    )
    assert response.status_code == 200, response.text
    counts = response.json()
    assert counts["total"] == 4
    cells = {(c["region"], c["severity"], c["state"]): c["count"] for c in counts["items"]}
    assert cells == {
        ("64.72", "kritis", "acknowledged"): 1,
        ("64.72", "tinggi", "reported"): 1,
        ("64.72", "rendah", "reported"): 1,
        ("64.01", "tinggi", "reported"): 1,
    }
    assert {(m["month"], m["category"]): m["count"] for m in counts["by_month"]} == {
        ("2024-02", "konflik_pendukung"): 1,
        ("2024-02", "politik_uang"): 1,
        ("2024-03", "konflik_pendukung"): 1,
        ("2024-03", "bencana"): 1,
    }
    city_only = await anon_client.get(
        f"{INCIDENTS}/summary", params={"region": "64.01"}, headers=await login_as(world.verifier)
    )
    assert city_only.json()["total"] == 1


async def test_report_carries_the_quarters_incidents(
    anon_client: httpx.AsyncClient,
    session: AsyncSession,
    world: World,
    login_as: LoginAs,
    filed: list[str],
) -> None:
    await create_period(
        session,
        code="2024-Q1",
        start_date=date(2024, 1, 1),
        end_date=date(2024, 3, 31),
        deadline=date(2024, 4, 10),
        state=PeriodState.OPEN,
    )
    verifier = await login_as(world.verifier)
    city = (await anon_client.get(f"{API}/reports/64.72/2024-Q1", headers=verifier)).json()
    assert city["incidents"]["total"] == 3  # the April one is next quarter's
    assert city["incidents"]["by_severity"] == {"kritis": 1, "tinggi": 1, "rendah": 1}
    assert city["incidents"]["by_category"] == {"konflik_pendukung": 2, "politik_uang": 1}
    assert (city["incidents"]["open"], city["incidents"]["escalated"]) == (3, 1)
    province = (await anon_client.get(f"{API}/reports/64/2024-Q1", headers=verifier)).json()
    assert province["incidents"]["total"] == 4
    assert province["incidents"]["by_category"]["bencana"] == 1
    regency = (await anon_client.get(f"{API}/reports/64.01/2024-Q1", headers=verifier)).json()
    assert regency["incidents"]["total"] == 1


async def test_csv_export_in_indonesian_style(
    anon_client: httpx.AsyncClient, world: World, login_as: LoginAs, filed: list[str]
) -> None:
    response = await anon_client.get(
        f"{API}/exports/incidents.csv",
        params={"locale": "id", "region": "64.72"},
        headers=await login_as(world.verifier),
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment;")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=";"))
    assert [r["number"] for r in rows] == [filed[0], filed[1], filed[2], filed[4]]
    first = rows[0]
    assert (first["severity"], first["state"], first["level"]) == (
        "kritis",
        "acknowledged",
        "province",
    )
    assert first["lat"] == "-0,4948" and first["lon"] == "117,1436"
    assert first["occurred_on"] == "2024-02-14"
    assert first["region_name"] == "Kota Samarinda"


async def test_export_neutralises_formulas_and_keeps_scope(
    anon_client: httpx.AsyncClient, world: World, login_as: LoginAs
) -> None:
    city = await login_as(world.coordinator)
    await file(anon_client, city, title='=HYPERLINK("http://x")')
    await file(anon_client, await login_as(world.foreign_coordinator), "63.71",
               location={"district": "Banjarmasin Tengah"})  # fmt: skip
    response = await anon_client.get(f"{API}/exports/incidents.csv", headers=city)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert len(rows) == 1
    assert rows[0]["title"].startswith("'=")


async def test_xlsx_export(
    anon_client: httpx.AsyncClient, world: World, login_as: LoginAs, filed: list[str]
) -> None:
    response = await anon_client.get(
        f"{API}/exports/incidents.xlsx", params={"severity": "kritis"},
        headers=await login_as(world.verifier),
    )  # fmt: skip
    assert response.status_code == 200, response.text
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0][0] == "number"
    assert [r[0] for r in rows[1:]] == [filed[0]]
    assert rows[1][rows[0].index("lat")] == pytest.approx(-0.4948)
    assert_error(
        await anon_client.get(
            f"{API}/exports/incidents.xlsx", params={"locale": "id", "state": "lost"},
            headers=await login_as(world.verifier),
        ),
        422,
        "invalid_input",
    )  # fmt: skip
