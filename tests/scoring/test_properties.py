"""Property: for random frameworks, regions and answers the SQL equals the reference.

Each Hypothesis example writes a whole world (framework, province with regencies and
cities, answers) inside a savepoint of the test's transaction, asks the repository and
the API, compares with `siaga.scoring.reference` to 1e-9, and rolls the savepoint back.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, get_args

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.scoring import repository, table_repository
from siaga.scoring.reference import (
    DEFAULT_THRESHOLDS,
    AnswerDef,
    AnswerKind,
    DimensionDef,
    FrameworkDef,
    IndicatorDef,
    Level,
    PemdaResult,
    RegionDef,
    ReportDef,
    ReportStatus,
    Threshold,
    View,
    score_all,
    summarise,
)
from tests.helpers import API
from tests.scoring.builders import write_world

TOL = 1e-9
LEVELS: tuple[Level, ...] = get_args(Level)
VIEWS: tuple[View, ...] = get_args(View)
# More examples for a bug hunt: SIAGA_SCORING_EXAMPLES=2000 pytest tests/scoring.
EXAMPLES = int(os.environ.get("SIAGA_SCORING_EXAMPLES", "40"))

# Weights and targets that are awkward in binary floating point, plus the general case.
weights = st.one_of(
    st.sampled_from([1.0, 2.0, 0.1, 0.2, 0.3, 0.7, 1 / 3, 2.5, 40.0, 60.0]),
    st.floats(min_value=0.01, max_value=100.0, allow_nan=False, allow_infinity=False),
)
targets = st.one_of(
    st.sampled_from([1.0, 3.0, 10.0, 0.3, 7.5]),
    st.floats(min_value=0.1, max_value=50.0, allow_nan=False, allow_infinity=False),
)


@st.composite
def frameworks(draw: st.DrawFn) -> FrameworkDef:
    dimensions: list[DimensionDef] = []
    indicators: list[IndicatorDef] = []
    for d in range(draw(st.integers(1, 4))):
        code = f"D{d + 1}"
        dimensions.append(DimensionDef(code, draw(weights)))
        for i in range(draw(st.integers(1, 5))):
            kind = draw(st.sampled_from(get_args(AnswerKind)))
            levels = draw(st.frozensets(st.sampled_from(LEVELS), min_size=1))
            indicators.append(
                IndicatorDef(
                    code=f"{code}.{i + 1:02d}",
                    dimension=code,
                    answer_type=kind,
                    weight=draw(weights),
                    levels=levels,
                    agency_type=draw(st.sampled_from(["kesbangpol", "bpkad"])),
                    target=draw(targets) if kind == "count" else None,
                )
            )
    thresholds = draw(
        st.one_of(
            st.just(DEFAULT_THRESHOLDS),
            # Arbitrary thresholds; the lowest may be above 0, leaving some R uncategorised.
            st.lists(
                st.one_of(
                    st.sampled_from([25.0, 50.0, 75.0, 80.0, 100.0 / 3]),
                    st.floats(0, 100, allow_nan=False),
                ),
                min_size=1,
                max_size=3,
                unique=True,
            ).map(lambda mins: tuple(Threshold(f"k{n}", m) for n, m in enumerate(mins))),
        )
    )
    return FrameworkDef(tuple(dimensions), tuple(indicators), thresholds)


def values_for(indicator: IndicatorDef) -> st.SearchStrategy[float]:
    if indicator.answer_type == "level":
        return st.integers(0, 4).map(float)
    if indicator.answer_type == "yes_no":
        return st.sampled_from([0.0, 1.0])
    if indicator.answer_type == "percent":
        return st.one_of(
            st.sampled_from([0.0, 25.0, 40.0, 60.0, 80.0, 100.0]),
            st.floats(0, 100, allow_nan=False),
        )
    assert indicator.target is not None
    return st.one_of(
        st.just(indicator.target),
        st.integers(0, 20).map(float),
        st.floats(0, indicator.target * 3, allow_nan=False, allow_infinity=False),
    )


@st.composite
def answers_for(draw: st.DrawFn, region: str, indicator: IndicatorDef) -> AnswerDef | None:
    status = draw(st.sampled_from(["missing", "draft", "submitted", "verified", "returned"]))
    if status == "missing":
        return None
    value: float | None = draw(values_for(indicator))
    if status == "draft":
        # A draft may be empty, and may have been submitted before (then returned/reopened).
        if draw(st.booleans()):
            value = None
        first = draw(st.booleans())
    else:
        first = True
    late = first and draw(st.booleans())
    return AnswerDef(region, indicator.code, status, value, first, late)  # type: ignore[arg-type]


@st.composite
def reports_for(draw: st.DrawFn, region: str) -> ReportDef | None:
    """None (never written), a draft never sent, or a report sent at least once: on time
    or late by its first submission, whatever happened to it since (returned, sent again,
    accepted)."""
    state = draw(st.sampled_from(["none", "draft", "submitted", "accepted", "returned"]))
    if state == "none":
        return None
    if state == "draft":
        return ReportDef(region, "draft")
    status: ReportStatus = state  # type: ignore[assignment]
    return ReportDef(region, status, first_submitted=True, late=draw(st.booleans()))


@dataclass
class World:
    framework: FrameworkDef
    regions: list[RegionDef]
    answers: list[AnswerDef]
    reports: list[ReportDef] = field(default_factory=list)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    framework = draw(frameworks())
    children = draw(st.lists(st.sampled_from(["regency", "city"]), min_size=1, max_size=4))
    regions = [RegionDef("64", "province")] + [
        RegionDef(f"64.{n + 11}", level)  # type: ignore[arg-type]
        for n, level in enumerate(children)
    ]
    answers: list[AnswerDef] = []
    for region in regions:
        for indicator in framework.indicators:
            # Answers to indicators that do not apply cannot exist through the API, but
            # the scoring must ignore them anyway.
            if region.level not in indicator.levels and not draw(st.booleans()):
                continue
            answer = draw(answers_for(region.code, indicator))
            if answer is not None:
                answers.append(answer)
    reports = [r for r in (draw(reports_for(region.code)) for region in regions) if r]
    return World(framework, regions, answers, reports)


_codes = itertools.count(1)


def _near(actual: float | None, expected: float | None) -> bool:
    if expected is None or actual is None:
        return actual is expected
    return abs(actual - expected) <= TOL


def _on_a_threshold(ref: PemdaResult, thresholds: Sequence[Threshold]) -> bool:
    """R within 1e-9 of a category's minimum: at that precision either side is right
    (the SQL decides on R rounded to 9 decimals, the reference on exact fractions)."""
    return any(
        abs(ref.exact_readiness - Fraction(t.min_score)) <= Fraction(TOL) for t in thresholds
    )


def ranks_at_nine_decimals(expected: dict[str, PemdaResult]) -> dict[str, int]:
    """Ranks with R and completeness rounded to 9 decimals, as the SQL ranks: values
    closer than 1e-9 (say a percent answer of 5e-324) are a tie there, broken by
    completeness and code, while the reference orders them exactly. Both are right at the
    precision the scores are compared to."""
    ranks: dict[str, int] = {}
    for level in {r.level for r in expected.values()}:
        peers = sorted(
            (r for r in expected.values() if r.level == level),
            key=lambda r: (-round(r.exact_readiness, 9), -round(r.exact_completeness, 9), r.region),
        )
        ranks |= {r.region: n for n, r in enumerate(peers, start=1)}
    return ranks


def compare_pemda(
    row: dict[str, Any],
    ref: PemdaResult,
    where: str,
    thresholds: Sequence[Threshold],
    rounded_ranks: dict[str, int],
) -> None:
    assert _near(row["readiness"], ref.readiness), (where, row["readiness"], ref.readiness)
    if row["category"] != ref.category:
        assert _on_a_threshold(ref, thresholds), (where, row["readiness"], ref.exact_readiness)
    assert _near(row["completeness"] or 0.0, ref.completeness), where
    assert _near(row["verification_rate"], ref.verification_rate), where
    assert _near(row["timeliness"], ref.timeliness), where
    assert (row["applicable"], row["answered"] or 0, row["verified"] or 0) == (
        ref.applicable,
        ref.answered,
        ref.verified,
    ), where
    assert row["rank"] in (ref.rank, rounded_ranks[ref.region]), (where, row["rank"], ref.rank)
    # The report: its state (None: not written), on time by its first submission (None:
    # never submitted; a real bool, not SQLite's 0/1), a receipt once submitted.
    assert row["report_state"] == ref.report_state, (where, row["report_state"])
    assert row["report_on_time"] is ref.report_on_time, (where, row["report_on_time"])
    assert (row["report_receipt"] is not None) == (ref.report_on_time is not None), where


async def check_world(session: AsyncSession, client: httpx.AsyncClient, world: World) -> None:
    """Write the world in a savepoint, require SQL == reference, roll the savepoint back."""
    framework_code = f"P{next(_codes)}"
    savepoint = await session.begin_nested()
    try:
        written = await write_world(
            session,
            world.framework,
            world.regions,
            world.answers,
            framework_code=framework_code,
            reports=world.reports,
        )
        period = written.period
        dimensions = await repository.framework_dimensions(session, written.framework.id)
        for view in VIEWS:
            expected = score_all(world.framework, world.regions, world.answers, view, world.reports)
            rows = await table_repository.pemda_scores(
                session,
                view,
                dimensions=dimensions,
                period_ids=[period.id],
                scope_code=None,
                region_code="64",
            )
            assert {r.region for r in rows} == set(expected), view
            for row in rows:
                ref = expected[row.region]
                compare_pemda(
                    row._asdict(),
                    ref,
                    f"{view} {row.region}",
                    world.framework.thresholds,
                    ranks_at_nine_decimals(expected),
                )
                # D per dimension; dimensions with no applicable indicator left out.
                assert row.dimensions.keys() == ref.dimension_scores.keys(), view
                for code, value in ref.dimension_scores.items():
                    got = row.dimensions[code]
                    assert _near(got, value), (view, row.region, code, got, value)

            response = await client.get(
                f"{API}/scores", params={"period": period.code, "region": "64", "view": view}
            )
            assert response.status_code == 200, response.text
            body = response.json()
            summary = summarise(expected, world.framework.thresholds, "64")
            got_summary = body["summary"]
            assert got_summary["region"] == "64"
            assert got_summary["count"] == summary.count
            for key in ("mean", "min", "max", "report_timeliness"):
                assert _near(got_summary[key], getattr(summary, key)), (view, key)
            for key in ("reports_on_time", "reports_late", "not_reported"):
                assert got_summary[key] == getattr(summary, key), (view, key)
            thresholds = world.framework.thresholds
            rounded_ranks = ranks_at_nine_decimals(expected)
            items = {i["region"]: i for i in body["items"]}
            assert items.keys() == expected.keys()
            for code, item in items.items():
                compare_pemda(item, expected[code], f"api {view} {code}", thresholds, rounded_ranks)
                assert item["dimensions"].keys() == expected[code].dimension_scores.keys()
            counts = {c["category"]: c["count"] for c in got_summary["categories"]}
            # The summary counts the categories the items show (checked just above).
            assert counts == {
                t.category: sum(i["category"] == t.category for i in items.values())
                for t in thresholds
            }, view
            if not any(_on_a_threshold(ref, thresholds) for ref in expected.values()):
                assert counts == summary.categories, view
    finally:
        await savepoint.rollback()
        # Nothing written here may linger in the identity map: SQLite reuses the ids.
        session.expunge_all()


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("SIAGA_SCORING_RANDOM") != "1",
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds())
async def test_sql_equals_reference(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    await check_world(session, client, world)


ALL: frozenset[Level] = frozenset(LEVELS)
REGENCIES = [
    RegionDef("64", "province"),
    RegionDef("64.11", "regency"),
    RegionDef("64.12", "regency"),
]


def _percent_framework(*weights: float) -> FrameworkDef:
    return FrameworkDef(
        (DimensionDef("D1", 1.0),),
        tuple(
            IndicatorDef(f"D1.{n:02d}", "D1", "percent", w, ALL, "kesbangpol")
            for n, w in enumerate(weights, start=1)
        ),
    )


def _verified(region: str, *values: float) -> list[AnswerDef]:
    return [
        AnswerDef(region, f"D1.{n:02d}", "verified", v, first_submitted=True)
        for n, v in enumerate(values, start=1)
    ]


class TestFloatingPointEdges:
    """Exact R on a category boundary or an exact tie: the contract decides on the true
    value ("keep full precision"); summing binary floats in SQL can land one ulp off."""

    async def test_score_exactly_on_a_threshold_gets_that_category(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        world = World(
            _percent_framework(0.1, 0.2),
            [RegionDef("64", "province")],
            _verified("64", 80.0, 80.0),
        )
        assert (
            score_all(world.framework, world.regions, world.answers, "official")["64"].category
            == "siap"
        )
        await check_world(session, client, world)

    async def test_exact_tie_is_broken_by_completeness_then_code(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        # Both regencies have R = 515/17 exactly; as floats the second comes out larger.
        world = World(
            _percent_framework(1 / 3, 0.1, 0.7),
            REGENCIES,
            _verified("64.11", 100.0, 10.0, 0.0) + _verified("64.12", 10.0, 30.0, 40.0),
        )
        result = score_all(world.framework, world.regions, world.answers, "official")
        assert result["64.11"].exact_readiness == result["64.12"].exact_readiness
        assert (result["64.11"].rank, result["64.12"].rank) == (1, 2)
        await check_world(session, client, world)
