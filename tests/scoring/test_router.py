"""The readiness endpoints: table, explanation and trend, with scope, errors and ETags.

Expected numbers come from `siaga.scoring.reference`, fed the same answers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import (
    Indicator,
    Period,
    PeriodState,
    Role,
    Submission,
    SubmissionStatus,
    User,
)
from siaga.scoring.reference import (
    AnswerDef,
    DimensionDef,
    FrameworkDef,
    IndicatorDef,
    Level,
    PemdaResult,
    RegionDef,
    View,
    agency_progress,
    score_all,
    summarise,
)
from tests.fixtures.factories import create_fake_evidence, create_user
from tests.helpers import API, assert_error
from tests.scoring.builders import Written, write_answers, write_world

LoginAs = Callable[[User], Awaitable[dict[str, str]]]
TOL = 1e-9

ALL: frozenset[Level] = frozenset({"province", "regency", "city"})
LOCAL: frozenset[Level] = frozenset({"regency", "city"})
FRAMEWORK = FrameworkDef(
    dimensions=(DimensionDef("D1", 1.0), DimensionDef("D2", 3.0)),
    indicators=(
        IndicatorDef("L.01", "D1", "level", 2.0, ALL, "kesbangpol"),
        IndicatorDef("Y.01", "D1", "yes_no", 1.0, ALL, "kesbangpol"),
        IndicatorDef("R.01", "D1", "level", 1.0, LOCAL, "kesbangpol"),
        IndicatorDef("P.01", "D2", "percent", 1.5, ALL, "bpkad"),
        IndicatorDef("C.01", "D2", "count", 0.5, ALL, "kesbangpol", target=4.0),
    ),
)
REGIONS = [
    RegionDef("64", "province"),
    RegionDef("64.11", "regency"),
    RegionDef("64.72", "city"),
    RegionDef("63", "province"),
    RegionDef("63.71", "city"),
]
SCOPE_64 = [r for r in REGIONS if r.code.startswith("64")]
Q4 = [
    AnswerDef("64", "L.01", "verified", 3.0, True),
    AnswerDef("64", "Y.01", "verified", 1.0, True),
    AnswerDef("64", "P.01", "submitted", 40.0, True, late=True),
    AnswerDef("64", "C.01", "draft", None),
    AnswerDef("64.11", "L.01", "verified", 1.0, True),
    AnswerDef("64.11", "C.01", "returned", 2.0, True, late=True),
    AnswerDef("64.72", "L.01", "verified", 4.0, True),
    AnswerDef("64.72", "Y.01", "submitted", 1.0, True),
    AnswerDef("64.72", "P.01", "verified", 50.0, True),
    AnswerDef("64.72", "C.01", "verified", 6.0, True, late=True),
    AnswerDef("64.72", "R.01", "draft", 2.0),
    AnswerDef("63.71", "L.01", "verified", 2.0, True),
]
Q3 = [
    AnswerDef("64.72", "L.01", "verified", 2.0, True),
    AnswerDef("64", "Y.01", "verified", 1.0, True),
]


@dataclass
class Scores:
    written: Written
    q3: Period
    q1: Period
    verifier: User
    viewer: User


@pytest.fixture
async def scores(session: AsyncSession) -> Scores:
    return await build_scores(session)


async def build_scores(session: AsyncSession) -> Scores:
    """2023-Q3 closed, 2023-Q4 open (the answers above), 2024-Q1 planned."""
    # The current period is created before the previous one: order is by date, not id.
    written = await write_world(session, FRAMEWORK, REGIONS, Q4, framework_code="UJI")
    q3 = Period(
        code="2023-Q3",
        name="Triwulan 3 2023",
        framework_id=written.framework.id,
        start_date=date(2023, 7, 1),
        end_date=date(2023, 9, 30),
        deadline=date(2023, 10, 10),
        state=PeriodState.CLOSED,
    )
    q1 = Period(
        code="2024-Q1",
        name="Triwulan 1 2024",
        framework_id=written.framework.id,
        start_date=date(2024, 1, 1),
        end_date=date(2024, 3, 31),
        deadline=date(2024, 4, 10),
        state=PeriodState.PLANNED,
    )
    session.add_all([q3, q1])
    await session.flush()
    await write_answers(session, q3, written.regions, written.indicators, Q3)
    # Two pieces of evidence on 64.72's L.01.
    submission = await session.scalar(
        select(Submission).where(
            Submission.period_id == written.period.id,
            Submission.region_id == written.regions["64.72"].id,
            Submission.indicator_id == written.indicators["L.01"].id,
        )
    )
    assert submission is not None
    await create_fake_evidence(session, submission.id, files=2, sha256="b" * 64)
    province = written.regions["64"]
    return Scores(
        written=written,
        q3=q3,
        q1=q1,
        verifier=await create_user(session, role=Role.VERIFIER, region=province),
        viewer=await create_user(session, role=Role.VIEWER, region=province),
    )


def reference(
    view: View, answers: list[AnswerDef] = Q4, regions: list[RegionDef] = REGIONS
) -> dict[str, PemdaResult]:
    return score_all(FRAMEWORK, regions, answers, view)


def near(actual: float | None, expected: float | None) -> bool:
    if actual is None or expected is None:
        return actual is expected
    return abs(actual - expected) <= TOL


def table(view: str = "official", period: str = "2023-Q4", **params: str) -> tuple[str, Any]:
    return f"{API}/scores", {"period": period, "view": view, **params}


def assert_not_found_like_unknown(
    outside: httpx.Response, unknown: httpx.Response, outside_code: str, unknown_code: str
) -> None:
    """A region outside the caller's scope is answered exactly like one that does not exist."""
    assert_error(outside, 404, "region_not_found")
    assert_error(unknown, 404, "region_not_found")
    assert outside.json() == {
        "error": {
            **unknown.json()["error"],
            "message": unknown.json()["error"]["message"].replace(unknown_code, outside_code),
        }
    }
    assert outside.headers.get("content-type") == unknown.headers.get("content-type")


