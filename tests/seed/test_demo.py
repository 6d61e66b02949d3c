"""The demo seed: exactly the framework and Kaltim data of the shared docs, idempotent."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from importlib import resources

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from siaga.core.security import verify_password
from siaga.core.storage import LocalStorage
from siaga.models import (
    Agency,
    AnswerType,
    AuditEvent,
    Dimension,
    EvidenceBlob,
    EvidenceFile,
    Indicator,
    Period,
    Region,
    RegionBoundary,
    Review,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
    User,
)
from siaga.seed.demo import SeedSummary, seed_demo
from tests.fixtures.auth import bearer, create_session_token
from tests.fixtures.client import API, bind_app_to, http_client
from tests.fixtures.db import rolled_back_connection, session_on

PASSWORD = "demo-password-for-tests"


@pytest.fixture(scope="module")
async def seeded_connection(
    engine: AsyncEngine, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[AsyncConnection, SeedSummary, LocalStorage]]:
    # Seeding takes seconds: do it once per module and backend, in a transaction that
    # is rolled back when the module ends; each test works in a savepoint inside it.
    storage = LocalStorage(tmp_path_factory.mktemp("evidence"))
    async for connection in rolled_back_connection(engine):
        seed_session = session_on(connection)
        summary = await seed_demo(seed_session, storage, PASSWORD)
        await seed_session.commit()  # releases its savepoint into the module transaction
        await seed_session.close()
        yield connection, summary, storage


@pytest.fixture
async def session(
    seeded_connection: tuple[AsyncConnection, SeedSummary, LocalStorage],
) -> AsyncIterator[AsyncSession]:
    session = session_on(seeded_connection[0])
    try:
        yield session
    finally:
        await session.close()


@pytest.fixture
def seeded(
    seeded_connection: tuple[AsyncConnection, SeedSummary, LocalStorage],
) -> tuple[SeedSummary, LocalStorage]:
    return seeded_connection[1], seeded_connection[2]


async def _count(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


class TestReferenceData:
    async def test_kaltim_regions_with_kemendagri_and_bps_codes(
        self, session: AsyncSession, seeded: tuple[SeedSummary, LocalStorage]
    ) -> None:
        regions = {r.code: r for r in await session.scalars(select(Region))}
        assert sorted(regions) == [
            "64", "64.01", "64.02", "64.03", "64.07", "64.08", "64.09",
            "64.11", "64.71", "64.72", "64.74",
        ]  # fmt: skip
        assert regions["64.02"].name == "Kabupaten Kutai Kartanegara"
        assert regions["64.02"].bps_code == "6403"
        assert regions["64.72"].level == "city"
        assert regions["64.11"].level == "regency"
        assert all(r.parent_id == regions["64"].id for c, r in regions.items() if c != "64")

    async def test_framework_as_documented(
        self, session: AsyncSession, seeded: tuple[SeedSummary, LocalStorage]
    ) -> None:
        dimensions = {d.code: d.weight for d in await session.scalars(select(Dimension))}
        assert dimensions == {"K1": 15, "K2": 25, "K3": 20, "K4": 20, "K5": 20}
        indicators = {i.code: i for i in await session.scalars(select(Indicator))}
        assert len(indicators) == 24
        assert sum(i.applies_province for i in indicators.values()) == 20
        k103 = indicators["K1.03"]
        assert (k103.answer_type, k103.target, k103.weight) == (AnswerType.COUNT, 3, 1)
        assert indicators["K2.01"].weight == 3
        assert indicators["K2.03"].applies_province is False
        assert indicators["K3.05"].evidence_required is False
        assert indicators["K1.01"].evidence_required is True

    async def test_agencies_one_per_needed_type(
        self, session: AsyncSession, seeded: tuple[SeedSummary, LocalStorage]
    ) -> None:
        codes = set(await session.scalars(select(Agency.code)))
        # A province has no population registry: its indicators are regency/city only.
        assert "64.disdukcapil" not in codes
        assert "64.72.disdukcapil" in codes
        assert len(codes) == 12 + 10 * 13
        samarinda = await session.scalar(
            select(Agency.name).where(Agency.code == "64.72.kesbangpol")
        )
        assert samarinda == "Badan Kesatuan Bangsa dan Politik Kota Samarinda"

    async def test_periods_and_states(
        self, session: AsyncSession, seeded: tuple[SeedSummary, LocalStorage]
    ) -> None:
        periods = {p.code: p for p in await session.scalars(select(Period))}
        assert [periods[c].state for c in sorted(periods)] == [
            "closed", "closed", "closed", "open", "open", "planned", "planned", "planned",
        ]  # fmt: skip
        q4 = periods["2023-Q4"]
        assert (str(q4.start_date), str(q4.end_date), str(q4.deadline)) == (
            "2023-10-01",
            "2023-12-31",
            "2024-01-10",
        )
        assert periods["2024-Q1"].name == "Triwulan I 2024"

    async def test_demo_users_can_use_the_demo_password(
        self, session: AsyncSession, seeded: tuple[SeedSummary, LocalStorage]
    ) -> None:
        users = {u.username: u for u in await session.scalars(select(User))}
        assert users["admin"].role == "admin" and users["admin"].region_id is None
        assert users["verifikator.64"].role == "verifier"
        assert users["pemantau.64"].role == "viewer"
        operator = users["operator.64.72.kesbangpol"]
        assert operator.role == "operator" and operator.agency_id is not None
        # admin, the national and the province's verifiers, the viewer, a coordinator per
        # Pemda and an operator per agency.
        assert len(users) == 4 + 11 + 142
        assert verify_password(PASSWORD, operator.password_hash)
        assert not verify_password("wrong-password", operator.password_hash)

    async def test_coordinators_and_the_national_verifier(
        self, session: AsyncSession, seeded: tuple[SeedSummary, LocalStorage]
    ) -> None:
        rows = (
            await session.execute(
                select(User.username, User.role, User.agency_id, Region.code).outerjoin(
                    Region, User.region_id == Region.id
                )
            )
        ).all()
        by_name = {r.username: r for r in rows}
        national = by_name["verifikator.nasional"]
        assert (national.role, national.code, national.agency_id) == ("verifier", None, None)
        coordinators = {r.username: r for r in rows if r.role == "coordinator"}
        regions = set(await session.scalars(select(Region.code)))
        assert set(coordinators) == {f"koordinator.{code}" for code in regions}
        assert len(coordinators) == 11
        for name, row in coordinators.items():
            # Bound to exactly its Pemda, to no agency.
            assert (row.code, row.agency_id) == (name.removeprefix("koordinator."), None)
        assert verify_password(PASSWORD, (await _user(session, "koordinator.64.72")).password_hash)


async def _user(session: AsyncSession, username: str) -> User:
    return (await session.scalars(select(User).where(User.username == username))).one()


class TestDemoAnswers:
    async def test_every_review_is_by_a_verifier_one_level_up(
        self, session: AsyncSession, seeded: tuple[SeedSummary, LocalStorage]
    ) -> None:
        """Separation of duties: nobody reviewed their own region; the province's own
        answers were reviewed by the national verifier, the others by the province's."""
        reviewer_region = Region.__table__.alias("reviewer_region")
        rows = (
            await session.execute(
                select(Region.code, User.username, reviewer_region.c.code)
                .select_from(Review)
                .join(Submission, Review.submission_id == Submission.id)
                .join(Region, Submission.region_id == Region.id)
                .join(User, Review.reviewer_id == User.id)
                .outerjoin(reviewer_region, User.region_id == reviewer_region.c.id)
            )
        ).all()
        assert rows
        reviewers = defaultdict(set)
        for region, username, scope in rows:
            assert scope is None or region.startswith(scope + "."), (region, username)
            reviewers[region == "64"].add(username)
        assert reviewers == {True: {"verifikator.nasional"}, False: {"verifikator.64"}}

    async def test_answers_only_in_answered_periods_and_applicable(
        self, session: AsyncSession, seeded: tuple[SeedSummary, LocalStorage]
    ) -> None:
        rows = (
            await session.execute(
                select(Period.code, Region.level, Indicator.applies_province)
                .select_from(Submission)
                .join(Period, Submission.period_id == Period.id)
                .join(Region, Submission.region_id == Region.id)
                .join(Indicator, Submission.indicator_id == Indicator.id)
            )
        ).all()
        assert {code for code, _, _ in rows} == {
            "2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1",
        }  # fmt: skip
        assert all(applies for _, level, applies in rows if level == "province")

    async def test_realistic_status_mix(
        self, session: AsyncSession, seeded: tuple[SeedSummary, LocalStorage]
    ) -> None:
        mix: dict[str, Counter[str]] = defaultdict(Counter)
        for period, status in await session.execute(
            select(Period.code, Submission.status)
            .select_from(Submission)
            .join(Period, Submission.period_id == Period.id)
        ):
            mix[period][status] += 1
        # The closed quarters: every applicable answer of every Pemda sent (ten regencies
        # and cities answer 24 indicators, the province 20), mostly verified.
        for period in ("2023-Q1", "2023-Q2", "2023-Q3"):
            closed = mix[period]
            assert set(closed) == {"verified", "submitted"}
            assert closed.total() == 10 * 24 + 20
            assert closed["verified"] / closed.total() > 0.9
        for open_period in ("2023-Q4", "2024-Q1"):
            assert set(mix[open_period]) == {"draft", "submitted", "returned", "verified"}
        late = await session.scalar(select(func.count()).where(Submission.is_late))
        assert late and late > 0

    async def test_returned_answers_carry_a_reason(
        self, session: AsyncSession, seeded: tuple[SeedSummary, LocalStorage]
    ) -> None:
        returned = await session.scalar(
            select(func.count()).where(Submission.status == SubmissionStatus.RETURNED)
        )
        reasons = await session.scalar(
            select(func.count()).where(Review.decision == "returned", Review.reason.is_not(None))
        )
        assert returned and reasons == returned

    async def test_history_matches_current_version(
        self, session: AsyncSession, seeded: tuple[SeedSummary, LocalStorage]
    ) -> None:
        latest = (
            select(
                SubmissionVersion.submission_id,
                func.max(SubmissionVersion.version).label("v"),
            )
            .group_by(SubmissionVersion.submission_id)
            .subquery()
        )
        mismatched = await session.scalar(
            select(func.count())
            .select_from(Submission)
            .join(latest, latest.c.submission_id == Submission.id)
            .where(latest.c.v != Submission.version)
        )
        assert mismatched == 0

    async def test_required_evidence_present_and_stored(
        self, session: AsyncSession, seeded: tuple[SeedSummary, LocalStorage]
    ) -> None:
        _, storage = seeded
        without = await session.scalar(
            select(func.count())
            .select_from(Submission)
            .join(Indicator, Submission.indicator_id == Indicator.id)
            .where(
                Indicator.evidence_required,
                Submission.status != SubmissionStatus.DRAFT,
                ~select(EvidenceFile.id)
                .where(EvidenceFile.submission_id == Submission.id)
                .exists(),
            )
        )
        assert without == 0
        blob = (await session.scalars(select(EvidenceBlob).limit(1))).one()
        content = storage.read_bytes(blob.storage_key)
        assert content.startswith(b"%PDF-")
        assert hashlib.sha256(content).hexdigest() == blob.sha256

    async def test_categories_range_from_not_ready_to_ready(
        self, session: AsyncSession, seeded: tuple[SeedSummary, LocalStorage]
    ) -> None:
        # Official readiness per Pemda in 2023-Q3, computed by the scoring rules, so the
        # dashboard has every category to show.
        rows = await session.execute(
            select(
                Region.code,
                Region.level,
                Indicator.answer_type,
                Indicator.target,
                Indicator.weight,
                Dimension.code,
                Dimension.weight,
                Submission.value,
                Submission.status,
            )
            .select_from(Submission)
            .join(Region, Submission.region_id == Region.id)
            .join(Indicator, Submission.indicator_id == Indicator.id)
            .join(Dimension, Indicator.dimension_id == Dimension.id)
            .join(Period, Submission.period_id == Period.id)
            .where(Period.code == "2023-Q3")
        )
        scores: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for code, _level, kind, target, w, dim, _dw, value, status in rows:
            if status != "verified":
                continue
            s = {
                "level": value / 4 * 100,
                "yes_no": value * 100,
                "percent": value,
                "count": min(value / (target or 1), 1) * 100,
            }[kind]
            scores[code][dim] += w * s
        indicators = list(await session.execute(select(Indicator, Dimension).join(Dimension)))
        readiness = {}
        for code, level in await session.execute(select(Region.code, Region.level)):
            applies = [(i, d) for i, d in indicators if getattr(i, f"applies_{level}")]
            dims = {d.code: d.weight for _, d in applies}
            total_w = {k: sum(i.weight for i, d in applies if d.code == k) for k in dims}
            r = sum(dims[k] * scores[code][k] / total_w[k] for k in dims) / sum(dims.values())
            readiness[code] = r
        assert min(readiness.values()) < 40
        assert max(readiness.values()) >= 80


