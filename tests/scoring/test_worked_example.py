"""The worked example of docs/scoring.md, through the SQL (via the API) and the reference."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.scoring.reference import (
    AnswerDef,
    DimensionDef,
    FrameworkDef,
    IndicatorDef,
    Level,
    RegionDef,
    View,
    score_all,
)
from tests.helpers import API
from tests.scoring.builders import write_world

ALL: frozenset[Level] = frozenset({"province", "regency", "city"})

FRAMEWORK = FrameworkDef(
    dimensions=(DimensionDef("A", 40.0), DimensionDef("B", 60.0)),
    indicators=(
        IndicatorDef("a1", "A", "level", 2.0, ALL, "kesbangpol"),
        IndicatorDef("a2", "A", "yes_no", 1.0, ALL, "kesbangpol"),
        IndicatorDef("b1", "B", "count", 1.0, ALL, "bpkad", target=10.0),
        IndicatorDef("b2", "B", "percent", 1.0, ALL, "bpkad"),
    ),
)
REGION = RegionDef("64", "province")
ANSWERS = (
    AnswerDef("64", "a1", "verified", 3.0, first_submitted=True),
    AnswerDef("64", "a2", "submitted", 1.0, first_submitted=True),
    AnswerDef("64", "b1", "verified", 4.0, first_submitted=True),
    AnswerDef("64", "b2", "draft", 90.0),
)

# The example's numbers as exact fractions.
EXPECTED: dict[str, dict[str, Any]] = {
    "official": {
        "readiness": Fraction(32),
        "category": "belum_siap",
        "dimensions": {"A": Fraction(50), "B": Fraction(20)},
        "s": {"a1": 75, "a2": 0, "b1": 40, "b2": 0},
    },
    "provisional": {
        "readiness": Fraction(136, 3),
        "category": "kurang_siap",
        "dimensions": {"A": Fraction(250, 3), "B": Fraction(20)},
        "s": {"a1": 75, "a2": 100, "b1": 40, "b2": 0},
    },
}
COMPLETENESS = Fraction(75)
VERIFICATION_RATE = Fraction(200, 3)
TOL = 1e-9


def close(actual: float | None, expected: Fraction) -> bool:
    return actual is not None and abs(actual - float(expected)) <= TOL


@pytest.mark.parametrize("view", ["official", "provisional"])
def test_reference_scores_the_worked_example(view: View) -> None:
    expected = EXPECTED[view]
    result = score_all(FRAMEWORK, [REGION], ANSWERS, view)["64"]
    assert result.exact_readiness == expected["readiness"]
    assert close(result.readiness, expected["readiness"])
    assert result.category == expected["category"]
    for code, d in expected["dimensions"].items():
        assert close(result.dimension_scores[code], d), code
    assert result.indicator_scores == pytest.approx(expected["s"], abs=TOL)
    assert close(result.completeness, COMPLETENESS)
    assert close(result.verification_rate, VERIFICATION_RATE)
    assert result.timeliness == 100.0
    assert result.rank == 1


@pytest.mark.parametrize("view", ["official", "provisional"])
async def test_sql_scores_the_worked_example(
    client: httpx.AsyncClient, session: AsyncSession, view: View
) -> None:
    await write_world(session, FRAMEWORK, [REGION], ANSWERS, framework_code="CONTOH")
    response = await client.get(f"{API}/scores/64/2023-Q4", params={"view": view})
    assert response.status_code == 200, response.text
    body = response.json()
    expected = EXPECTED[view]
    score = body["score"]
    assert close(score["readiness"], expected["readiness"]), score["readiness"]
    assert score["category"] == expected["category"]
    assert score["dimensions"].keys() == {"A", "B"}
    for code, d in expected["dimensions"].items():
        assert close(score["dimensions"][code], d), (code, score["dimensions"][code])
    assert close(score["completeness"], COMPLETENESS)
    assert close(score["verification_rate"], VERIFICATION_RATE)
    assert score["timeliness"] == 100.0
    assert (score["applicable"], score["answered"], score["verified"]) == (4, 3, 2)
    assert (score["submitted"], score["draft"], score["returned"]) == (1, 1, 0)
    assert score["rank"] == 1

    dimensions = {d["dimension"]: d for d in body["dimensions"]}
    assert [d["dimension"] for d in body["dimensions"]] == ["A", "B"]
    assert (dimensions["A"]["weight"], dimensions["B"]["weight"]) == (40.0, 60.0)
    for code, d in expected["dimensions"].items():
        assert close(dimensions[code]["score"], d)
    leaves = {i["indicator"]: i for d in body["dimensions"] for i in d["indicators"]}
    for code, s in expected["s"].items():
        assert close(leaves[code]["score"], Fraction(s)), code

    # The same numbers from the reference, to the same tolerance.
    ref = score_all(FRAMEWORK, [REGION], ANSWERS, view)["64"]
    assert abs(ref.readiness - score["readiness"]) <= TOL
    assert ref.category == score["category"]
