"""A time zone per region: the official division, inheritance and the API that sets it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import AuditEvent, Region, RegionLevel, Role, User
from siaga.regions import time_zones
from tests.fixtures.factories import create_region, create_user
from tests.helpers import API, assert_error, assert_page

LoginAs = Callable[[User], Awaitable[dict[str, str]]]


class TestDivision:
    @pytest.mark.parametrize(
        ("code", "zone"),
        [
            ("11", "Asia/Jakarta"),  # Aceh
            ("31", "Asia/Jakarta"),  # DKI Jakarta
            ("36", "Asia/Jakarta"),  # Banten
            ("61", "Asia/Jakarta"),  # Kalimantan Barat
            ("62", "Asia/Jakarta"),  # Kalimantan Tengah
            ("51", "Asia/Makassar"),  # Bali
            ("53", "Asia/Makassar"),  # NTT
            ("63", "Asia/Makassar"),  # Kalimantan Selatan
            ("64", "Asia/Makassar"),  # Kalimantan Timur
            ("64.72", "Asia/Makassar"),  # Kota Samarinda lies in it
            ("65", "Asia/Makassar"),  # Kalimantan Utara
            ("73", "Asia/Makassar"),  # Sulawesi Selatan
            ("81", "Asia/Jayapura"),  # Maluku
            ("82", "Asia/Jayapura"),  # Maluku Utara
            ("94", "Asia/Jayapura"),  # Papua
            ("97", "Asia/Jayapura"),  # Papua Barat Daya
        ],
    )
    def test_province_codes(self, code: str, zone: str) -> None:
        assert time_zones.province_zone(code) == zone

    @pytest.mark.parametrize("code", ["00", "20", "54", "99", ""])
    def test_unknown_province(self, code: str) -> None:
        assert time_zones.province_zone(code) is None

    @pytest.mark.parametrize(
        ("raw", "zone"),
        [
            ("Asia/Makassar", "Asia/Makassar"),
            (" asia/jayapura ", "Asia/Jayapura"),
            ("WIB", "Asia/Jakarta"),
            ("wita", "Asia/Makassar"),
            ("WIT", "Asia/Jayapura"),
            ("UTC", None),
            ("Asia/Singapore", None),
            ("WITA+1", None),
            ("", None),
        ],
    )
    def test_parse(self, raw: str, zone: str | None) -> None:
        assert time_zones.parse(raw) == zone

    def test_abbreviations(self) -> None:
        assert [time_zones.abbreviation(z) for z in time_zones.TIME_ZONES] == [
            "WIB",
            "WITA",
            "WIT",
        ]
        assert time_zones.abbreviation("UTC") == "UTC"

    def test_cutoff_is_midnight_after_the_deadline_in_the_zone(self) -> None:
        cutoff = time_zones.deadline_cutoff(date(2025, 1, 10), time_zones.WITA)
        assert cutoff.isoformat() == "2025-01-11T00:00:00+08:00"
        wib = time_zones.deadline_cutoff(date(2025, 1, 10), time_zones.WIB)
        # An hour later in absolute time: midnight comes to Jakarta after Samarinda.
        assert (wib - cutoff).total_seconds() == 3600
        wit = time_zones.deadline_cutoff(date(2025, 1, 10), time_zones.WIT)
        assert (cutoff - wit).total_seconds() == 3600
        assert isinstance(cutoff, datetime)


async def _regions(session: AsyncSession) -> dict[str, Region]:
    kaltim = await create_region(session, code="64", name="Kalimantan Timur")
    samarinda = await create_region(
        session, code="64.72", name="Kota Samarinda", parent=kaltim, level=RegionLevel.CITY
    )
    papua = await create_region(session, code="94", name="Papua")
    jayapura = await create_region(
        session, code="94.71", name="Kota Jayapura", parent=papua, level=RegionLevel.CITY
    )
    # A province whose code the division does not know: the deployment's default.
    unknown = await create_region(session, code="99", name="Provinsi Uji")
    return {r.code: r for r in (kaltim, samarinda, papua, jayapura, unknown)}


class TestRegionsApi:
    async def test_list_names_each_zone(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _regions(session)
        items = assert_page(await client.get(f"{API}/regions"), total=5)
        zones = {
            i["code"]: (i["time_zone"], i["time_zone_abbreviation"], i["own_time_zone"])
            for i in items
        }
        assert zones == {
            "64": ("Asia/Makassar", "WITA", "Asia/Makassar"),
            "64.72": ("Asia/Makassar", "WITA", None),  # inherited from Kaltim
            "94": ("Asia/Jayapura", "WIT", "Asia/Jayapura"),
            "94.71": ("Asia/Jayapura", "WIT", None),
            "99": ("Asia/Jakarta", "WIB", None),  # SIAGA_TIMEZONE's default
        }

    async def test_detail_names_the_zone(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _regions(session)
        body = (await client.get(f"{API}/regions/64.72")).json()
        assert (body["time_zone"], body["time_zone_abbreviation"]) == ("Asia/Makassar", "WITA")

    async def test_set_clear_and_audit(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _regions(session)
        response = await client.patch(f"{API}/regions/64.72", json={"time_zone": "WIB"})
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["time_zone"], body["own_time_zone"], body["time_zone_abbreviation"]) == (
            "Asia/Jakarta",
            "Asia/Jakarta",
            "WIB",
        )
        assert (await client.get(f"{API}/regions/64.72")).json()["time_zone"] == "Asia/Jakarta"

        # Null: the city inherits its province's zone again.
        body = (await client.patch(f"{API}/regions/64.72", json={"time_zone": None})).json()
        assert (body["time_zone"], body["own_time_zone"]) == ("Asia/Makassar", None)

        events = (
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "region.update")
                .order_by(AuditEvent.id)
            )
        ).all()
        assert [(e.entity_id, e.before, e.after) for e in events] == [
            ("64.72", {"time_zone": None}, {"time_zone": "Asia/Jakarta"}),
            ("64.72", {"time_zone": "Asia/Jakarta"}, {"time_zone": None}),
        ]

    async def test_unchanged_is_not_audited(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _regions(session)
        response = await client.patch(f"{API}/regions/64", json={"time_zone": "Asia/Makassar"})
        assert response.status_code == 200
        count = await session.scalar(
            select(AuditEvent.id).where(AuditEvent.action == "region.update").limit(1)
        )
        assert count is None

    async def test_clearing_a_province_restores_its_codes_zone(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _regions(session)
        await client.patch(f"{API}/regions/64", json={"time_zone": "Asia/Jayapura"})
        samarinda = (await client.get(f"{API}/regions/64.72")).json()
        assert samarinda["time_zone_abbreviation"] == "WIT"  # children follow the province
        body = (await client.patch(f"{API}/regions/64", json={"time_zone": None})).json()
        assert (body["own_time_zone"], body["time_zone_abbreviation"]) == ("Asia/Makassar", "WITA")

    @pytest.mark.parametrize(
        "payload",
        [
            {"time_zone": "Europe/Paris"},
            {"time_zone": "UTC"},
            {"time_zone": "WITA+1"},
            {"time_zone": ""},
            {"time_zone": 8},
            {"time_zone": ["Asia/Makassar"]},
        ],
    )
    async def test_invalid_zone_is_422_naming_the_field(
        self, client: httpx.AsyncClient, session: AsyncSession, payload: dict[str, object]
    ) -> None:
        await _regions(session)
        error = assert_error(
            await client.patch(f"{API}/regions/64.72", json=payload), 422, "invalid_input"
        )
        assert ["body", "time_zone"] in [d["loc"] for d in error["details"]]
        assert (await client.get(f"{API}/regions/64.72")).json()["own_time_zone"] is None

    @pytest.mark.parametrize("payload", [{}, {"time_zone": "WIB", "level": "city"}, None, "WIB"])
    async def test_malformed_body_is_422(
        self, client: httpx.AsyncClient, session: AsyncSession, payload: object
    ) -> None:
        await _regions(session)
        assert_error(await client.patch(f"{API}/regions/64.72", json=payload), 422, "invalid_input")

    async def test_unknown_region_is_404(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _regions(session)
        response = await client.patch(f"{API}/regions/64.99", json={"time_zone": "WIB"})
        assert_error(response, 404, "region_not_found")

    async def test_outside_the_admins_scope_is_404(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, login_as: LoginAs
    ) -> None:
        regions = await _regions(session)
        admin = await create_user(session, role=Role.ADMIN, region=regions["64"])
        headers = await login_as(admin)
        response = await anon_client.patch(
            f"{API}/regions/94.71", json={"time_zone": "WIB"}, headers=headers
        )
        assert_error(response, 404, "region_not_found")
        # Its own subtree it may change.
        response = await anon_client.patch(
            f"{API}/regions/64.72", json={"time_zone": "WIB"}, headers=headers
        )
        assert response.status_code == 200, response.text

    @pytest.mark.parametrize("role", [Role.VERIFIER, Role.VIEWER])
    async def test_only_admins_set_zones(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        login_as: LoginAs,
        role: Role,
    ) -> None:
        regions = await _regions(session)
        user = await create_user(session, role=role, region=regions["64"])
        response = await anon_client.patch(
            f"{API}/regions/64.72", json={"time_zone": "WIB"}, headers=await login_as(user)
        )
        assert_error(response, 403, "forbidden")
        assert regions["64.72"].time_zone is None

    async def test_anonymous_is_401(
        self, anon_client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await _regions(session)
        response = await anon_client.patch(f"{API}/regions/64.72", json={"time_zone": "WIB"})
        assert response.status_code == 401