KALTIM_KABKOTA = [
    "64.01", "64.02", "64.03", "64.07", "64.08", "64.09", "64.11", "64.71", "64.72", "64.74",
]  # fmt: skip


class TestMapBoundaries:
    """The map works on a fresh clone: the demo loads the outlines shipped in the package."""

    async def test_seed_loads_the_ten_outlines(
        self, seeded: tuple[SeedSummary, LocalStorage]
    ) -> None:
        summary, _ = seeded
        assert summary.boundaries == 10

    async def test_the_dashboard_map_gets_ten_features(
        self,
        app: FastAPI,
        session: AsyncSession,
        seeded_connection: tuple[AsyncConnection, SeedSummary, LocalStorage],
    ) -> None:
        monitor = await session.scalar(select(User).where(User.username == "pemantau.64"))
        assert monitor is not None
        token = await create_session_token(session, monitor, app.state.settings)
        await session.flush()
        bind_app_to(app, seeded_connection[0])
        async with http_client(app) as client:
            response = await client.get(
                f"{API}/regions/boundaries", params={"parent": "64"}, headers=bearer(token)
            )
        assert response.status_code == 200
        body = response.json()
        assert body["type"] == "FeatureCollection"
        features = body["features"]
        assert [f["properties"]["code"] for f in features] == KALTIM_KABKOTA
        assert all(f["geometry"]["type"] == "MultiPolygon" for f in features)
        # The file is map-sized already (3,871 points): stored as shipped, not simplified.
        points = sum(
            len(ring) for f in features for poly in f["geometry"]["coordinates"] for ring in poly
        )
        assert points == 3871

    async def test_the_shipped_file_keeps_its_licence_note(self) -> None:
        data = resources.files("siaga.seed").joinpath("data")
        note = data.joinpath("SOURCE.md").read_text("utf-8")
        assert "kaltim-kabkota.geojson" in note
        assert "MIT" in note and "Cahya DSN" in note
        assert "Permission is hereby granted, free of charge" in note
        assert data.joinpath("kaltim-kabkota.geojson").is_file()


