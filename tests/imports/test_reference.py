"""Importing reference data: regions, agencies, indicators and users."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.security import verify_password
from siaga.models import (
    Agency,
    AuditEvent,
    FrameworkStatus,
    Indicator,
    Region,
    RegionLevel,
    User,
)
from tests.helpers import assert_error
from tests.imports.conftest import LoginAs, World, csv_bytes, upload


def _errors(body: dict[str, Any]) -> list[tuple[int, str | None, str]]:
    return [(e["row"], e["column"], e["code"]) for e in body["errors"]]


def _actions(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(r["key"], r["action"]) for r in body["rows"]]


async def _events(session: AsyncSession, action: str) -> list[AuditEvent]:
    return list(
        (await session.scalars(select(AuditEvent).where(AuditEvent.action == action))).all()
    )


class TestRegions:
    CONTENT = csv_bytes(
        "code,name,level,parent,bps_code",
        "65,Kalimantan Utara,province,,65",
        "65.01,Kabupaten Malinau,regency,65,6501",
        "65.71,Kota Tarakan,city,,6571",
        "64.72,Kota Samarinda,city,64,6472",
    )

    async def test_create_update_and_repeat(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        body = (await upload(client, "regions", self.CONTENT)).json()
        assert body["status"] == "succeeded", body
        assert _actions(body) == [
            ("65", "created"),
            ("65.01", "created"),
            ("65.71", "created"),
            ("64.72", "updated"),  # bps_code was empty
        ]
        regions = {
            r.code: r
            for r in (
                await session.scalars(
                    select(Region)
                    .where(Region.code.in_(["65", "65.01", "65.71"]))
                    .execution_options(populate_existing=True)
                )
            ).all()
        }
        assert regions["65.01"].parent_id == regions["65"].id
        assert regions["65.71"].level == RegionLevel.CITY and regions["65.71"].bps_code == "6571"
        assert len(await _events(session, "region.imported")) == 4
        again = (await upload(client, "regions", self.CONTENT)).json()
        assert again["counts"]["unchanged"] == 4
        assert len(await _events(session, "region.imported")) == 4

    async def test_bad_rows(self, client: httpx.AsyncClient, world: World) -> None:
        content = csv_bytes(
            "code,name,level,parent",
            "66.01,Kabupaten Tanpa Induk,regency,",
            "6X,Salah,province,",
            "67,Provinsi,kota,",
            "64.73,Kota Baru,city,63",
            "64.74,Kota Bontang,city,",
            "64.74,Kota Bontang lagi,city,",
        )
        body = (await upload(client, "regions", content, dry_run=True)).json()
        assert _errors(body) == [
            (2, "parent", "unknown_parent"),
            (3, "code", "invalid_code"),
            (4, "level", "invalid_level"),
            (5, "parent", "parent_mismatch"),
            (7, "code", "duplicate_row"),
        ]

    async def test_provincial_admin_only_in_its_subtree(
        self, client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        headers = await login_as(world.province_admin)
        content = csv_bytes("code,name,level", "64.99,Kota Uji,city", "63.99,Kota Lain,city")
        body = (await upload(client, "regions", content, headers=headers)).json()
        assert _errors(body) == [(3, "code", "region_out_of_scope")]


class TestAgencies:
    async def test_create_update_and_errors(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        content = csv_bytes(
            "code,name,region,type,active",
            "64.72.kesbangpol,Kesbangpol Kota Samarinda (baru),64.72,kesbangpol,ya",
            "64.kesbangpol,Kesbangpol Provinsi,64,KESBANGPOL,",
            "64.bpkad,BPKAD Provinsi,64,bpkad,tidak",
        )
        body = (await upload(client, "agencies", content)).json()
        assert body["status"] == "succeeded", body
        assert _actions(body) == [
            ("64.72.kesbangpol", "updated"),
            ("64.kesbangpol", "created"),
            ("64.bpkad", "created"),
        ]
        bpkad = (await session.scalars(select(Agency).where(Agency.code == "64.bpkad"))).one()
        assert bpkad.is_active is False and bpkad.region_id == world.province.id
        assert len(await _events(session, "agency.imported")) == 3
        assert (await upload(client, "agencies", content)).json()["counts"]["unchanged"] == 3

        bad = csv_bytes(
            "code,name,region,type",
            "64.dinkes,Dinkes,64,dinkes",
            "64.72.bpkad,BPKAD,64,bpkad",
            "99.kesbangpol,Kesbangpol,99,kesbangpol",
            "64.bpkad,BPKAD lagi,64,bpkad",
            "64.bpkad,BPKAD lagi,64,bpkad",
        )
        body = (await upload(client, "agencies", bad)).json()
        assert _errors(body) == [
            (2, "type", "unknown_type"),
            (3, "code", "invalid_code"),
            (4, "region", "unknown_region"),
            (6, "code", "duplicate_row"),
        ]


class TestIndicators:
    HEADER = (
        "framework,dimension,code,name,answer_type,target,weight,agency_type,levels,"
        "evidence_required"
    )

    @pytest.fixture
    async def draft(self, session: AsyncSession, world: World) -> World:
        """UJI as a draft version: only drafts take new or changed indicators."""
        world.framework.status = FrameworkStatus.DRAFT
        await session.flush()
        return world

    async def test_a_published_version_takes_no_change(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        before = await _events(session, "indicator.imported")
        content = csv_bytes(
            self.HEADER,
            "UJI,D1,N.01,Indikator baru,count,5,2,bpkad,RC,ya",
            'UJI,D1,P.01,Indikator P.01,percent,,1.5,kesbangpol,"province, regency, city",tidak',
        )
        body = (await upload(client, "indicators", content)).json()
        assert _errors(body) == [
            (2, "framework", "framework_published"),
            (3, "framework", "framework_published"),
        ]
        assert await session.scalar(select(Indicator).where(Indicator.code == "N.01")) is None
        assert await _events(session, "indicator.imported") == before
        # The same rows as stored are no change, so they pass.
        same = csv_bytes(self.HEADER, "UJI,D1,P.01,Indikator P.01,percent,,1,kesbangpol,PRC,tidak")
        body = (await upload(client, "indicators", same)).json()
        assert body["status"] == "succeeded", body
        assert _actions(body) == [("UJI/P.01", "unchanged")]

    async def test_create_update_and_repeat(
        self, client: httpx.AsyncClient, session: AsyncSession, draft: World
    ) -> None:
        world = draft
        content = csv_bytes(
            self.HEADER,
            "UJI,D1,N.01,Indikator baru,count,5,2,bpkad,RC,ya",
            'UJI,D1,P.01,Indikator P.01,percent,,1.5,kesbangpol,"province, regency, city",tidak',
        )
        body = (await upload(client, "indicators", content)).json()
        assert body["status"] == "succeeded", body
        assert _actions(body) == [("UJI/N.01", "created"), ("UJI/P.01", "updated")]
        new = (await session.scalars(select(Indicator).where(Indicator.code == "N.01"))).one()
        assert (new.target, new.weight, new.applies_province, new.applies_city) == (
            5.0,
            2.0,
            False,
            True,
        )
        assert new.evidence_required is True and new.agency_type_id == world.bpkad.id
        assert (await upload(client, "indicators", content)).json()["counts"]["unchanged"] == 2
        assert len(await _events(session, "indicator.imported")) == 2

    async def test_bad_rows(self, client: httpx.AsyncClient, draft: World) -> None:
        content = csv_bytes(
            self.HEADER,
            "NOPE,D1,N.01,x,level,,1,kesbangpol,PRC,ya",
            "UJI,D9,N.02,x,level,,1,kesbangpol,PRC,ya",
            "UJI,D1,N.03,x,count,,1,kesbangpol,PRC,ya",
            "UJI,D1,N.04,x,level,3,0,kesbangpol,XYZ,mungkin",
        )
        body = (await upload(client, "indicators", content)).json()
        assert _errors(body) == [
            (2, "framework", "unknown_framework"),
            (3, "dimension", "unknown_dimension"),
            (4, "target", "invalid_target"),
            (5, "target", "target_not_allowed"),
            (5, "weight", "invalid_weight"),
            (5, "levels", "invalid_levels"),
            (5, "evidence_required", "invalid_yes_no"),
        ]

    async def test_national_only(
        self, client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        content = csv_bytes(self.HEADER, "UJI,D1,N.01,x,level,,1,kesbangpol,PRC,ya")
        headers = await login_as(world.province_admin)
        assert_error(await upload(client, "indicators", content, headers=headers), 403, "forbidden")


class TestUsers:
    HEADER = "username,full_name,role,region,agency,email"

    async def test_created_inactive_without_a_password(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        content = csv_bytes(
            self.HEADER,
            "operator.64.72.kesbangpol,Operator Kesbangpol,operator,,64.72.kesbangpol,"
            "op@example.go.id",
            "verifikator.64,Verifikator Kaltim,verifier,64,,",
        )
        body = (await upload(client, "users", content)).json()
        assert body["status"] == "succeeded", body
        users = {
            u.username: u
            for u in (
                await session.scalars(
                    select(User).where(
                        User.username.in_(["operator.64.72.kesbangpol", "verifikator.64"])
                    )
                )
            ).all()
        }
        operator = users["operator.64.72.kesbangpol"]
        assert operator.region_id == world.city.id and operator.agency_id is not None
        assert operator.is_active is False
        assert not verify_password("", operator.password_hash)
        assert users["verifikator.64"].region_id == world.province.id
        assert (await upload(client, "users", content)).json()["counts"]["unchanged"] == 2
        renamed = csv_bytes(self.HEADER, "verifikator.64,Verifikator Provinsi,verifier,64,,")
        assert _actions((await upload(client, "users", renamed)).json()) == [
            ("verifikator.64", "updated")
        ]
        events = await _events(session, "user.imported")
        assert len(events) == 3
        assert all("password" not in (e.after or {}) for e in events)

    async def test_an_inactive_agency_takes_no_new_operator(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        """The same placement rule as POST /users (users.rules.place)."""
        agency = (
            await session.scalars(select(Agency).where(Agency.code == "64.72.kesbangpol"))
        ).one()
        agency.is_active = False
        await session.flush()
        content = csv_bytes(self.HEADER, "operator.baru,Operator Baru,operator,,64.72.kesbangpol,")
        body = (await upload(client, "users", content)).json()
        assert _errors(body) == [(2, "agency", "agency_inactive")]
        assert await session.scalar(select(User).where(User.username == "operator.baru")) is None

    async def test_bad_rows(
        self, client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        content = csv_bytes(
            self.HEADER,
            "Bad Name!,X,viewer,64,,",
            "op.satu,Operator,operator,,,",
            "viewer.satu,Viewer,viewer,,,",
            "viewer.dua,Viewer,viewer,64,64.72.kesbangpol,",
            "viewer.tiga,Viewer,viewer,63,,",
            "admin.64,Admin,viewer,64,,",
            "viewer.empat,Viewer,superuser,64,,bukan-email",
            "viewer.lima,Viewer,viewer,64,,",
            "viewer.lima,Viewer,viewer,64,,",
        )
        headers = await login_as(world.province_admin)
        body = (await upload(client, "users", content, headers=headers)).json()
        assert _errors(body) == [
            (2, "username", "invalid_username"),
            (3, "agency", "required"),
            (4, "region", "required"),
            (5, "agency", "agency_not_allowed"),
            (6, "region", "unknown_region"),
            (7, "role", "user_scope_change"),
            (8, "role", "invalid_role"),
            (8, "email", "invalid_email"),
            (10, "username", "duplicate_row"),
        ]


async def test_row_list_is_capped_but_counts_are_complete(
    client: httpx.AsyncClient, world: World
) -> None:
    lines = ["code,name,level"]
    for province in range(70, 82):
        lines.append(f"{province},Provinsi {province},province")
        lines += [f"{province}.{n:02d},Kabupaten {province}.{n},regency" for n in range(1, 100)]
    body = (await upload(client, "regions", csv_bytes(*lines), dry_run=True)).json()
    assert body["counts"]["rows"] == body["counts"]["created"] == 1200
    assert len(body["rows"]) == 1000 and body["rows_truncated"] is True
    assert body["rows"][-1]["row"] == 1001
