"""The report's own aggregates, checked against the score service and the world's answers."""

from __future__ import annotations

from collections import defaultdict

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.security import Capability, Principal
from siaga.reports import repository
from siaga.scoring import service as scoring
from siaga.scoring.schemas import View
from tests.exports.world import World, build_world

NATIONAL = Principal(
    kind="user", id=0, label="t", capabilities=frozenset(Capability), region_code=None
)


@pytest.fixture
async def world(session: AsyncSession) -> World:
    return await build_world(session)


@pytest.mark.parametrize("view", ["official", "provisional"])
async def test_indicator_means_are_the_mean_of_each_pemdas_score(
    session: AsyncSession, world: World, view: View
) -> None:
    scores: dict[str, list[float]] = defaultdict(list)
    for region in ("64", "64.11", "64.72"):
        explanation = await scoring.explain(
            session, NATIONAL, region_code=region, period_code="2023-Q4", view=view
        )
        for dimension in explanation.dimensions:
            for indicator in dimension.indicators:
                scores[indicator.indicator].append(indicator.score)
    rows = await repository.indicator_means(
        session, view, period_id=world.written.period.id, scope_code=None, region_code="64"
    )
    assert {r.indicator for r in rows} == set(scores)
    for row in rows:
        expected = scores[row.indicator]
        assert row.pemda == len(expected) == 3
        assert row.mean == pytest.approx(sum(expected) / len(expected), abs=1e-9)
    # Lowest first within each dimension, dimensions in the framework's order.
    assert [r.dimension for r in rows] == ["D1", "D1", "D2", "D2"]
    for dimension in ("D1", "D2"):
        means = [r.mean for r in rows if r.dimension == dimension]
        assert means == sorted(means)


async def test_indicator_means_stay_inside_the_callers_scope(
    session: AsyncSession, world: World
) -> None:
    rows = await repository.indicator_means(
        session, "official", period_id=world.written.period.id, scope_code="64.72",
        region_code="64",
    )  # fmt: skip
    assert {r.pemda for r in rows} == {1}
    # 64.72 alone: L.01 = 3 (75), Y.01 verified yes (100), P.01 submitted (0), C.01 2/4 (50).
    assert {r.indicator: r.mean for r in rows} == pytest.approx(
        {"L.01": 75.0, "Y.01": 100.0, "P.01": 0.0, "C.01": 50.0}
    )


async def test_outstanding_by_agency_counts_where_answers_are_stuck(
    session: AsyncSession, world: World
) -> None:
    period_id = world.written.period.id
    rows = await repository.outstanding_by_agency(
        session, period_id=period_id, scope_code=None, region_code="64", only_region=False
    )
    got = [
        (r.agency, r.not_started, r.draft, r.returned, r.submitted,
         r.outstanding, r.applicable)
        for r in rows
    ]  # fmt: skip
    # Most behind first; offices with everything verified are left out (64, 64.72 Kesbangpol).
    assert got == [
        ("64.11.exp_kesbangpol", 0, 1, 1, 0, 2, 3),
        ("64.11.exp_bpkad", 1, 0, 0, 0, 1, 1),
        ("64.72.exp_bpkad", 0, 0, 0, 1, 1, 1),
    ]
    assert rows[0].agency_name == "Kesbangpol Kabupaten Paser"
    assert rows[0].agency_type == "Badan Kesatuan Bangsa dan Politik"
    only = await repository.outstanding_by_agency(
        session, period_id=period_id, scope_code=None, region_code="64.72", only_region=True
    )
    assert [r.agency for r in only] == ["64.72.exp_bpkad"]
    # The caller's scope bounds the subtree asked for.
    scoped = await repository.outstanding_by_agency(
        session, period_id=period_id, scope_code="64.72", region_code="64", only_region=False
    )
    assert [r.agency for r in scoped] == ["64.72.exp_bpkad"]


async def test_an_office_not_yet_registered_is_still_counted(
    session: AsyncSession, world: World
) -> None:
    await session.delete(world.written.agencies[("64.11", "exp_bpkad")])
    await session.flush()
    rows = await repository.outstanding_by_agency(
        session, period_id=world.written.period.id, scope_code=None, region_code="64.11",
        only_region=True,
    )  # fmt: skip
    missing = next(r for r in rows if r.agency is None)
    assert missing.agency_type == "Badan Pengelolaan Keuangan dan Aset Daerah"
    assert missing.not_started == 1