class TestIdempotence:
    async def test_second_seed_creates_nothing(
        self,
        session: AsyncSession,
        seeded: tuple[SeedSummary, LocalStorage],
    ) -> None:
        _, storage = seeded
        before = {m.__name__: await _count(session, m) for m in (
            Region, Agency, Indicator, Period, User, Submission, SubmissionVersion,
            EvidenceFile, EvidenceBlob, Review, RegionBoundary,
        )}  # fmt: skip
        again = await seed_demo(session, storage, PASSWORD)
        after = {m.__name__: await _count(session, m) for m in (
            Region, Agency, Indicator, Period, User, Submission, SubmissionVersion,
            EvidenceFile, EvidenceBlob, Review, RegionBoundary,
        )}  # fmt: skip
        assert after == before
        assert (again.users_created, again.submissions_created, again.evidence_files) == (0, 0, 0)
        assert again.boundaries == 0
        # The first seed's two events: the demo itself and the outlines' import.
        actions = sorted((await session.scalars(select(AuditEvent.action))).all())
        assert actions == ["regions.import_boundaries", "seed.demo"]

    async def test_deterministic_values(
        self, session: AsyncSession, seeded: tuple[SeedSummary, LocalStorage]
    ) -> None:
        # Values fixed by the seed: a change of the generator shows up here on purpose.
        summary, _ = seeded
        assert summary.submissions_created == 1218
        assert summary.evidence_files == 1080