async def verify(
    anon_client: httpx.AsyncClient, headers: dict[str, str], region: str, indicator: str
) -> None:
    answer = f"{API}/submissions/2023-Q4/{region}/{indicator}"
    current = await anon_client.get(answer, headers=headers)
    assert current.status_code == 200, current.text
    response = await anon_client.post(
        answer + "/verify", headers={**headers, "If-Match": current.headers["ETag"]}
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "verified"


def verified(answers: list[AnswerDef], region: str, indicator: str) -> list[AnswerDef]:
    return [
        replace(a, status="verified") if (a.region, a.indicator) == (region, indicator) else a
        for a in answers
    ]


class TestScoreTable:
    async def test_anonymous_is_401(self, anon_client: httpx.AsyncClient, scores: Scores) -> None:
        path, params = table()
        assert_error(await anon_client.get(path, params=params), 401, "not_authenticated")

    async def test_unknown_period_is_404(self, client: httpx.AsyncClient, scores: Scores) -> None:
        path, params = table(period="1999-Q1")
        assert_error(await client.get(path, params=params), 404, "period_not_found")

    async def test_unknown_region_is_404(self, client: httpx.AsyncClient, scores: Scores) -> None:
        path, params = table(region="99")
        assert_error(await client.get(path, params=params), 404, "region_not_found")

    @pytest.mark.parametrize("view", ["verified", "OFFICIAL", ""])
    async def test_invalid_view_is_422(
        self, client: httpx.AsyncClient, scores: Scores, view: str
    ) -> None:
        path, params = table(view=view)
        assert_error(await client.get(path, params=params), 422, "invalid_input")

    async def test_region_outside_scope_is_404_like_unknown(
        self, anon_client: httpx.AsyncClient, scores: Scores, login_as: LoginAs
    ) -> None:
        headers = await login_as(scores.viewer)
        path, params = table()
        outside = await anon_client.get(path, params={**params, "region": "63"}, headers=headers)
        unknown = await anon_client.get(path, params={**params, "region": "99"}, headers=headers)
        assert_not_found_like_unknown(outside, unknown, "63", "99")

    @pytest.mark.parametrize("who", ["verifier", "viewer"])
    @pytest.mark.parametrize("view", ["official", "provisional"])
    async def test_province_user_sees_only_its_subtree(
        self,
        anon_client: httpx.AsyncClient,
        scores: Scores,
        login_as: LoginAs,
        who: str,
        view: View,
    ) -> None:
        headers = await login_as(getattr(scores, who))
        path, params = table(view)
        response = await anon_client.get(path, params=params, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert [i["region"] for i in body["items"]] == ["64", "64.11", "64.72"]
        # Ranks are within the table the caller sees.
        expected = reference(view, regions=SCOPE_64)
        for item in body["items"]:
            ref = expected[item["region"]]
            assert near(item["readiness"], ref.readiness)
            assert item["rank"] == ref.rank == 1
        summary = body["summary"]
        assert summary["region"] == "64" and summary["count"] == 3

    @pytest.mark.parametrize("view", ["official", "provisional"])
    async def test_national_table_matches_the_reference(
        self, client: httpx.AsyncClient, scores: Scores, view: View
    ) -> None:
        path, params = table(view)
        response = await client.get(path, params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["period"], body["view"]) == ("2023-Q4", view)
        expected = reference(view)
        assert [i["region"] for i in body["items"]] == ["63", "63.71", "64", "64.11", "64.72"]
        for item in body["items"]:
            ref = expected[item["region"]]
            assert near(item["readiness"], ref.readiness), item["region"]
            assert item["category"] == ref.category
            assert item["rank"] == ref.rank, item["region"]
            assert near(item["completeness"], ref.completeness)
            assert near(item["verification_rate"], ref.verification_rate)
            assert near(item["timeliness"], ref.timeliness)
            assert item["dimensions"] == pytest.approx(ref.dimension_scores, abs=TOL)
            assert item["level"] == ref.level
        parents = {i["region"]: i["parent"] for i in body["items"]}
        assert parents == {"63": None, "63.71": "63", "64": None, "64.11": "64", "64.72": "64"}

    @pytest.mark.parametrize("view", ["official", "provisional"])
    async def test_summary_is_mean_min_max_count_and_categories(
        self, client: httpx.AsyncClient, scores: Scores, view: View
    ) -> None:
        for region, root in ((None, None), ("64", "64"), ("64.72", "64.72")):
            extra = {"region": region} if region else {}
            path, params = table(view, **extra)
            body = (await client.get(path, params=params)).json()
            expected = summarise(reference(view), FRAMEWORK.thresholds, root)
            summary = body["summary"]
            assert summary["region"] == root
            assert summary["count"] == expected.count == len(body["items"])
            for key in ("mean", "min", "max"):
                assert near(summary[key], getattr(expected, key)), (region, key)
            categories = [(c["category"], c["count"]) for c in summary["categories"]]
            # Every category of the framework, highest threshold first, zeros included.
            assert categories == list(expected.categories.items())
            assert {"label", "label_en", "min_score"} <= set(summary["categories"][0])

    async def test_previous_readiness_comes_from_the_previous_period(
        self, client: httpx.AsyncClient, scores: Scores
    ) -> None:
        path, params = table()
        items = {i["region"]: i for i in (await client.get(path, params=params)).json()["items"]}
        before = reference("official", answers=Q3)
        for code, item in items.items():
            assert near(item["previous_readiness"], before[code].readiness), code
        assert items["64.72"]["previous_readiness"] > 0
        # The first period has no previous one.
        path, params = table(period="2023-Q3")
        earliest = (await client.get(path, params=params)).json()["items"]
        assert earliest and all(i["previous_readiness"] is None for i in earliest)

    async def test_an_answer_verified_a_moment_ago_counts_in_the_next_request(
        self,
        client: httpx.AsyncClient,
        anon_client: httpx.AsyncClient,
        scores: Scores,
        login_as: LoginAs,
    ) -> None:
        path, params = table(region="64.72")
        before = (await client.get(path, params=params)).json()["items"][0]
        assert near(before["readiness"], reference("official")["64.72"].readiness)
        await verify(anon_client, await login_as(scores.verifier), "64.72", "Y.01")
        after = (await client.get(path, params=params)).json()["items"][0]
        expected = reference("official", answers=verified(Q4, "64.72", "Y.01"))["64.72"]
        assert after["readiness"] > before["readiness"]
        assert near(after["readiness"], expected.readiness)
        assert after["verified"] == before["verified"] + 1

    async def test_etag_304_then_changes_with_an_answer(
        self,
        client: httpx.AsyncClient,
        anon_client: httpx.AsyncClient,
        scores: Scores,
        login_as: LoginAs,
    ) -> None:
        path, params = table()
        first = await client.get(path, params=params)
        etag = first.headers["ETag"]
        assert first.status_code == 200 and etag
        again = await client.get(path, params=params, headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["ETag"] == etag
        # Another view is another representation.
        other = await client.get(
            path, params={**params, "view": "provisional"}, headers={"If-None-Match": etag}
        )
        assert other.status_code == 200 and other.headers["ETag"] != etag

        await verify(anon_client, await login_as(scores.verifier), "64.72", "Y.01")
        changed = await client.get(path, params=params, headers={"If-None-Match": etag})
        assert changed.status_code == 200, changed.text
        assert changed.headers["ETag"] != etag
        assert changed.json()["items"] != first.json()["items"]

    async def test_etag_changes_when_an_earlier_stamped_change_commits_late(
        self, client: httpx.AsyncClient, session: AsyncSession, scores: Scores
    ) -> None:
        path, params = table()
        first = await client.get(path, params=params)
        # Two writers: A stamps T1, B stamps T2 > T1 and commits first; the client polls
        # between the commits, then A commits.
        submissions = list(
            await session.scalars(
                select(Submission)
                .where(Submission.period_id == scores.written.period.id)
                .order_by(Submission.updated_at.desc(), Submission.id)
            )
        )
        latest = submissions[0].updated_at
        late = next(s for s in submissions if s.status == SubmissionStatus.SUBMITTED)
        late.status = SubmissionStatus.VERIFIED
        late.version += 1
        late.updated_at = latest - timedelta(milliseconds=5)
        await session.flush()
        again = await client.get(
            path, params=params, headers={"If-None-Match": first.headers["ETag"]}
        )
        assert again.status_code == 200, "stale 304 after an answer was verified"


def explain(region: str = "64.72", period: str = "2023-Q4", view: str = "official") -> str:
    return f"{API}/scores/{region}/{period}?view={view}"


class TestScoreExplanation:
    async def test_anonymous_is_401(self, anon_client: httpx.AsyncClient, scores: Scores) -> None:
        assert_error(await anon_client.get(explain()), 401, "not_authenticated")

    async def test_unknown_period_is_404(self, client: httpx.AsyncClient, scores: Scores) -> None:
        assert_error(await client.get(explain(period="1999-Q1")), 404, "period_not_found")

    async def test_unknown_region_is_404(self, client: httpx.AsyncClient, scores: Scores) -> None:
        assert_error(await client.get(explain(region="99.99")), 404, "region_not_found")

    async def test_invalid_view_is_422(self, client: httpx.AsyncClient, scores: Scores) -> None:
        assert_error(await client.get(explain(view="draft")), 422, "invalid_input")

    async def test_region_outside_scope_is_404_like_unknown(
        self, anon_client: httpx.AsyncClient, scores: Scores, login_as: LoginAs
    ) -> None:
        headers = await login_as(scores.verifier)
        outside = await anon_client.get(explain(region="63.71"), headers=headers)
        unknown = await anon_client.get(explain(region="64.99"), headers=headers)
        assert_not_found_like_unknown(outside, unknown, "63.71", "64.99")

    @pytest.mark.parametrize("view", ["official", "provisional"])
    async def test_tree_explains_the_score(
        self, client: httpx.AsyncClient, scores: Scores, view: View
    ) -> None:
        response = await client.get(explain(view=view))
        assert response.status_code == 200, response.text
        body = response.json()
        ref = reference(view)["64.72"]
        assert near(body["score"]["readiness"], ref.readiness)
        assert body["score"]["category"] == ref.category
        assert [d["dimension"] for d in body["dimensions"]] == ["D1", "D2"]
        weights = {d.code: d.weight for d in FRAMEWORK.dimensions}
        answers = {a.indicator: a for a in Q4 if a.region == "64.72"}
        specs = {i.code: i for i in FRAMEWORK.indicators}
        for dimension in body["dimensions"]:
            code = dimension["dimension"]
            assert dimension["weight"] == weights[code]
            assert near(dimension["score"], ref.dimension_scores[code])
            expected_codes = [i.code for i in FRAMEWORK.indicators if i.dimension == code]
            assert [i["indicator"] for i in dimension["indicators"]] == expected_codes
            for leaf in dimension["indicators"]:
                spec, answer = specs[leaf["indicator"]], answers[leaf["indicator"]]
                assert leaf["status"] == answer.status
                assert leaf["value"] == answer.value
                assert leaf["weight"] == spec.weight
                assert leaf["answer_type"] == spec.answer_type
                assert leaf["target"] == spec.target
                assert near(leaf["score"], ref.indicator_scores[spec.code])
                counts = answer.status == "verified" or (
                    view == "provisional" and answer.status == "submitted"
                )
                assert leaf["counts"] is counts, leaf
                assert leaf["is_late"] is answer.late
                assert leaf["evidence_count"] == (2 if spec.code == "L.01" else 0)
                assert leaf["agency"] == f"64.72.uji_{spec.agency_type}"

    async def test_indicators_not_applying_are_left_out(
        self, client: httpx.AsyncClient, scores: Scores
    ) -> None:
        body = (await client.get(explain(region="64"))).json()
        leaves = [i["indicator"] for d in body["dimensions"] for i in d["indicators"]]
        assert leaves == ["L.01", "Y.01", "P.01", "C.01"]
        assert body["score"]["applicable"] == 4
        # Unanswered indicators are listed with no status and score 0.
        unanswered = (await client.get(explain(region="64.11"))).json()
        leaf = next(
            i for d in unanswered["dimensions"] for i in d["indicators"] if i["indicator"] == "P.01"
        )
        assert (leaf["status"], leaf["value"], leaf["score"], leaf["counts"]) == (
            None,
            None,
            0.0,
            False,
        )
        assert leaf["evidence_count"] == 0

    async def test_agency_progress_rows(self, client: httpx.AsyncClient, scores: Scores) -> None:
        body = (await client.get(explain())).json()
        rows = {a["agency"]: a for a in body["agencies"]}
        assert list(rows) == ["64.72.uji_bpkad", "64.72.uji_kesbangpol"]
        answers = {a.indicator: a for a in Q4 if a.region == "64.72"}
        expected = agency_progress(FRAMEWORK, RegionDef("64.72", "city"), answers)
        for type_code, progress in expected.items():
            row = rows[f"64.72.uji_{type_code}"]
            assert (row["applicable"], row["answered"], row["verified"]) == (
                progress.applicable,
                progress.answered,
                progress.verified,
            )
            assert near(row["completeness"], progress.completeness)
            assert near(row["verification_rate"], progress.verification_rate)
            assert near(row["timeliness"], progress.timeliness)
        kesbangpol = rows["64.72.uji_kesbangpol"]
        # L.01, Y.01, R.01 (draft), C.01: nothing returned, nothing untouched.
        assert (kesbangpol["returned"], kesbangpol["not_started"]) == (0, 0)
        regency = {
            a["agency"]: a for a in (await client.get(explain(region="64.11"))).json()["agencies"]
        }
        assert regency["64.11.uji_kesbangpol"]["returned"] == 1
        assert regency["64.11.uji_kesbangpol"]["not_started"] == 2
        assert regency["64.11.uji_bpkad"]["not_started"] == 1

    async def test_etag_304(self, client: httpx.AsyncClient, scores: Scores) -> None:
        first = await client.get(explain())
        again = await client.get(explain(), headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.content == b""


def trend(region: str = "64.72", view: str = "official") -> str:
    return f"{API}/scores/{region}/trend?view={view}"


class TestScoreTrend:
    async def test_anonymous_is_401(self, anon_client: httpx.AsyncClient, scores: Scores) -> None:
        assert_error(await anon_client.get(trend()), 401, "not_authenticated")

    async def test_unknown_region_is_404(self, client: httpx.AsyncClient, scores: Scores) -> None:
        assert_error(await client.get(trend(region="99")), 404, "region_not_found")

    async def test_invalid_view_is_422(self, client: httpx.AsyncClient, scores: Scores) -> None:
        assert_error(await client.get(trend(view="all")), 422, "invalid_input")

    async def test_region_outside_scope_is_404_like_unknown(
        self, anon_client: httpx.AsyncClient, scores: Scores, login_as: LoginAs
    ) -> None:
        headers = await login_as(scores.viewer)
        outside = await anon_client.get(trend(region="63"), headers=headers)
        unknown = await anon_client.get(trend(region="65"), headers=headers)
        assert_not_found_like_unknown(outside, unknown, "63", "65")

    @pytest.mark.parametrize("view", ["official", "provisional"])
    async def test_periods_in_date_order_without_planned_ones(
        self, client: httpx.AsyncClient, scores: Scores, view: View
    ) -> None:
        response = await client.get(trend(view=view))
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["region"], body["view"]) == ("64.72", view)
        assert [p["period"] for p in body["items"]] == ["2023-Q3", "2023-Q4"]
        for point, answers in zip(body["items"], (Q3, Q4), strict=True):
            ref = reference(view, answers=answers)["64.72"]
            assert near(point["readiness"], ref.readiness)
            assert point["category"] == ref.category
            assert near(point["completeness"], ref.completeness)
            assert point["dimensions"] == pytest.approx(ref.dimension_scores, abs=TOL)

    async def test_etag_304_then_changes_with_an_answer(
        self,
        client: httpx.AsyncClient,
        anon_client: httpx.AsyncClient,
        scores: Scores,
        login_as: LoginAs,
    ) -> None:
        first = await client.get(trend())
        etag = first.headers["ETag"]
        again = await client.get(trend(), headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        await verify(anon_client, await login_as(scores.verifier), "64.72", "Y.01")
        changed = await client.get(trend(), headers={"If-None-Match": etag})
        assert changed.status_code == 200 and changed.headers["ETag"] != etag
        assert changed.json()["items"][1]["readiness"] > first.json()["items"][1]["readiness"]

    async def test_opening_a_period_changes_the_trend_etag(
        self, client: httpx.AsyncClient, scores: Scores
    ) -> None:
        first = await client.get(trend())
        assert [p["period"] for p in first.json()["items"]] == ["2023-Q3", "2023-Q4"]
        opened = await client.post(f"{API}/periods/2024-Q1/open")
        assert opened.status_code == 200, opened.text
        again = await client.get(trend(), headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 200, "stale 304: the trend now has 2024-Q1"
        assert [p["period"] for p in again.json()["items"]] == ["2023-Q3", "2023-Q4", "2024-Q1"]


class TestChangeCounters:
    """ETags rest on counters kept by database triggers (ScoreRevision): whatever writes
    the data, through the API or not, the next conditional GET sees the change."""

    async def _unchanged(self, client: httpx.AsyncClient, url: str, etag: str) -> bool:
        response = await client.get(url, headers={"If-None-Match": etag})
        return response.status_code == 304

    async def test_a_bulk_core_insert_changes_the_table(
        self, client: httpx.AsyncClient, session: AsyncSession, scores: Scores
    ) -> None:
        url = f"{API}/scores?period=2023-Q4&view=official"
        etag = (await client.get(url)).headers["ETag"]
        written = scores.written
        # As the importer writes answers: Core executemany, no ORM, no application hook.
        await session.execute(
            insert(Submission),
            [
                {
                    "period_id": written.period.id,
                    "region_id": written.regions["63"].id,
                    "indicator_id": written.indicators[code].id,
                    "agency_id": written.agencies[("63", "uji_kesbangpol")].id,
                    "value": 1.0,
                    "status": SubmissionStatus.VERIFIED,
                    "version": 1,
                }
                for code in ("L.01", "Y.01")
            ],
        )
        assert not await self._unchanged(client, url, etag)

    async def test_deleting_an_answer_changes_the_explanation(
        self, client: httpx.AsyncClient, session: AsyncSession, scores: Scores
    ) -> None:
        etag = (await client.get(explain())).headers["ETag"]
        written = scores.written
        await session.execute(
            delete(Submission).where(
                Submission.period_id == written.period.id,
                Submission.region_id == written.regions["64.72"].id,
                Submission.indicator_id == written.indicators["Y.01"].id,
            )
        )
        assert not await self._unchanged(client, explain(), etag)

    async def test_another_pemdas_answer_leaves_the_explanation_cached(
        self, client: httpx.AsyncClient, session: AsyncSession, scores: Scores
    ) -> None:
        etag = (await client.get(explain())).headers["ETag"]
        written = scores.written
        await session.execute(
            update(Submission)
            .where(
                Submission.period_id == written.period.id,
                Submission.region_id == written.regions["64.11"].id,
            )
            .values(version=Submission.version + 1)
        )
        assert await self._unchanged(client, explain(), etag)
        # ...but the table, which shows 64.11, changes.
        path, params = table()
        assert (await client.get(path, params=params)).status_code == 200

    async def test_reference_data_changes_every_etag(
        self, client: httpx.AsyncClient, session: AsyncSession, scores: Scores
    ) -> None:
        url = f"{API}/scores?period=2023-Q4&view=official"
        table_etag = (await client.get(url)).headers["ETag"]
        explain_etag = (await client.get(explain())).headers["ETag"]
        trend_etag = (await client.get(trend())).headers["ETag"]
        # A re-weighted indicator changes every score computed with it.
        indicator = scores.written.indicators["L.01"]
        await session.execute(
            update(Indicator).where(Indicator.id == indicator.id).values(weight=5.0)
        )
        assert not await self._unchanged(client, url, table_etag)
        assert not await self._unchanged(client, explain(), explain_etag)
        assert not await self._unchanged(client, trend(), trend_etag)

    async def test_304_is_still_404_for_an_unknown_period(
        self, client: httpx.AsyncClient, scores: Scores
    ) -> None:
        path, params = table()
        etag = (await client.get(path, params=params)).headers["ETag"]
        response = await client.get(
            path, params={**params, "period": "1999-Q1"}, headers={"If-None-Match": etag}
        )
        assert_error(response, 404, "period_not_found")
