"""`?locale=id` on every CSV download: what Indonesian Excel opens in columns."""

from __future__ import annotations

import csv
import io

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import Submission
from tests.exports.world import INJECTION, World, build_world
from tests.helpers import API
from tests.imports.conftest import csv_bytes

BOM = b"\xef\xbb\xbf"
NARRATIVE = "Rapat; koordinasi; 2 kali"


@pytest.fixture
async def world(session: AsyncSession) -> World:
    world = await build_world(session)
    # A decimal answer and a narrative holding the Indonesian delimiter.
    written = world.written
    percent = await session.scalar(
        select(Submission).where(
            Submission.period_id == written.period.id,
            Submission.region_id == written.regions["64.72"].id,
            Submission.indicator_id == written.indicators["P.01"].id,
        )
    )
    assert percent is not None
    percent.value = 12.5
    level = await session.scalar(
        select(Submission).where(
            Submission.period_id == written.period.id,
            Submission.region_id == written.regions["64.72"].id,
            Submission.indicator_id == written.indicators["L.01"].id,
        )
    )
    assert level is not None
    level.narrative = NARRATIVE
    await session.flush()
    return world


def _rows(response: httpx.Response, delimiter: str) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8").removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


SUBMISSIONS = f"{API}/exports/submissions.csv"
SCORES = f"{API}/exports/scores.csv"
PARAMS = {"period": "2023-Q4", "region": "64.72"}


class TestSubmissionsCsv:
    async def test_indonesian(self, client: httpx.AsyncClient, world: World) -> None:
        response = await client.get(SUBMISSIONS, params={**PARAMS, "locale": "id"})
        assert response.content.startswith(BOM + b"period;region;region_name;")
        rows = {r["indicator"]: r for r in _rows(response, ";")}
        assert rows["P.01"]["value"] == "12,5"
        assert rows["P.01"]["region"] == "64.72", "codes keep their dot"
        assert rows["P.01"]["submitted_at"] == "2023-11-02T09:30:00Z", "dates unchanged"
        assert rows["P.01"]["narrative"] == "'" + INJECTION, "formulas still neutralised"
        assert rows["L.01"]["narrative"] == NARRATIVE
        assert f'"{NARRATIVE}"'.encode() in response.content, "a ';' is quoted"

    @pytest.mark.parametrize("locale", [None, "en"])
    async def test_default_is_rfc4180(
        self, client: httpx.AsyncClient, world: World, locale: str | None
    ) -> None:
        params = PARAMS if locale is None else {**PARAMS, "locale": locale}
        response = await client.get(SUBMISSIONS, params=params)
        assert response.content.startswith(BOM + b"period,region,region_name,")
        rows = {r["indicator"]: r for r in _rows(response, ",")}
        assert rows["P.01"]["value"] == "12.5"
        assert rows["L.01"]["narrative"] == NARRATIVE
        assert f",{NARRATIVE},".encode() in response.content, "';' needs no quotes here"

    async def test_unknown_locale_is_422(self, client: httpx.AsyncClient, world: World) -> None:
        response = await client.get(SUBMISSIONS, params={**PARAMS, "locale": "fr"})
        assert response.status_code == 422


class TestScoresCsv:
    async def test_indonesian_and_default(self, client: httpx.AsyncClient, world: World) -> None:
        params = {"period": "2023-Q4", "region": "64"}
        indonesian = await client.get(SCORES, params={**params, "locale": "id"})
        assert indonesian.content.startswith(BOM + b"region;name;level;")
        plain = await client.get(SCORES, params=params)
        assert plain.content.startswith(BOM + b"region,name,level,")
        id_rows, en_rows = _rows(indonesian, ";"), _rows(plain, ",")
        assert [r["region"] for r in id_rows] == [r["region"] for r in en_rows]
        assert "64.72" in [r["region"] for r in id_rows]
        for id_row, en_row in zip(id_rows, en_rows, strict=True):
            assert "." in en_row["readiness"] and "," not in en_row["readiness"]
            assert id_row["readiness"] == en_row["readiness"].replace(".", ",")
            assert id_row["rank"] == en_row["rank"]

    async def test_xlsx_takes_no_locale(self, client: httpx.AsyncClient, world: World) -> None:
        schema = (await client.get("/api/v1/openapi.json")).json()
        for path in ("/api/v1/exports/scores.xlsx", "/api/v1/exports/submissions.xlsx"):
            names = [p["name"] for p in schema["paths"][path]["get"]["parameters"]]
            assert "locale" not in names
        for path in ("/api/v1/exports/scores.csv", "/api/v1/exports/submissions.csv"):
            names = [p["name"] for p in schema["paths"][path]["get"]["parameters"]]
            assert "locale" in names


BROKEN = csv_bytes(
    "period,region,indicator,value,narrative,status",
    "2023-Q4,64.72,C.01,banyak,,draft",
)


class TestImportErrorsCsv:
    async def test_both_styles(self, client: httpx.AsyncClient, world: World) -> None:
        files = {"file": ("jawaban.csv", BROKEN, "text/csv")}
        batch = await client.post(
            f"{API}/imports", params={"kind": "submissions", "dry_run": "true"}, files=files
        )
        url = batch.json()["errors_csv_url"]
        indonesian = await client.get(url, params={"locale": "id"})
        assert indonesian.content.startswith(BOM + b"row;column;code;message;message_en\r\n")
        [row] = _rows(indonesian, ";")
        assert (row["row"], row["code"]) == ("2", "invalid_value")
        plain = await client.get(url)
        assert plain.content.startswith(BOM + b"row,column,code,message,message_en\r\n")
        [row] = _rows(plain, ",")
        assert (row["row"], row["code"]) == ("2", "invalid_value")