class TestDemoReports:
    async def test_closed_periods_accepted_open_ones_mixed(
        self, session: AsyncSession, seeded: tuple[SeedSummary, LocalStorage]
    ) -> None:
        from siaga.models import PemdaReport, PemdaReportEvent

        summary, _ = seeded
        rows = (
            await session.execute(
                select(Period.code, Region.code, PemdaReport.state, PemdaReport.is_late)
                .select_from(PemdaReport)
                .join(Period, PemdaReport.period_id == Period.id)
                .join(Region, PemdaReport.region_id == Region.id)
            )
        ).all()
        # One report per Pemda (11) and answered period (5).
        assert summary.reports_created == len(rows) == 55
        states: dict[str, Counter[str]] = defaultdict(Counter)
        late: dict[str, set[str]] = defaultdict(set)
        for period, region, state, is_late in rows:
            states[period][state] += 1
            if is_late:
                late[period].add(region)
        # Every Pemda's report accepted in the closed quarters, a few of them late: the
        # late regencies' province too, as it reports after them.
        for period in ("2023-Q1", "2023-Q2", "2023-Q3"):
            assert states[period] == {"accepted": 11}
        assert late == {
            "2023-Q1": {"64.07", "64.11", "64"},
            "2023-Q2": {"64.11", "64"},
            "2023-Q4": {"64.08"},
        }
        # The open quarters: drafts, and reports sent, returned and accepted.
        assert states["2023-Q4"] == {"draft": 6, "accepted": 2, "submitted": 2, "returned": 1}
        assert states["2024-Q1"] == {"draft": 9, "submitted": 1, "returned": 1}
        by_key = {(period, region): state for period, region, state, _ in rows}
        # Kota Samarinda is still answering in both: the README and the browser tests
        # follow its answers there.
        assert by_key["2023-Q4", "64.72"] == by_key["2024-Q1", "64.72"] == "draft"
        events = await session.scalar(select(func.count()).select_from(PemdaReportEvent))
        assert events and events > len(rows)

    async def test_every_act_as_the_rules_allow_it(
        self, session: AsyncSession, seeded: tuple[SeedSummary, LocalStorage]
    ) -> None:
        """Each sent report stands on its Pemda's sent answers (sent after the last of
        them, accepted after their last review, which the acceptance locks), a province
        reports after its regencies and cities are accepted, receipts are numbered in
        order of arrival and lateness is the cut-off's."""
        from siaga.models import PemdaReport, ReportState
        from siaga.regions.time_zones import WITA, deadline_cutoff
        from siaga.reporting import repository

        answers = (
            select(
                Submission.period_id,
                Submission.region_id,
                func.max(Submission.submitted_at).label("last_sent"),
                func.max(Submission.updated_at).label("last_change"),
            )
            .group_by(Submission.period_id, Submission.region_id)
            .subquery()
        )
        rows = (
            await session.execute(
                select(PemdaReport, Period, Region, answers.c.last_sent, answers.c.last_change)
                .join(Period, PemdaReport.period_id == Period.id)
                .join(Region, PemdaReport.region_id == Region.id)
                .join(
                    answers,
                    (answers.c.period_id == PemdaReport.period_id)
                    & (answers.c.region_id == PemdaReport.region_id),
                )
            )
        ).all()
        sent_in: dict[str, list[tuple[object, str]]] = defaultdict(list)
        accepted_children: dict[str, list[object]] = defaultdict(list)
        for report, period, region, last_sent, last_change in rows:
            if report.state == ReportState.DRAFT:
                assert report.receipt_number is None and report.first_submitted_at is None
                continue
            assert not await repository.missing_answers(session, period.id, region.id)
            assert report.first_submitted_at > last_sent, (period.code, region.code)
            ordinal = report.receipt_number.removeprefix(f"TT/{region.code}/{period.code}/")
            sent_in[period.code].append((report.first_submitted_at, ordinal))
            cutoff = deadline_cutoff(period.deadline, WITA)
            assert report.is_late == (report.first_submitted_at >= cutoff)
            if report.state == ReportState.ACCEPTED:
                assert report.accepted_at > last_change, (period.code, region.code)
                if region.parent_id is not None:
                    accepted_children[period.code].append(report.accepted_at)
            if report.state == ReportState.RETURNED:
                assert report.return_reason
        for period_code, sent in sent_in.items():
            numbered = [f"{n:04d}" for n in range(1, len(sent) + 1)]
            assert [o for _, o in sorted(sent)] == numbered, period_code
        for report, period, region, *_ in rows:
            if region.parent_id is None and report.state == ReportState.ACCEPTED:
                assert len(accepted_children[period.code]) == 10
                assert report.first_submitted_at > max(accepted_children[period.code])

    async def test_recommendations_in_mixed_states(
        self, session: AsyncSession, seeded: tuple[SeedSummary, LocalStorage]
    ) -> None:
        from siaga.models import Agency, RecommendationStatus, ReportRecommendation

        rows = (
            await session.execute(
                select(ReportRecommendation, Agency, Period)
                .join(Agency, Agency.id == ReportRecommendation.agency_id)
                .join(Period, Period.id == ReportRecommendation.period_id)
            )
        ).all()
        # Two or three per report.
        assert 2 * 55 <= len(rows) <= 3 * 55
        statuses = {rec.status for rec, _, _ in rows}
        assert statuses == set(RecommendationStatus)
        for rec, agency, period in rows:
            # The responsible agency is the Pemda's own; due after the quarter.
            assert agency.region_id == rec.region_id
            assert rec.due_on > period.end_date
            assert (rec.done_at is not None) == (rec.status == RecommendationStatus.DONE)
            if rec.status != RecommendationStatus.OPEN:
                assert rec.follow_up
        # One from a closed quarter is still in progress: it carries into later reports.
        carried = [
            rec
            for rec, _, period in rows
            if period.state == "closed" and rec.status != RecommendationStatus.DONE
        ]
        assert len(carried) == 1
