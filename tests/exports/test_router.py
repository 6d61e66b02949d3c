"""Score and answer exports: content, formats, scope, bad input and formula neutralising."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.exports import repository
from siaga.models import User
from siaga.scoring.reference import ReportDef
from tests.exports.world import INJECTION, RETURN_REASON, World, build_world
from tests.helpers import API, assert_error
from tests.scoring.builders import receipt_of, write_reports

LoginAs = Callable[[User], Awaitable[dict[str, str]]]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
async def world(session: AsyncSession) -> World:
    return await build_world(session)


def read_csv(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel"
    text = response.content.decode("utf-8").removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def read_xlsx(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    header, *rows = book.get_sheet_by_index(0).to_python()
    return [dict(zip(header, row, strict=True)) for row in rows]


def sheet_xml(response: httpx.Response) -> str:
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode("utf-8")


def filename(response: httpx.Response) -> str:
    match = re.fullmatch(r'attachment; filename="([^"]+)"', response.headers["content-disposition"])
    assert match, response.headers["content-disposition"]
    return match.group(1)


async def scores_json(client: httpx.AsyncClient, **params: str) -> dict[str, Any]:
    response = await client.get(f"{API}/scores", params={"period": "2023-Q4", **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


class TestScoresCsv:
    @pytest.mark.parametrize("view", ["official", "provisional"])
    async def test_one_row_per_pemda_as_the_score_table(
        self, client: httpx.AsyncClient, world: World, view: str
    ) -> None:
        response = await client.get(
            f"{API}/exports/scores.csv", params={"period": "2023-Q4", "region": "64", "view": view}
        )
        rows = read_csv(response)
        assert filename(response) == "siaga-skor-64-2023-Q4.csv"
        table = await scores_json(client, region="64", view=view)
        labels = {c["category"]: c["label"] for c in table["summary"]["categories"]}
        assert [r["region"] for r in rows] == [i["region"] for i in table["items"]]
        assert list(rows[0]) == [
            "region", "name", "level", "province", "readiness", "category", "category_label",
            "rank", "completeness", "verification_rate", "timeliness", "dimension_D1",
            "dimension_D2", "previous_readiness", "change", "previous_period", "provisional",
            "report_state", "report_state_label", "report_receipt", "report_on_time",
        ]  # fmt: skip
        for row, item in zip(rows, table["items"], strict=True):
            assert row["name"] == item["name"]
            assert row["level"] == item["level"]
            assert row["province"] == "Kalimantan Timur"
            assert row["readiness"] == f"{item['readiness']:.2f}"
            assert row["category"] == item["category"]
            assert row["category_label"] == labels[item["category"]]
            assert row["rank"] == str(item["rank"])
            assert row["completeness"] == f"{item['completeness']:.2f}"
            for key in ("verification_rate", "timeliness", "previous_readiness"):
                expected = "" if item[key] is None else f"{item[key]:.2f}"
                assert row[key] == expected, key
            for code in ("D1", "D2"):
                assert row[f"dimension_{code}"] == f"{item['dimensions'][code]:.2f}"
            # 2023-Q4 is open: provisional, compared with the closed 2023-Q3.
            assert (row["previous_period"], row["provisional"]) == ("2023-Q3", "true")
        samarinda = next(r for r in rows if r["region"] == "64.72")
        # 64.72 answered L.01 = 1 (25) in Q3 and L.01 = 3 in Q4: the change is visible.
        assert float(samarinda["previous_readiness"]) > 0
        assert float(samarinda["change"]) == pytest.approx(
            float(samarinda["readiness"]) - float(samarinda["previous_readiness"]), abs=0.011
        )

    async def test_default_region_is_the_callers_scope(
        self, anon_client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        headers = await login_as(world.viewer)
        response = await anon_client.get(
            f"{API}/exports/scores.csv", params={"period": "2023-Q4"}, headers=headers
        )
        rows = read_csv(response)
        assert [r["region"] for r in rows] == ["64", "64.11", "64.72"]
        assert filename(response) == "siaga-skor-64-2023-Q4.csv"

    async def test_national_admin_gets_the_nation(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        response = await client.get(f"{API}/exports/scores.csv", params={"period": "2023-Q4"})
        rows = read_csv(response)
        assert {r["region"] for r in rows} == {"63", "63.71", "64", "64.11", "64.72"}
        assert filename(response) == "siaga-skor-nasional-2023-Q4.csv"
        provinces = {r["region"]: r["province"] for r in rows}
        assert provinces["63.71"] == "Kalimantan Selatan"


async def write_two_reports(session: AsyncSession, world: World) -> None:
    """64 sent on time and accepted, 64.11 sent late and returned, 64.72 nothing."""
    written = world.written
    await write_reports(
        session,
        written.period,
        written.regions,
        [
            ReportDef("64", "accepted", first_submitted=True),
            ReportDef("64.11", "returned", first_submitted=True, late=True),
        ],
    )


# region: (report_state, report_state_label, report_receipt, report_on_time) in the CSV.
REPORT_CELLS = {
    "64": ("accepted", "Diterima", receipt_of("64", "2023-Q4"), "true"),
    "64.11": ("returned", "Dikembalikan", receipt_of("64.11", "2023-Q4"), "false"),
    "64.72": ("", "Belum ditulis", "", ""),
}


class TestScoreReportColumns:
    @pytest.mark.parametrize("locale", ["en", "id"])
    async def test_csv(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World, locale: str
    ) -> None:
        await write_two_reports(session, world)
        response = await client.get(
            f"{API}/exports/scores.csv",
            params={"period": "2023-Q4", "region": "64", "locale": locale},
        )
        assert response.status_code == 200, response.text
        text = response.content.decode("utf-8").removeprefix("\ufeff")
        delimiter = ";" if locale == "id" else ","
        rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))
        got = {
            r["region"]: (
                r["report_state"],
                r["report_state_label"],
                r["report_receipt"],
                r["report_on_time"],
            )
            for r in rows
        }
        assert got == REPORT_CELLS
        # The same as the score table says.
        items = {i["region"]: i for i in (await scores_json(client, region="64"))["items"]}
        assert items["64.11"]["report_on_time"] is False
        assert items["64.72"]["report_state"] is None

    async def test_xlsx(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        await write_two_reports(session, world)
        response = await client.get(
            f"{API}/exports/scores.xlsx", params={"period": "2023-Q4", "region": "64"}
        )
        rows = {r["region"]: r for r in read_xlsx(response)}
        assert (rows["64"]["report_state_label"], rows["64"]["report_on_time"]) == (
            "Diterima",
            True,
        )
        assert rows["64.11"]["report_on_time"] is False
        assert rows["64.11"]["report_receipt"] == receipt_of("64.11", "2023-Q4")
        # Never submitted: an empty cell, not "false".
        assert rows["64.72"]["report_on_time"] == ""
        assert rows["64.72"]["report_state_label"] == "Belum ditulis"


class TestScoresXlsx:
    async def test_same_rows_as_numbers_with_bold_frozen_header(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        params = {"period": "2023-Q4", "region": "64"}
        response = await client.get(f"{API}/exports/scores.xlsx", params=params)
        rows = read_xlsx(response)
        assert filename(response) == "siaga-skor-64-2023-Q4.xlsx"
        table = await scores_json(client, region="64")
        assert [r["region"] for r in rows] == [i["region"] for i in table["items"]]
        for row, item in zip(rows, table["items"], strict=True):
            # Full precision in the cell; the sheet's number format shows two decimals.
            assert row["readiness"] == pytest.approx(item["readiness"], abs=1e-9)
            assert row["rank"] == item["rank"]
            assert row["dimension_D2"] == pytest.approx(item["dimensions"]["D2"], abs=1e-9)
        xml = sheet_xml(response)
        assert 'ySplit="1"' in xml and 'state="frozen"' in xml
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            styles = archive.read("xl/styles.xml").decode()
        assert "<b/>" in styles and 'formatCode="0.00"' in styles


class TestSubmissionsCsv:
    async def test_every_answer_in_scope_with_review_and_evidence(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        response = await client.get(
            f"{API}/exports/submissions.csv", params={"period": "2023-Q4", "region": "64"}
        )
        rows = read_csv(response)
        assert filename(response) == "siaga-jawaban-64-2023-Q4.csv"
        keys = [(r["region"], r["indicator"]) for r in rows]
        assert len(keys) == 11 and all(k[0].split(".")[0] == "64" for k in keys)
        assert keys == sorted(
            keys, key=lambda k: (k[0], ["L.01", "Y.01", "P.01", "C.01"].index(k[1]))
        )
        by_key = {(r["region"], r["indicator"]): r for r in rows}
        level = by_key[("64.72", "L.01")]
        assert (level["value"], level["answer_type"], level["status"]) == ("3", "level", "verified")
        assert level["evidence_count"] == "2"
        assert level["region_name"] == "Kota Samarinda"
        assert level["agency"] == "64.72.exp_kesbangpol"
        assert level["agency_name"] == "Kesbangpol Kota Samarinda"
        assert level["dimension"] == "D1" and level["indicator_name"] == "Indikator L.01"
        assert by_key[("64.72", "Y.01")]["value"] == "ya"
        assert by_key[("64.11", "Y.01")]["value"] == "tidak"
        percent = by_key[("64.72", "P.01")]
        assert (percent["value"], percent["is_late"]) == ("50", "true")
        assert percent["submitted_at"] == "2023-11-02T09:30:00Z"
        assert percent["verified_at"] == ""
        returned = by_key[("64.11", "C.01")]
        assert returned["status"] == "returned"
        assert returned["last_review_reason"] == "'" + RETURN_REASON
        assert returned["evidence_count"] == "0"

    async def test_formula_in_a_narrative_comes_out_as_text(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        response = await client.get(
            f"{API}/exports/submissions.csv",
            params={"period": "2023-Q4", "region": "64.72", "indicator": "P.01"},
        )
        [row] = read_csv(response)
        assert row["narrative"] == "'" + INJECTION
        # Nothing in the raw file starts a cell with "=".
        assert b',"=' not in response.content and b",=" not in response.content

    async def test_filters_like_the_submission_list(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        url = f"{API}/exports/submissions.csv"
        base = {"period": "2023-Q4"}
        for params, expected in (
            ({"status": "verified", "region": "64.72"}, {"L.01", "Y.01", "C.01"}),
            ({"status": ["draft", "returned"]}, {"Y.01", "C.01"}),
            ({"agency": "64.72.exp_bpkad"}, {"P.01"}),
            ({"late": "true"}, {"C.01", "P.01"}),
            ({"indicator": "L.01", "region": "63"}, {"L.01"}),
        ):
            rows = read_csv(await client.get(url, params={**base, **params}))
            assert {r["indicator"] for r in rows} == expected, params
        listed = await client.get(
            f"{API}/submissions", params={**base, "status": "verified", "limit": 500}
        )
        exported = read_csv(await client.get(url, params={**base, "status": "verified"}))
        assert len(exported) == listed.json()["total"] == 9

    async def test_rows_are_read_in_pages_without_losing_any(
        self, client: httpx.AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        whole = read_csv(
            await client.get(f"{API}/exports/submissions.csv", params={"period": "2023-Q4"})
        )
        monkeypatch.setattr(repository, "PAGE_ROWS", 2)
        paged = read_csv(
            await client.get(f"{API}/exports/submissions.csv", params={"period": "2023-Q4"})
        )
        assert paged == whole and len(whole) == 12

    async def test_operator_gets_only_its_own_indicators(
        self, anon_client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        response = await anon_client.get(
            f"{API}/exports/submissions.csv",
            params={"period": "2023-Q4"},
            headers=await login_as(world.operator),
        )
        rows = read_csv(response)
        assert {(r["region"], r["indicator"]) for r in rows} == {
            ("64.72", "L.01"), ("64.72", "Y.01"), ("64.72", "C.01"),
        }  # fmt: skip
        assert filename(response) == "siaga-jawaban-64.72-2023-Q4.csv"

    async def test_empty_export_is_just_the_header(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        response = await client.get(
            f"{API}/exports/submissions.csv", params={"period": "2023-Q3", "region": "63"}
        )
        assert read_csv(response) == []
        assert response.content.decode("utf-8").startswith("\ufeffperiod,region,region_name,")


class TestSubmissionsXlsx:
    async def test_same_rows_typed_and_formulas_written_as_text(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        params = {"period": "2023-Q4", "region": "64"}
        response = await client.get(f"{API}/exports/submissions.xlsx", params=params)
        rows = read_xlsx(response)
        assert filename(response) == "siaga-jawaban-64-2023-Q4.xlsx"
        as_csv = read_csv(await client.get(f"{API}/exports/submissions.csv", params=params))
        assert [(r["region"], r["indicator"]) for r in rows] == [
            (r["region"], r["indicator"]) for r in as_csv
        ]
        by_key = {(r["region"], r["indicator"]): r for r in rows}
        percent = by_key[("64.72", "P.01")]
        assert percent["narrative"] == "'" + INJECTION
        assert percent["value"] == 50 and percent["is_late"] is True
        assert percent["submitted_at"].isoformat() == "2023-11-02T09:30:00"
        assert by_key[("64.72", "Y.01")]["value"] == "ya"
        assert by_key[("64.72", "L.01")]["evidence_count"] == 2
        assert by_key[("64.11", "C.01")]["last_review_reason"] == "'" + RETURN_REASON
        xml = sheet_xml(response)
        assert "<f>" not in xml, "no cell is a formula"
        assert "'=HYPERLINK(" in xml.replace("&quot;", '"')

    async def test_provincial_viewer_cannot_reach_another_province(
        self, anon_client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        headers = await login_as(world.viewer)
        response = await anon_client.get(
            f"{API}/exports/submissions.xlsx", params={"period": "2023-Q4"}, headers=headers
        )
        assert {r["region"] for r in read_xlsx(response)} == {"64", "64.11", "64.72"}
        outside = await anon_client.get(
            f"{API}/exports/submissions.xlsx",
            params={"period": "2023-Q4", "region": "63.71"},
            headers=headers,
        )
        assert_error(outside, 404, "region_not_found")


EXPORTS = [
    "scores.csv",
    "scores.xlsx",
    "submissions.csv",
    "submissions.xlsx",
]


@pytest.mark.parametrize("export", EXPORTS)
class TestBadInput:
    async def test_anonymous_is_401(
        self, anon_client: httpx.AsyncClient, world: World, export: str
    ) -> None:
        response = await anon_client.get(f"{API}/exports/{export}", params={"period": "2023-Q4"})
        assert_error(response, 401, "not_authenticated")

    async def test_missing_period_is_422(
        self, client: httpx.AsyncClient, world: World, export: str
    ) -> None:
        error = assert_error(await client.get(f"{API}/exports/{export}"), 422, "invalid_input")
        assert error["details"][0]["loc"] == ["query", "period"]

    async def test_unknown_period_is_404(
        self, client: httpx.AsyncClient, world: World, export: str
    ) -> None:
        response = await client.get(f"{API}/exports/{export}", params={"period": "1999-Q1"})
        assert_error(response, 404, "period_not_found")

    @pytest.mark.parametrize("region", ["99", "64.99"])
    async def test_unknown_region_is_404(
        self, client: httpx.AsyncClient, world: World, export: str, region: str
    ) -> None:
        params = {"period": "2023-Q4", "region": region}
        response = await client.get(f"{API}/exports/{export}", params=params)
        assert_error(response, 404, "region_not_found")

    async def test_region_outside_scope_is_404_like_unknown(
        self, anon_client: httpx.AsyncClient, world: World, login_as: LoginAs, export: str
    ) -> None:
        headers = await login_as(world.viewer_6472)
        url = f"{API}/exports/{export}"
        outside = await anon_client.get(
            url, params={"period": "2023-Q4", "region": "64"}, headers=headers
        )
        unknown = await anon_client.get(
            url, params={"period": "2023-Q4", "region": "99"}, headers=headers
        )
        assert_error(outside, 404, "region_not_found")
        assert_error(unknown, 404, "region_not_found")

    @pytest.mark.parametrize("region", ["abc", "64.", "6", "64/72", "x" * 21])
    async def test_malformed_region_is_422(
        self, client: httpx.AsyncClient, world: World, export: str, region: str
    ) -> None:
        params = {"period": "2023-Q4", "region": region}
        assert_error(
            await client.get(f"{API}/exports/{export}", params=params), 422, "invalid_input"
        )

    async def test_overlong_period_is_422(
        self, client: httpx.AsyncClient, world: World, export: str
    ) -> None:
        params = {"period": "Q" * 21}
        assert_error(
            await client.get(f"{API}/exports/{export}", params=params), 422, "invalid_input"
        )


@pytest.mark.parametrize("export", ["scores.csv", "scores.xlsx"])
@pytest.mark.parametrize("view", ["verified", "OFFICIAL", ""])
async def test_invalid_view_is_422(
    client: httpx.AsyncClient, world: World, export: str, view: str
) -> None:
    params = {"period": "2023-Q4", "view": view}
    assert_error(await client.get(f"{API}/exports/{export}", params=params), 422, "invalid_input")


@pytest.mark.parametrize("export", ["submissions.csv", "submissions.xlsx"])
@pytest.mark.parametrize(
    "params", [{"status": "approved"}, {"late": "maybe"}, {"agency": "a" * 81}]
)
async def test_invalid_submission_filters_are_422(
    client: httpx.AsyncClient, world: World, export: str, params: dict[str, str]
) -> None:
    response = await client.get(f"{API}/exports/{export}", params={"period": "2023-Q4", **params})
    assert_error(response, 422, "invalid_input")


@pytest.mark.parametrize(
    "path", ["scores.pdf", "scores.json", "scores", "submissions.xls", "submissions.csv.exe"]
)
async def test_unknown_format_is_404_in_error_shape(
    client: httpx.AsyncClient, world: World, path: str
) -> None:
    response = await client.get(f"{API}/exports/{path}", params={"period": "2023-Q4"})
    assert_error(response, 404, "not_found")
