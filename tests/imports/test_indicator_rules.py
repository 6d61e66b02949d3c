"""The framework editor (PUT /frameworks/{code}) and the indicators import apply the same
rules to an indicator's own fields (frameworks/rules.py): the same values get the same
codes through both paths."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import FrameworkStatus
from tests.helpers import API
from tests.imports.conftest import World, csv_bytes, upload

HEADER = (
    "framework,dimension,code,name,answer_type,target,weight,agency_type,levels,evidence_required"
)
LETTERS = {"province": "P", "regency": "R", "city": "C"}

# (answer type, target, weight, levels)
CASES = [
    ("level", None, 1.0, ["province"]),
    ("count", None, 1.0, ["city"]),
    ("count", -2.0, 1.0, ["city"]),
    ("count", 4.0, 0.0, ["regency", "city"]),
    ("percent", 5.0, -1.0, ["province"]),
    ("yes_no", 1.0, 2.5, ["province", "regency", "city"]),
]


def _cell(value: float | None) -> str:
    return "" if value is None else repr(value)


@pytest.mark.parametrize(("answer_type", "target", "weight", "levels"), CASES)
async def test_the_editor_and_the_import_give_the_same_verdict(
    client: httpx.AsyncClient,
    session: AsyncSession,
    world: World,
    answer_type: str,
    target: float | None,
    weight: float,
    levels: list[str],
) -> None:
    world.framework.status = FrameworkStatus.DRAFT
    await session.flush()
    indicator = {
        "code": "N.01",
        "name": "Indikator baru",
        "answer_type": answer_type,
        "target": target,
        "weight": weight,
        "agency_type": "kesbangpol",
        "levels": levels,
    }
    content = {
        "name": "Kerangka uji",
        "dimensions": [{"code": "D1", "name": "Dimensi", "weight": 100, "indicators": [indicator]}],
        "thresholds": [],
    }
    put = await client.put(f"{API}/frameworks/UJI", json=content)
    editor = (
        set()
        if put.status_code == 200
        else {(d["field"].rsplit(".", 1)[1], d["code"]) for d in put.json()["error"]["details"]}
    )
    assert put.status_code in (200, 422), put.text

    row = ",".join(
        [
            "UJI",
            "D1",
            "N.02",
            "Indikator baru",
            answer_type,
            _cell(target),
            _cell(weight),
            "kesbangpol",
            "".join(LETTERS[level] for level in levels),
            "ya",
        ]
    )
    body = (await upload(client, "indicators", csv_bytes(HEADER, row))).json()
    imported = {(e["column"], e["code"]) for e in body["errors"]}
    assert imported == editor
