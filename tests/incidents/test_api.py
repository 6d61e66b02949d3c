"""Quick incident reports over HTTP: filing (number, state, zone), every kind of bad input
refused with nothing stored, the steps with their notes, 409 for any other step,
escalation up to the Ministry, overdue, and the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import AuditEvent, Incident, IncidentEvent
from tests.helpers import assert_error
from tests.incidents.conftest import (
    INCIDENTS,
    LoginAs,
    World,
    body,
    escalate,
    file,
    step,
    url,
)


async def _count(session: AsyncSession) -> tuple[int, int, int]:
    incidents = await session.scalar(select(func.count()).select_from(Incident))
    events = await session.scalar(select(func.count()).select_from(IncidentEvent))
    audits = await session.scalar(select(func.count()).where(AuditEvent.entity_type == "incident"))
    return incidents or 0, events or 0, audits or 0


class TestFiling:
    async def test_coordinator_files_and_gets_a_number(
        self, anon_client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        headers = await login_as(world.coordinator)
        response = await anon_client.post(INCIDENTS, json=body(), headers=headers)
        assert response.status_code == 201, response.text
        created = response.json()
        year = datetime.now(UTC).astimezone().year
        assert created["number"].startswith("LC/64.72/")
        assert created["number"] in (f"LC/64.72/{year}/0001", f"LC/64.72/{year + 1}/0001")
        assert response.headers["Location"].endswith(created["number"])
        assert (created["state"], created["level"], created["overdue"]) == (
            "reported",
            "pemda",
            False,
        )
        assert created["time_zone"] == "Asia/Makassar"
        assert created["location"] == {
            "district": "Samarinda Ulu",
            "village": "Air Hitam",
            "lat": -0.4948,
            "lon": 117.1436,
        }
        assert [e["kind"] for e in created["timeline"]] == ["reported"]
        assert created["reported_by"] == "koordinator.64.72"
        # The filer handles its own incident at first.
        assert created["allowed"] == {
            "states": ["acknowledged"],
            "note": True,
            "escalate": True,
            "escalate_to": "province",
            "files": True,
        }
        second = await file(anon_client, headers)
        assert second["number"].endswith("/0002")

    async def test_kesbangpol_operator_files_others_do_not(
        self, anon_client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        await file(anon_client, await login_as(world.operator))
        for refused in (world.bpkad_operator, world.verifier, world.viewer, world.national_viewer):
            response = await anon_client.post(
                INCIDENTS, json=body(), headers=await login_as(refused)
            )
            assert_error(response, 403, "forbidden")

    async def test_number_counts_per_region(
        self, anon_client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        city = await file(anon_client, await login_as(world.coordinator))
        regency = await file(anon_client, await login_as(world.regency_coordinator), "64.01")
        admin = await file(anon_client, await login_as(world.province_admin), "64.01")
        assert city["number"].endswith("/0001")
        assert regency["number"].startswith("LC/64.01/") and regency["number"].endswith("/0001")
        assert admin["number"].endswith("/0002")

    async def test_occurred_on_is_the_regions_day(
        self, anon_client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        # 20:30 UTC is 04:30 the next morning in WITA.
        occurred = datetime(2024, 2, 13, 20, 30, tzinfo=UTC)
        created = await file(
            anon_client, await login_as(world.coordinator), occurred_at=occurred.isoformat()
        )
        assert created["occurred_on"] == "2024-02-14"

    async def test_read_by_encoded_number(
        self, anon_client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        headers = await login_as(world.coordinator)
        created = await file(anon_client, headers)
        encoded = created["number"].replace("/", "%2F")
        for path in (url(created["number"]), f"{INCIDENTS}/{encoded}"):
            response = await anon_client.get(path, headers=headers)
            assert response.status_code == 200, path
            assert response.json()["number"] == created["number"]
        assert_error(
            await anon_client.get(url("LC/64.72/2020/9999"), headers=headers),
            404,
            "incident_not_found",
        )


def _future() -> str:
    return (datetime.now(UTC) + timedelta(hours=1)).isoformat()


BAD_INPUT: list[tuple[str, dict[str, Any], str, str]] = [
    ("unknown category", {"category": "kerusuhan"}, "invalid_input", "category"),
    ("unknown severity", {"severity": "darurat"}, "invalid_input", "severity"),
    ("empty title", {"title": "   "}, "invalid_input", "title"),
    ("time in the future", {"occurred_at": "FUTURE"}, "occurred_in_future", "occurred_at"),
    (
        "naive time",
        {"occurred_at": "2024-02-14T10:00:00"},
        "invalid_input",
        "occurred_at",
    ),
    (
        "point in the Pacific",
        {"location": {"district": "Luar", "lat": 1.36, "lon": 150.0}},
        "location_outside_indonesia",
        "location.lon",
    ),
    (
        "point in the Philippines' latitude",
        {"location": {"district": "Luar", "lat": 12.0, "lon": 117.0}},
        "location_outside_indonesia",
        "location.lat",
    ),
    (
        # Inside Indonesia's box, far from Samarinda's outline.
        "point in Singapore",
        {"location": {"district": "Changi", "lat": 1.36, "lon": 103.99}},
        "location_outside_region",
        "location.lat",
    ),
    (
        "half a point",
        {"location": {"district": "Samarinda Ulu", "lat": -0.5}},
        "location_incomplete",
        "location.lon",
    ),
    ("no district", {"location": {"district": ""}}, "invalid_input", "district"),
    ("region of another Pemda", {"region": "64.01"}, "invalid_region", "region"),
    ("region of another province", {"region": "63.71"}, "invalid_region", "region"),
    ("unknown region", {"region": "64.99"}, "invalid_region", "region"),
    ("unknown field", {"casualties": 2}, "invalid_input", "casualties"),
]


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [case[1:] for case in BAD_INPUT],
    ids=[case[0] for case in BAD_INPUT],
)
async def test_bad_input_is_refused_and_nothing_stored(
    anon_client: httpx.AsyncClient,
    session: AsyncSession,
    world: World,
    login_as: LoginAs,
    overrides: dict[str, Any],
    code: str,
    field: str,
) -> None:
    if overrides.get("occurred_at") == "FUTURE":
        overrides = {**overrides, "occurred_at": _future()}
    before = await _count(session)
    response = await anon_client.post(
        INCIDENTS, json=body(**overrides), headers=await login_as(world.coordinator)
    )
    error = assert_error(response, 422, code)
    assert field in str(error["details"]), error
    assert await _count(session) == before


class TestSteps:
    async def test_the_whole_life_with_notes(
        self, anon_client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        coordinator = await login_as(world.coordinator)
        number = (await file(anon_client, coordinator))["number"]
        for state in ("acknowledged", "handling", "resolved", "closed"):
            response = await step(anon_client, coordinator, number, state)
            assert response.status_code == 200, response.text
            assert response.json()["state"] == state
        final = response.json()
        assert [(e["kind"], e["from_state"], e["state"]) for e in final["timeline"]] == [
            ("reported", None, "reported"),
            ("step", "reported", "acknowledged"),
            ("step", "acknowledged", "handling"),
            ("step", "handling", "resolved"),
            ("step", "resolved", "closed"),
        ]
        assert final["timeline"][1]["note"] == "Catatan untuk acknowledged"
        assert all(e["actor"] == "koordinator.64.72" for e in final["timeline"])
        assert final["acknowledged_at"] and final["resolved_at"] and final["closed_at"]
        assert final["acknowledged_late"] is False
        assert final["allowed"] == {
            "states": [],
            "note": False,
            "escalate": False,
            "escalate_to": None,
            "files": False,
        }
        assert_error(await step(anon_client, coordinator, number, None), 409, "invalid_state")

    @pytest.mark.parametrize(
        ("path", "target"),
        [
            ((), "handling"),
            ((), "resolved"),
            ((), "closed"),
            (("acknowledged",), "reported"),
            (("acknowledged",), "resolved"),
            (("acknowledged", "handling"), "closed"),
            (("acknowledged", "handling"), "acknowledged"),
            (("acknowledged", "handling", "resolved", "closed"), "handling"),
        ],
    )
    async def test_invalid_steps_answer_409(
        self,
        anon_client: httpx.AsyncClient,
        world: World,
        login_as: LoginAs,
        path: tuple[str, ...],
        target: str,
    ) -> None:
        coordinator = await login_as(world.coordinator)
        number = (await file(anon_client, coordinator))["number"]
        for state in path:
            assert (await step(anon_client, coordinator, number, state)).status_code == 200
        before = (await anon_client.get(url(number), headers=coordinator)).json()
        error = assert_error(
            await step(anon_client, coordinator, number, target), 409, "invalid_state"
        )
        assert error["details"][0]["state"] == (path[-1] if path else "reported")
        after = (await anon_client.get(url(number), headers=coordinator)).json()
        assert after == before

    async def test_reopen_and_note_alone(
        self, anon_client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        coordinator = await login_as(world.coordinator)
        number = (await file(anon_client, coordinator))["number"]
        for state in ("acknowledged", "handling", "resolved"):
            await step(anon_client, coordinator, number, state)
        reopened = (await step(anon_client, coordinator, number, "handling")).json()
        assert (reopened["state"], reopened["resolved_at"]) == ("handling", None)
        noted = await step(anon_client, coordinator, number, None, "Situasi kembali tenang")
        assert noted.status_code == 200
        last = noted.json()["timeline"][-1]
        assert (last["kind"], last["state"], last["note"]) == (
            "note",
            "handling",
            "Situasi kembali tenang",
        )

    async def test_a_step_needs_a_note(
        self, anon_client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        coordinator = await login_as(world.coordinator)
        number = (await file(anon_client, coordinator))["number"]
        response = await anon_client.post(
            url(number, "updates"), json={"state": "acknowledged"}, headers=coordinator
        )
        assert_error(response, 422, "invalid_input")
        response = await anon_client.post(
            url(number, "updates"),
            json={"state": "acknowledged", "note": "  "},
            headers=coordinator,
        )
        assert_error(response, 422, "invalid_input")


class TestEscalation:
    async def test_up_to_the_ministry_and_no_further(
        self, anon_client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        coordinator = await login_as(world.coordinator)
        verifier = await login_as(world.verifier)
        national = await login_as(world.national_verifier)
        number = (await file(anon_client, coordinator))["number"]
        # The province may act at once, before any escalation.
        assert (await step(anon_client, verifier, number, "acknowledged")).status_code == 200
        to_province = await escalate(anon_client, coordinator, number)
        assert to_province.status_code == 200, to_province.text
        assert (to_province.json()["level"], to_province.json()["state"]) == (
            "province",
            "acknowledged",
        )
        # The Pemda may still note, no longer step or escalate.
        assert (await step(anon_client, coordinator, number, None)).status_code == 200
        assert_error(
            await step(anon_client, coordinator, number, "handling"), 403, "escalated_above"
        )
        assert_error(await escalate(anon_client, coordinator, number), 403, "escalated_above")
        to_ministry = await escalate(anon_client, verifier, number)
        assert to_ministry.json()["level"] == "national"
        last = to_ministry.json()["timeline"][-1]
        assert (last["kind"], last["level"], last["actor"]) == (
            "escalated",
            "national",
            "verifikator.64",
        )
        assert_error(await step(anon_client, verifier, number, "handling"), 403, "escalated_above")
        assert_error(await escalate(anon_client, national, number), 409, "escalation_at_top")
        assert (await step(anon_client, national, number, "handling")).status_code == 200

    async def test_the_province_escalates_straight_to_the_ministry(
        self, anon_client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        number = (await file(anon_client, await login_as(world.coordinator)))["number"]
        verifier = await login_as(world.verifier)
        assert (await step(anon_client, verifier, number, "acknowledged")).status_code == 200
        escalated = await escalate(anon_client, verifier, number)
        assert escalated.json()["level"] == "national"
        ministry = await anon_client.get(INCIDENTS, headers=await login_as(world.national_viewer))
        assert [i["number"] for i in ministry.json()["items"]] == [number]

    async def test_a_provinces_own_incident_goes_to_the_ministry(
        self, anon_client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        own = await login_as(world.province_coordinator)
        number = (await file(anon_client, own, "64"))["number"]
        assert (await escalate(anon_client, own, number)).json()["level"] == "national"

    async def test_reason_and_state_rules(
        self, anon_client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        coordinator = await login_as(world.coordinator)
        number = (await file(anon_client, coordinator))["number"]
        assert_error(
            await escalate(anon_client, coordinator, number, "segera"), 422, "invalid_input"
        )
        for state in ("acknowledged", "handling", "resolved"):
            await step(anon_client, coordinator, number, state)
        assert_error(await escalate(anon_client, coordinator, number), 409, "invalid_state")


class TestOverdue:
    async def test_overdue_by_severity_until_acknowledged(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: World,
        login_as: LoginAs,
    ) -> None:
        coordinator = await login_as(world.coordinator)
        numbers = {}
        for severity in ("kritis", "tinggi", "sedang", "rendah"):
            numbers[severity] = (await file(anon_client, coordinator, severity=severity))["number"]
        # Filed 2 hours ago: past the kritis hour only.
        await session.execute(
            update(Incident).values(reported_at=datetime.now(UTC) - timedelta(hours=2))
        )
        listed = (await anon_client.get(INCIDENTS, headers=coordinator)).json()["items"]
        assert {i["severity"]: i["overdue"] for i in listed} == {
            "kritis": True,
            "tinggi": False,
            "sedang": False,
            "rendah": False,
        }
        only = await anon_client.get(INCIDENTS, params={"overdue": "true"}, headers=coordinator)
        assert [i["number"] for i in only.json()["items"]] == [numbers["kritis"]]
        acknowledged = (
            await step(anon_client, coordinator, numbers["kritis"], "acknowledged")
        ).json()
        assert (acknowledged["overdue"], acknowledged["acknowledged_late"]) == (False, True)
        again = await anon_client.get(INCIDENTS, params={"overdue": "true"}, headers=coordinator)
        assert again.json()["total"] == 0


class TestAudit:
    async def test_every_change_is_audited(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: World,
        login_as: LoginAs,
    ) -> None:
        coordinator = await login_as(world.coordinator)
        number = (await file(anon_client, coordinator, severity="kritis"))["number"]
        await step(anon_client, coordinator, number, "acknowledged")
        await escalate(anon_client, coordinator, number)
        events = (
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.entity_type == "incident", AuditEvent.entity_id == number)
                .order_by(AuditEvent.id)
            )
        ).all()
        assert [e.action for e in events] == [
            "incident.report",
            "incident.update",
            "incident.escalate",
        ]
        assert all(
            e.region_code == "64.72" and e.actor_label == "koordinator.64.72" for e in events
        )
        assert events[0].before is None and events[0].after is not None
        assert events[0].after["severity"] == "kritis"
        assert events[1].before is not None and events[1].before["state"] == "reported"
        assert events[1].after is not None and events[1].after["state"] == "acknowledged"
        assert events[2].after is not None and events[2].after["level"] == "province"
        assert events[2].after["note"].startswith("Massa bertambah")

    async def test_escalated_above_refusal_is_on_record(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: World,
        login_as: LoginAs,
    ) -> None:
        coordinator = await login_as(world.coordinator)
        number = (await file(anon_client, coordinator))["number"]
        await escalate(anon_client, coordinator, number)
        await step(anon_client, coordinator, number, "acknowledged")
        denied = (
            await session.scalars(
                select(AuditEvent).where(
                    AuditEvent.action == "authz.denied", AuditEvent.entity_id == number
                )
            )
        ).all()
        assert len(denied) == 1
