"""Who sees which incident: a Pemda its own, the province its regencies' and cities', the
Ministry every province's own and what was escalated to it (all on request); outside the
scope an incident answers 404, in lists, reads, writes, files, counts and exports."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest

from tests.helpers import assert_error
from tests.incidents.conftest import INCIDENTS, LoginAs, World, escalate, file, step, url


@dataclass
class Five:
    city: str  # 64.72, with the Pemda
    escalated: str  # 64.72, escalated to the Ministry
    province: str  # the province's own (64)
    regency: str  # 64.01
    foreign: str  # 63.71


@pytest.fixture
async def five(anon_client: httpx.AsyncClient, world: World, login_as: LoginAs) -> Five:
    coordinator = await login_as(world.coordinator)
    city = (await file(anon_client, coordinator))["number"]
    escalated = (await file(anon_client, coordinator, severity="kritis"))["number"]
    assert (await escalate(anon_client, coordinator, escalated)).status_code == 200
    verifier = await login_as(world.verifier)
    assert (await escalate(anon_client, verifier, escalated)).status_code == 200
    province = await file(anon_client, await login_as(world.province_coordinator), "64")
    regency = await file(anon_client, await login_as(world.regency_coordinator), "64.01")
    foreign = await file(anon_client, await login_as(world.foreign_coordinator), "63.71")
    return Five(city, escalated, province["number"], regency["number"], foreign["number"])


ALL = {"city", "escalated", "province", "regency", "foreign"}
KALTIM = {"city", "escalated", "province", "regency"}
SEES = {
    "coordinator": {"city", "escalated"},
    "operator": {"city", "escalated"},
    "bpkad_operator": {"city", "escalated"},
    "regency_coordinator": {"regency"},
    "province_coordinator": {"province"},
    "verifier": KALTIM,
    "viewer": KALTIM,
    "province_admin": KALTIM,
    # The Ministry: every province's own and what was escalated to it.
    "national_verifier": {"escalated", "province"},
    "national_admin": {"escalated", "province"},
    "national_viewer": {"escalated", "province"},
    "foreign_coordinator": {"foreign"},
}


@pytest.mark.parametrize("who", sorted(SEES))
async def test_list_and_read_in_scope(
    anon_client: httpx.AsyncClient, world: World, login_as: LoginAs, five: Five, who: str
) -> None:
    headers = await login_as(getattr(world, who))
    numbers = {name: getattr(five, name) for name in ALL}
    listed = await anon_client.get(INCIDENTS, headers=headers)
    assert listed.status_code == 200
    assert {i["number"] for i in listed.json()["items"]} == {numbers[n] for n in SEES[who]}
    for name, number in numbers.items():
        response = await anon_client.get(url(number), headers=headers)
        if name in SEES[who]:
            assert response.status_code == 200, (who, name)
        else:
            assert_error(response, 404, "incident_not_found")
    summary = (await anon_client.get(f"{INCIDENTS}/summary", headers=headers)).json()
    assert summary["total"] == len(SEES[who])


@pytest.mark.parametrize("who", ["national_verifier", "national_viewer", "national_admin"])
async def test_the_ministry_sees_all_on_request(
    anon_client: httpx.AsyncClient, world: World, login_as: LoginAs, five: Five, who: str
) -> None:
    headers = await login_as(getattr(world, who))
    listed = await anon_client.get(INCIDENTS, params={"all": "true"}, headers=headers)
    assert listed.json()["total"] == 5
    assert (await anon_client.get(url(five.city), headers=headers)).status_code == 404
    shown = await anon_client.get(url(five.city), params={"all": "true"}, headers=headers)
    assert shown.status_code == 200
    summary = await anon_client.get(f"{INCIDENTS}/summary?all=true", headers=headers)
    assert summary.json()["total"] == 5


async def test_all_widens_nothing_for_a_province(
    anon_client: httpx.AsyncClient, world: World, login_as: LoginAs, five: Five
) -> None:
    headers = await login_as(world.verifier)
    listed = await anon_client.get(INCIDENTS, params={"all": "true"}, headers=headers)
    assert listed.json()["total"] == 4
    assert (
        await anon_client.get(url(five.foreign), params={"all": "true"}, headers=headers)
    ).status_code == 404


async def test_writes_outside_scope_answer_404(
    anon_client: httpx.AsyncClient, world: World, login_as: LoginAs, five: Five
) -> None:
    foreign = await login_as(world.foreign_coordinator)
    assert_error(
        await step(anon_client, foreign, five.city, "acknowledged"), 404, "incident_not_found"
    )
    assert_error(await escalate(anon_client, foreign, five.city), 404, "incident_not_found")
    regency = await login_as(world.regency_coordinator)
    assert_error(await step(anon_client, regency, five.city, None), 404, "incident_not_found")


async def test_readers_in_scope_may_not_act(
    anon_client: httpx.AsyncClient, world: World, login_as: LoginAs, five: Five
) -> None:
    for who in (world.viewer, world.bpkad_operator, world.national_viewer):
        headers = await login_as(who)
        number = five.escalated if who is world.national_viewer else five.city
        assert_error(await step(anon_client, headers, number, "acknowledged"), 403, "forbidden")
        assert_error(await escalate(anon_client, headers, number), 403, "forbidden")
        shown = (await anon_client.get(url(number), headers=headers)).json()
        assert shown["allowed"] == {
            "states": [], "note": False, "escalate": False, "escalate_to": None, "files": False,
        }  # fmt: skip


async def test_the_ministry_may_act_on_any_incident(
    anon_client: httpx.AsyncClient, world: World, login_as: LoginAs, five: Five
) -> None:
    national = await login_as(world.national_verifier)
    response = await step(anon_client, national, five.regency, "acknowledged")
    assert response.status_code == 200, response.text


async def test_filters(
    anon_client: httpx.AsyncClient, world: World, login_as: LoginAs, five: Five
) -> None:
    headers = await login_as(world.verifier)

    async def numbers(**params: str | list[str]) -> set[str]:
        response = await anon_client.get(INCIDENTS, params=params, headers=headers)
        assert response.status_code == 200, response.text
        return {i["number"] for i in response.json()["items"]}

    assert await numbers(region="64.72") == {five.city, five.escalated}
    assert await numbers(severity="kritis") == {five.escalated}
    assert await numbers(severity=["kritis", "tinggi"]) == {
        five.city, five.escalated, five.province, five.regency,
    }  # fmt: skip
    assert await numbers(category="bencana") == set()
    assert await numbers(state="reported", region="64.01") == {five.regency}
    today = (await anon_client.get(url(five.city), headers=headers)).json()["occurred_on"]
    assert len(await numbers(since=today, until=today)) >= 1
    assert await numbers(since="2099-01-01") == set()
    assert await numbers(until="2000-01-01") == set()
    assert_error(
        await anon_client.get(INCIDENTS, params={"severity": "darurat"}, headers=headers),
        422,
        "invalid_input",
    )
