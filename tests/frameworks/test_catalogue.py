"""Framework versions (issue 18 item 3): drafts created, edited, copied and published by
national administrators only, audited; a published version never changes; publishing
refuses a draft with every problem at once, each naming its path."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import Role, User
from tests.auth.support import audit_events
from tests.fixtures.factories import (
    create_agency_type,
    create_framework,
    create_region,
    create_user,
)
from tests.helpers import API, assert_error

LoginAs = Callable[[User], Awaitable[dict[str, str]]]


def _indicator(code: str, **changes: Any) -> dict[str, Any]:
    indicator: dict[str, Any] = {
        "code": code,
        "name": f"Indikator {code}",
        "guidance": "Petunjuk",
        "answer_type": "level",
        "target": None,
        "weight": 1,
        "agency_type": "kesbangpol",
        "levels": ["province", "regency", "city"],
        "evidence_required": True,
        "evidence_guidance": "Wajib: SK",
    }
    return indicator | changes


def _content(**changes: Any) -> dict[str, Any]:
    content: dict[str, Any] = {
        "name": "Kerangka 2029",
        "description": "Uji",
        "dimensions": [
            {
                "code": "K1",
                "name": "Kelembagaan",
                "weight": 15,
                "indicators": [_indicator("K1.01"), _indicator("K1.02")],
            },
            {
                "code": "K2",
                "name": "Pendanaan",
                "weight": 25,
                "indicators": [
                    _indicator("K2.01", answer_type="count", target=3, levels=["regency"])
                ],
            },
        ],
        "thresholds": [
            {"category": "siap", "label": "Siap", "label_en": "Ready", "min_score": 80},
            {"category": "belum_siap", "label": "Belum Siap", "min_score": 0},
        ],
    }
    return content | changes


@pytest.fixture
async def draft(client: httpx.AsyncClient, session: AsyncSession) -> str:
    await create_agency_type(session, code="kesbangpol")
    response = await client.post(f"{API}/frameworks", json={"code": "F2029", "name": "Baru"})
    assert response.status_code == 201, response.text
    return "F2029"


async def test_create_edit_publish(
    client: httpx.AsyncClient, session: AsyncSession, draft: str
) -> None:
    body = (await client.get(f"{API}/frameworks/{draft}")).json()
    assert (body["status"], body["published_at"], body["copied_from"]) == ("draft", None, None)
    assert body["dimension_count"] == 0

    response = await client.put(f"{API}/frameworks/{draft}", json=_content())
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["dimension_count"], body["indicator_count"]) == (
        "Kerangka 2029",
        2,
        3,
    )
    assert body["dimensions"][1]["indicators"][0]["levels"] == ["regency"]
    assert [t["category"] for t in body["thresholds"]] == ["siap", "belum_siap"]
    # Replaced again: the whole content, nothing of the earlier one stays.
    smaller = _content()
    smaller["dimensions"] = smaller["dimensions"][:1]
    body = (await client.put(f"{API}/frameworks/{draft}", json=smaller)).json()
    assert body["indicator_count"] == 2

    response = await client.post(f"{API}/frameworks/{draft}/publish")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "published"
    assert response.json()["published_at"]

    # A published version never changes.
    assert_error(
        await client.put(f"{API}/frameworks/{draft}", json=_content()), 409, "framework_published"
    )
    assert_error(await client.post(f"{API}/frameworks/{draft}/publish"), 409, "framework_published")
    listed = (await client.get(f"{API}/frameworks")).json()["items"]
    assert [(f["code"], f["status"]) for f in listed] == [(draft, "published")]

    (create,) = await audit_events(session, action="framework.create")
    assert create.after is not None and create.after["status"] == "draft"
    updates = await audit_events(session, action="framework.update")
    assert len(updates) == 2
    assert updates[0].before is not None and updates[0].before["dimensions"] == []
    assert updates[1].after is not None and len(updates[1].after["dimensions"]) == 1
    (publish,) = await audit_events(session, action="framework.publish")
    assert publish.before == {"status": "draft"}
    assert publish.after is not None and publish.after["status"] == "published"


async def test_copy_has_the_same_content(client: httpx.AsyncClient, session: AsyncSession) -> None:
    kesbangpol = await create_agency_type(session, code="kesbangpol")
    await create_framework(session, code="PEMILU2024", agency_type=kesbangpol)
    original = (await client.get(f"{API}/frameworks/PEMILU2024")).json()
    response = await client.post(f"{API}/frameworks/PEMILU2024/copy", json={"code": "PEMILU2029"})
    assert response.status_code == 201, response.text
    copy = response.json()
    assert (copy["status"], copy["copied_from"], copy["name"]) == (
        "draft",
        "PEMILU2024",
        original["name"],
    )
    for key in ("thresholds", "level_rubric"):
        assert copy[key] == original[key]

    def without_position(dimensions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in d.items() if k != "position"} for d in dimensions]

    # The same order (positions are renumbered from 0).
    assert without_position(copy["dimensions"]) == without_position(original["dimensions"])
    assert_error(
        await client.post(f"{API}/frameworks/PEMILU2024/copy", json={"code": "PEMILU2029"}),
        409,
        "framework_exists",
    )
    assert_error(
        await client.post(f"{API}/frameworks/NOPE/copy", json={"code": "X1"}),
        404,
        "framework_not_found",
    )
    (event,) = await audit_events(session, action="framework.copy")
    assert event.after is not None and event.after["copied_from"] == "PEMILU2024"


async def test_every_problem_at_once_with_its_path(client: httpx.AsyncClient, draft: str) -> None:
    content = _content()
    dimensions = content["dimensions"]
    dimensions[1]["weight"] = 0
    dimensions[0]["indicators"][1] = _indicator("K1.01", weight=-1, levels=[], agency_type="nope")
    dimensions[1]["indicators"][0]["target"] = None
    content["thresholds"][1]["min_score"] = 90
    error = assert_error(
        await client.put(f"{API}/frameworks/{draft}", json=content), 422, "invalid_input"
    )
    found = {(d["field"], d["code"]) for d in error["details"]}
    assert found == {
        ("dimensions[1].weight", "invalid_weight"),
        ("dimensions[0].indicators[1].code", "duplicate_code"),
        ("dimensions[0].indicators[1].weight", "invalid_weight"),
        ("dimensions[0].indicators[1].levels", "invalid_levels"),
        ("dimensions[0].indicators[1].agency_type", "unknown_agency_type"),
        ("dimensions[1].indicators[0].target", "invalid_target"),
        ("thresholds[1].min_score", "thresholds_unordered"),
    }


async def test_publish_refuses_an_incomplete_draft(client: httpx.AsyncClient, draft: str) -> None:
    error = assert_error(
        await client.post(f"{API}/frameworks/{draft}/publish"), 422, "invalid_input"
    )
    assert {d["field"] for d in error["details"]} == {"dimensions", "thresholds"}


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"code": "", "name": "X"},
        {"code": "a b", "name": "X"},
        {"code": "X" * 41, "name": "X"},
        {"code": "X1", "name": ""},
        {"code": 5, "name": "X"},
        {"code": "X1", "name": "X", "extra": 1},
    ],
)
async def test_create_bad_input(client: httpx.AsyncClient, body: dict[str, Any]) -> None:
    assert (await client.post(f"{API}/frameworks", json=body)).status_code == 422


async def test_put_bad_types_and_unknown(client: httpx.AsyncClient, draft: str) -> None:
    bad = _content()
    bad["dimensions"][0]["weight"] = "berat"
    assert (await client.put(f"{API}/frameworks/{draft}", json=bad)).status_code == 422
    assert_error(
        await client.put(f"{API}/frameworks/NOPE", json=_content()), 404, "framework_not_found"
    )
    assert_error(await client.post(f"{API}/frameworks/NOPE/publish"), 404, "framework_not_found")


async def test_who_may(
    client: httpx.AsyncClient,
    anon_client: httpx.AsyncClient,
    session: AsyncSession,
    login_as: LoginAs,
    draft: str,
) -> None:
    province = await create_region(session, code="64")
    provincial = await create_user(session, role=Role.ADMIN, region=province)
    viewer = await create_user(session, role=Role.VIEWER)
    for method, path, body in (
        ("POST", "/frameworks", {"code": "X1", "name": "X"}),
        ("PUT", f"/frameworks/{draft}", _content()),
        ("POST", f"/frameworks/{draft}/copy", {"code": "X2"}),
        ("POST", f"/frameworks/{draft}/publish", None),
    ):
        response = await anon_client.request(method, f"{API}{path}", json=body)
        assert response.status_code == 401, path
        for user in (provincial, viewer):
            response = await anon_client.request(
                method, f"{API}{path}", json=body, headers=await login_as(user)
            )
            assert response.status_code == 403, (path, user.username)
    assert (await client.get(f"{API}/frameworks/{draft}")).json()["status"] == "draft"
