"""The Pemda report over HTTP: each transition, each refusal, scope, bad input, the
receipt and lateness, the chain up to the Ministry, and the audit trail."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import AuditEvent, User
from tests.helpers import assert_error
from tests.reporting.conftest import REASON, SECTIONS, Chain, answer_all, report_url

LoginAs = Callable[[User], Awaitable[dict[str, str]]]


async def write(
    client: httpx.AsyncClient, headers: dict[str, str], region: str = "64.72", **body: Any
) -> httpx.Response:
    current = await client.get(report_url(region), headers=headers)
    etag = current.headers.get("ETag")
    extra = {} if current.json().get("version", 0) == 0 else {"If-Match": etag}
    return await client.put(
        report_url(region), json={**SECTIONS, **body}, headers={**headers, **extra}
    )


async def act(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    action: str,
    region: str = "64.72",
    reason: str | None = None,
) -> httpx.Response:
    body = None if reason is None else {"reason": reason}
    return await client.post(report_url(region, action=action), json=body, headers=headers)


async def submitted_city(
    client: httpx.AsyncClient, session: AsyncSession, chain: Chain, coordinator: dict[str, str]
) -> dict[str, Any]:
    world = chain.world
    await answer_all(session, world.period, world.city)
    assert (await write(client, coordinator)).status_code == 201
    response = await act(client, coordinator, "submit")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


class TestDraft:
    async def test_unwritten_report_reads_as_an_empty_draft(
        self, anon_client: httpx.AsyncClient, chain: Chain, login_as: LoginAs
    ) -> None:
        response = await anon_client.get(report_url(), headers=await login_as(chain.coordinator))
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["state"], body["version"], body["receipt_number"]) == ("draft", 0, None)
        assert response.headers["ETag"] == body["etag"]
        # Six indicators apply to a city, none answered.
        assert body["completeness"]["applicable"] == 6
        assert body["completeness"]["not_started"] == 6
        assert body["completeness"]["complete"] is False

    async def test_coordinator_writes_with_if_match(
        self, anon_client: httpx.AsyncClient, chain: Chain, login_as: LoginAs
    ) -> None:
        coordinator = await login_as(chain.coordinator)
        created = await anon_client.put(report_url(), json=SECTIONS, headers=coordinator)
        assert created.status_code == 201, created.text
        assert created.json()["signatory"]["nip"] == SECTIONS["signatory"]["nip"]  # type: ignore[index]
        assert_error(
            await anon_client.put(report_url(), json=SECTIONS, headers=coordinator),
            428,
            "precondition_required",
        )
        stale = {**coordinator, "If-Match": '"report-0-0"'}
        assert_error(
            await anon_client.put(report_url(), json=SECTIONS, headers=stale),
            412,
            "precondition_failed",
        )
        fresh = {**coordinator, "If-Match": created.headers["ETag"]}
        changed = await anon_client.put(
            report_url(), json={**SECTIONS, "risks": "Baru"}, headers=fresh
        )
        assert changed.status_code == 200, changed.text
        assert (changed.json()["risks"], changed.json()["version"]) == ("Baru", 2)
        # The same content again changes nothing.
        same = await anon_client.put(
            report_url(),
            json={**SECTIONS, "risks": "Baru"},
            headers={**coordinator, "If-Match": changed.headers["ETag"]},
        )
        assert same.json()["version"] == 2
        assert [e["action"] for e in same.json()["history"]] == ["written", "written"]

    @pytest.mark.parametrize(
        "body",
        [
            {"situation": 5},
            {"situation": ["a"]},
            {"situation": "x" * 20_001},
            {"signatory": {"name": "A", "nip": "123", "position": "B"}},
            {"signatory": {"name": "A", "nip": "19700101199003100X", "position": "B"}},
            {"signatory": {"name": "A" * 201, "nip": "", "position": "B"}},
            {"signatory": "Andi"},
            {"unknown": "x"},
            {"situation": "bad\x00text"},
        ],
    )
    async def test_bad_input(
        self, anon_client: httpx.AsyncClient, chain: Chain, login_as: LoginAs, body: Any
    ) -> None:
        coordinator = await login_as(chain.coordinator)
        response = await anon_client.put(report_url(), json=body, headers=coordinator)
        assert_error(response, 422, "invalid_input")

    async def test_who_writes(
        self, anon_client: httpx.AsyncClient, chain: Chain, login_as: LoginAs
    ) -> None:
        world = chain.world
        for user in (world.verifier, world.operator, world.viewer, chain.province_coordinator):
            response = await anon_client.put(
                report_url(), json=SECTIONS, headers=await login_as(user)
            )
            # The province's coordinator does not see its cities' reports: 404.
            expected = 404 if user is chain.province_coordinator else 403
            assert response.status_code == expected, (user.role, response.text)
        # An administrator over the Pemda may (a Kesbangpol without a coordinator yet).
        admin = await anon_client.put(
            report_url(), json=SECTIONS, headers=await login_as(chain.province_admin)
        )
        assert admin.status_code == 201, admin.text

    async def test_out_of_scope_is_404(
        self, anon_client: httpx.AsyncClient, chain: Chain, login_as: LoginAs
    ) -> None:
        foreign = await login_as(chain.foreign_coordinator)
        assert_error(await anon_client.get(report_url(), headers=foreign), 404, "report_not_found")
        assert_error(
            await anon_client.put(report_url(), json=SECTIONS, headers=foreign),
            404,
            "report_not_found",
        )
        for action in ("submit", "accept"):
            assert_error(await act(anon_client, foreign, action), 404, "report_not_found")
        assert_error(
            await act(anon_client, foreign, "return", reason=REASON), 404, "report_not_found"
        )
        operator = await login_as(chain.world.foreign_operator)
        assert_error(await anon_client.get(report_url(), headers=operator), 404, "report_not_found")
        listed = await anon_client.get(f"{report_url()[: -len('/64.72/2023-Q4')]}", headers=foreign)
        assert listed.json()["total"] == 0

    async def test_unknown_period_is_404(
        self, anon_client: httpx.AsyncClient, chain: Chain, login_as: LoginAs
    ) -> None:
        response = await anon_client.get(
            report_url(period="2099-Q1"), headers=await login_as(chain.coordinator)
        )
        assert_error(response, 404, "period_not_found")


class TestSubmit:
    async def test_needs_every_answer_and_names_the_missing(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        chain: Chain,
        login_as: LoginAs,
    ) -> None:
        coordinator = await login_as(chain.coordinator)
        # Not written at all: its sections are missing.
        error = assert_error(
            await act(anon_client, coordinator, "submit"), 422, "report_incomplete"
        )
        assert {"field": "situation", "message": "required"} in error["details"]
        await answer_all(session, chain.world.period, chain.world.city, skip=("Y.01", "B.01"))
        assert (await write(anon_client, coordinator)).status_code == 201
        error = assert_error(
            await act(anon_client, coordinator, "submit"), 409, "answers_incomplete"
        )
        assert [(d["indicator"], d["status"]) for d in error["details"]] == [
            ("B.01", None),
            ("Y.01", None),
        ]
        assert all(d["agency"] and d["indicator_name"] for d in error["details"])

    async def test_receipt_late_flag_and_resubmission(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        chain: Chain,
        login_as: LoginAs,
    ) -> None:
        world = chain.world
        world.period.deadline = date(2023, 12, 31)  # long past: late
        await session.flush()
        coordinator = await login_as(chain.coordinator)
        verifier = await login_as(world.verifier)
        first = await submitted_city(anon_client, session, chain, coordinator)
        assert first["receipt_number"] == "TT/64.72/2023-Q4/0001"
        assert first["late"] is True and first["state"] == "submitted"
        assert first["submitted_by"] == chain.coordinator.username
        assert_error(await act(anon_client, coordinator, "submit"), 409, "invalid_state")
        assert_error(await act(anon_client, verifier, "return"), 422, "invalid_input")
        assert_error(
            await act(anon_client, verifier, "return", reason="terlalu pendek"),
            422,
            "invalid_input",
        )
        returned = await act(anon_client, verifier, "return", reason=REASON)
        assert returned.status_code == 200, returned.text
        assert (returned.json()["state"], returned.json()["return_reason"]) == (
            "returned",
            REASON,
        )
        world.period.deadline = date(2030, 1, 10)
        await session.flush()
        assert (await write(anon_client, coordinator, risks="Diperbaiki")).status_code == 200
        again = await act(anon_client, coordinator, "submit")
        assert again.status_code == 200, again.text
        # The first submission decided both for good.
        assert again.json()["receipt_number"] == first["receipt_number"]
        assert again.json()["late"] is True
        assert [e["action"] for e in again.json()["history"]] == [
            "written",
            "submit",
            "return",
            "written",
            "submit",
        ]

    async def test_not_late_before_the_cutoff_and_closed_period(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        chain: Chain,
        login_as: LoginAs,
    ) -> None:
        coordinator = await login_as(chain.coordinator)
        body = await submitted_city(anon_client, session, chain, coordinator)
        assert body["late"] is False
        closed = await anon_client.put(
            report_url(period="2023-Q3"), json=SECTIONS, headers=coordinator
        )
        assert_error(closed, 409, "period_not_open")


class TestReview:
    async def test_accept_by_the_province_only(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        chain: Chain,
        login_as: LoginAs,
    ) -> None:
        coordinator = await login_as(chain.coordinator)
        await submitted_city(anon_client, session, chain, coordinator)
        assert_error(await act(anon_client, coordinator, "accept"), 403, "forbidden")
        assert_error(
            await act(anon_client, await login_as(chain.national_verifier), "accept"),
            403,
            "not_one_level_up",
        )
        assert_error(
            await act(anon_client, await login_as(chain.world.viewer), "accept"), 403, "forbidden"
        )
        accepted = await act(anon_client, await login_as(chain.world.verifier), "accept")
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["accepted_by"] == chain.world.verifier.username
        assert_error(
            await act(anon_client, await login_as(chain.world.verifier), "accept"),
            409,
            "invalid_state",
        )
        # Written no more while accepted.
        assert_error(await write(anon_client, coordinator), 409, "invalid_state")

    async def test_accept_needs_the_answers_still_sent(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        chain: Chain,
        login_as: LoginAs,
    ) -> None:
        from siaga.models import SubmissionStatus

        coordinator = await login_as(chain.coordinator)
        await submitted_city(anon_client, session, chain, coordinator)
        await answer_all(session, chain.world.period, chain.world.city, SubmissionStatus.RETURNED)
        error = assert_error(
            await act(anon_client, await login_as(chain.world.verifier), "accept"),
            409,
            "answers_incomplete",
        )
        assert len(error["details"]) == 6

    async def test_the_whole_chain_to_the_ministry(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        chain: Chain,
        login_as: LoginAs,
    ) -> None:
        world = chain.world
        province_coordinator = await login_as(chain.province_coordinator)
        province_verifier = await login_as(world.verifier)
        ministry = await login_as(chain.national_verifier)
        await answer_all(session, world.period, world.province)
        assert (await write(anon_client, province_coordinator, region="64")).status_code == 201
        error = assert_error(
            await act(anon_client, province_coordinator, "submit", region="64"),
            409,
            "reports_pending",
        )
        assert [d["region"] for d in error["details"]] == ["64.72"]
        await submitted_city(anon_client, session, chain, await login_as(chain.coordinator))
        assert (await act(anon_client, province_verifier, "accept")).status_code == 200
        submitted = await act(anon_client, province_coordinator, "submit", region="64")
        assert submitted.status_code == 200, submitted.text
        assert submitted.json()["receipt_number"] == "TT/64/2023-Q4/0002"
        # The province does not accept its own report; the Ministry does.
        assert_error(
            await act(anon_client, province_verifier, "accept", region="64"), 403, "own_region"
        )
        assert (await act(anon_client, ministry, "accept", region="64")).status_code == 200
        # The city's acceptance stands while the province's is accepted.
        assert_error(
            await act(anon_client, province_verifier, "unaccept", reason=REASON),
            409,
            "parent_report_accepted",
        )
        assert_error(
            await act(anon_client, ministry, "unaccept", region="64"), 422, "invalid_input"
        )
        withdrawn = await act(anon_client, ministry, "unaccept", region="64", reason=REASON)
        assert withdrawn.status_code == 200, withdrawn.text
        assert (withdrawn.json()["state"], withdrawn.json()["unaccept_reason"]) == (
            "submitted",
            REASON,
        )
        city = await act(anon_client, province_verifier, "unaccept", reason=REASON)
        assert city.json()["state"] == "submitted"
        listed = await anon_client.get(
            report_url()[: -len("/64.72/2023-Q4")],
            params={"period": "2023-Q4", "state": "submitted"},
            headers=ministry,
        )
        assert [r["region"] for r in listed.json()["items"]] == ["64", "64.72"]
        # Each Pemda's times read on its own clock (Kalimantan Timur: WITA), given with the
        # list, so a client needs no lookup per row.
        assert [r["time_zone"] for r in listed.json()["items"]] == ["Asia/Makassar"] * 2
        assert withdrawn.json()["time_zone"] == "Asia/Makassar"
        actions = (
            await session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.entity_type == "report")
                .order_by(AuditEvent.id)
            )
        ).all()
        # The refusal of the province's own report is on record too.
        assert actions.count("authz.denied") == 1
        assert [a for a in actions if a != "authz.denied"] == [
            "report.update",
            "report.update",
            "report.submit",
            "report.accept",
            "report.submit",
            "report.accept",
            "report.unaccept",
            "report.unaccept",
        ]
