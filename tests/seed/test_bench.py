"""The national benchmark generator, on a small shape: counts, hierarchy, determinism,
idempotence."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from siaga.models import Agency, Indicator, Period, Region, RegionLevel, Submission
from siaga.seed.bench import (
    BENCH_ANSWERED_PERIODS,
    BenchShape,
    generated_regions,
    read_regions_csv,
    seed_bench,
)

SHAPE = BenchShape(provinces=3, regencies=7, cities=2)


async def _answers(session: AsyncSession) -> list[tuple[Any, ...]]:
    stmt = (
        select(
            Period.code,
            Region.code,
            Indicator.code,
            Submission.status,
            Submission.value,
            Submission.is_late,
            Submission.first_submitted_at,
            Submission.verified_at,
        )
        .join(Period, Period.id == Submission.period_id)
        .join(Region, Region.id == Submission.region_id)
        .join(Indicator, Indicator.id == Submission.indicator_id)
        .order_by(Period.code, Region.code, Indicator.code)
    )
    return [tuple(row) for row in await session.execute(stmt)]


class TestGeneratedRegions:
    def test_national_shape_has_indonesias_counts(self) -> None:
        rows = generated_regions()
        levels = Counter(r.level for r in rows)
        assert levels == {RegionLevel.PROVINCE: 38, RegionLevel.REGENCY: 416, RegionLevel.CITY: 98}
        assert len({r.code for r in rows}) == 552

    def test_codes_follow_kemendagri(self) -> None:
        for row in generated_regions(SHAPE):
            if row.level == RegionLevel.PROVINCE:
                assert row.parent_code is None and len(row.code) == 2
            else:
                parent, number = row.code.split(".")
                assert parent == row.parent_code
                # Regencies are numbered from 01, cities from 71.
                assert (int(number) >= 71) == (row.level == RegionLevel.CITY)

    def test_rejects_more_provinces_than_exist(self) -> None:
        with pytest.raises(ValueError, match="provinces"):
            generated_regions(BenchShape(provinces=39))


class TestSeedBench:
    async def test_counts_and_hierarchy(self, session: AsyncSession) -> None:
        summary = await seed_bench(session, regions=generated_regions(SHAPE), seed=7)

        assert (summary.regions, summary.periods, summary.indicators) == (12, 8, 24)
        regions = list(await session.scalars(select(Region)))
        assert Counter(r.level for r in regions) == {
            RegionLevel.PROVINCE: 3,
            RegionLevel.REGENCY: 7,
            RegionLevel.CITY: 2,
        }
        parent = aliased(Region)
        pairs = (await session.execute(select(Region.code, parent.code).join(
            parent, parent.id == Region.parent_id
        ))).all()  # fmt: skip
        assert len(pairs) == 9
        assert all(child.split(".")[0] == above and "." not in above for child, above in pairs)

        # One agency per agency type that an applicable indicator needs, in every Pemda.
        agencies = Counter(
            code
            for (code,) in await session.execute(
                select(Region.code).join(Agency, Agency.region_id == Region.id)
            )
        )
        assert summary.agencies == sum(agencies.values())
        assert {agencies[r.code] for r in regions if r.level != RegionLevel.PROVINCE} == {13}

        answers = await _answers(session)
        assert len(answers) == summary.submissions_created > 0
        assert {a[0] for a in answers} == set(BENCH_ANSWERED_PERIODS)
        # A mix of states, and some answers missing (fewer than every applicable pair).
        assert {a[3] for a in answers} == {"draft", "submitted", "returned", "verified"}
        applicable = len(BENCH_ANSWERED_PERIODS) * (3 * 21 + 9 * 24)
        assert 0.5 * applicable < len(answers) < applicable
        # Provinces never answer regency-only indicators (K2.03, K3.01, K3.02, K5.01).
        assert not [a for a in answers if "." not in a[1] and a[2] in {"K2.03", "K3.01"}]
        for _, _, _, status, _, is_late, first_submitted, verified_at in answers:
            assert (first_submitted is None) == (status == "draft")
            assert (verified_at is not None) == (status == "verified")
            assert not (is_late and first_submitted is None)

    async def test_idempotent(self, session: AsyncSession) -> None:
        first = await seed_bench(session, regions=generated_regions(SHAPE), seed=7)
        before = await _answers(session)
        second = await seed_bench(session, regions=generated_regions(SHAPE), seed=7)

        assert second.submissions_created == 0
        assert (second.regions, second.agencies) == (first.regions, first.agencies)
        assert await _answers(session) == before
        assert await session.scalar(select(func.count(Region.id))) == 12

    async def test_deterministic_and_recreates_a_deleted_answer(
        self, session: AsyncSession
    ) -> None:
        await seed_bench(session, regions=generated_regions(SHAPE), seed=7)
        before = await _answers(session)
        victim = await session.scalar(select(Submission).order_by(Submission.id.desc()).limit(1))
        assert victim is not None
        await session.delete(victim)
        await session.flush()

        again = await seed_bench(session, regions=generated_regions(SHAPE), seed=7)

        assert again.submissions_created == 1
        assert await _answers(session) == before

    async def test_another_seed_gives_other_answers(self, session: AsyncSession) -> None:
        await seed_bench(session, regions=generated_regions(SHAPE), seed=7)
        seven = await _answers(session)
        await session.execute(delete(Submission))
        await seed_bench(session, regions=generated_regions(SHAPE), seed=8)

        assert await _answers(session) != seven

    async def test_regions_from_csv(self, session: AsyncSession, tmp_path: Path) -> None:
        csv_file = tmp_path / "regions.csv"
        # Children before parents on purpose: the reader orders them.
        csv_file.write_text(
            "code,name,level,parent_code\n"
            "64.72,Kota Samarinda,city,64\n"
            "64,Kalimantan Timur,province,\n"
            "64.01,Kabupaten Paser,regency,64\n",
            encoding="utf-8",
        )
        summary = await seed_bench(session, regions=read_regions_csv(csv_file), seed=7)

        assert summary.regions == 3
        names = dict((await session.execute(select(Region.code, Region.name))).all())
        assert names == {
            "64": "Kalimantan Timur",
            "64.01": "Kabupaten Paser",
            "64.72": "Kota Samarinda",
        }
