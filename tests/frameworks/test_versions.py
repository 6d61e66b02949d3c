"""A period keeps the version it was opened with: publishing a changed copy moves no
score of the old version's periods. And the difference between two versions."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.fixtures.factories import create_agency_type
from tests.frameworks.test_catalogue import _content, _indicator
from tests.helpers import API, assert_error
from tests.scoring.builders import write_world
from tests.scoring.test_worked_example import ANSWERS, FRAMEWORK, REGION


async def _scores(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get(f"{API}/scores/64/2023-Q4", params={"view": "official"})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_publishing_a_copy_moves_no_score(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await write_world(session, FRAMEWORK, [REGION], ANSWERS, framework_code="CONTOH")
    before = await _scores(client)

    copy = await client.post(f"{API}/frameworks/CONTOH/copy", json={"code": "CONTOH2"})
    assert copy.status_code == 201, copy.text
    content = copy.json()
    changed = {
        "name": "Contoh 2",
        "dimensions": [
            {
                "code": d["code"],
                "name": d["name"],
                "weight": d["weight"] * 3 if d["code"] == "A" else d["weight"],
                "indicators": [
                    {k: v for k, v in i.items()} | {"weight": i["weight"] + 5}
                    for i in d["indicators"][:1]
                ],
            }
            for d in content["dimensions"]
        ],
        "thresholds": [t | {"min_score": t["min_score"] / 2} for t in content["thresholds"]],
    }
    response = await client.put(f"{API}/frameworks/CONTOH2", json=changed)
    assert response.status_code == 200, response.text
    response = await client.post(f"{API}/frameworks/CONTOH2/publish")
    assert response.status_code == 200, response.text

    assert await _scores(client) == before


async def test_diff(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await create_agency_type(session, code="kesbangpol")
    await create_agency_type(session, code="bpkad")
    for code in ("V1", "V2"):
        response = await client.post(f"{API}/frameworks", json={"code": code, "name": code})
        assert response.status_code == 201
    await client.put(f"{API}/frameworks/V1", json=_content())
    second = _content()
    second["dimensions"][0]["weight"] = 20
    second["dimensions"][0]["indicators"] = [
        _indicator("K1.01", name="Nama baru", weight=2, agency_type="bpkad", levels=["city"]),
        _indicator("K1.03"),
    ]
    second["thresholds"][0]["min_score"] = 75
    response = await client.put(f"{API}/frameworks/V2", json=second)
    assert response.status_code == 200, response.text

    response = await client.get(f"{API}/frameworks/V1/diff/V2")
    assert response.status_code == 200, response.text
    diff = response.json()
    assert (diff["source"], diff["target"]) == ("V1", "V2")
    assert [i["code"] for i in diff["added"]] == ["K1.03"]
    assert [i["code"] for i in diff["removed"]] == ["K1.02"]
    (changed,) = diff["changed"]
    assert changed["code"] == "K1.01"
    assert {c["field"]: (c["before"], c["after"]) for c in changed["changes"]} == {
        "name": ("Indikator K1.01", "Nama baru"),
        "weight": (1.0, 2.0),
        "agency_type": ("kesbangpol", "bpkad"),
        "levels": (["city", "province", "regency"], ["city"]),
    }
    assert diff["dimensions"] == [{"code": "K1", "before": 15.0, "after": 20.0}]
    assert diff["thresholds"] == [{"category": "siap", "before": 80.0, "after": 75.0}]
    # A version compared with itself: nothing.
    same = (await client.get(f"{API}/frameworks/V1/diff/V1")).json()
    assert (same["added"], same["removed"], same["changed"]) == ([], [], [])
    assert_error(await client.get(f"{API}/frameworks/V1/diff/NOPE"), 404, "framework_not_found")
