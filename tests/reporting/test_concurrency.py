"""Races on PostgreSQL (SQLite serialises all writers): an acceptance and an answer
change never both succeed over each other, two submissions at once give one receipt,
and one file sent twice at once is attached to a recommendation once. Each test widens
the race window with a delay, so that without the row locks (reporting.repository.get
and recommendation_repository.locate FOR UPDATE, submissions.repository.report_accepted
FOR SHARE) both requests would pass their checks before either writes."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from siaga.core.storage import LocalStorage
from siaga.core.types import utcnow
from siaga.models import (
    PemdaReport,
    PeriodState,
    RecommendationEvidence,
    RegionLevel,
    ReportRecommendation,
    ReportState,
    Role,
    Submission,
    SubmissionStatus,
)
from siaga.reporting import recommendation_repository
from siaga.reporting import repository as reporting_repository
from siaga.submissions import repository as answers_repository
from tests.auth.support import Committed, create_login_user, login
from tests.evidence import files
from tests.fixtures.auth import bearer
from tests.fixtures.factories import (
    create_agency,
    create_framework,
    create_period,
    create_region,
)
from tests.helpers import API
from tests.reporting.conftest import REASON, SECTIONS, answer_all

DELAY = 0.3


async def _world(committed: Committed, state: ReportState) -> None:
    async with committed.session() as session:
        province = await create_region(session, code="64", name="Kalimantan Timur")
        city = await create_region(
            session, code="64.72", name="Kota Samarinda", parent=province, level=RegionLevel.CITY
        )
        framework = await create_framework(session, code="UJI")
        period = await create_period(
            session, framework=framework, code="2023-Q4", state=PeriodState.OPEN
        )
        await answer_all(session, period, city)
        await create_login_user(
            session, username="verifikator.64", role=Role.VERIFIER, region=province
        )
        await create_login_user(
            session, username="koordinator.6472", role=Role.COORDINATOR, region=city
        )
        now = utcnow()
        signatory: Any = SECTIONS["signatory"]
        session.add(
            PemdaReport(
                period_id=period.id,
                region_id=city.id,
                state=state,
                situation=SECTIONS["situation"],
                risks=SECTIONS["risks"],
                obstacles=SECTIONS["obstacles"],
                conclusion=SECTIONS["conclusion"],
                signatory_name=signatory["name"],
                signatory_nip=signatory["nip"],
                signatory_position=signatory["position"],
                receipt_number="TT/64.72/2023-Q4/0001" if state != ReportState.DRAFT else None,
                submitted_at=now if state != ReportState.DRAFT else None,
                first_submitted_at=now if state != ReportState.DRAFT else None,
                version=2,
                created_at=now,
                updated_at=now,
            )
        )


def _postgres_only(backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("concurrent writers are what is tested; SQLite serialises all writers")


async def test_accept_while_an_answer_is_returned(
    committed: Committed, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _postgres_only(backend)
    looked = answers_repository.report_accepted

    async def slowly(*args: Any, **kwargs: Any) -> bool:
        found = await looked(*args, **kwargs)
        await asyncio.sleep(DELAY)  # the answer writer has seen "not accepted"
        return found

    monkeypatch.setattr(answers_repository, "report_accepted", slowly)
    await _world(committed, ReportState.SUBMITTED)
    answer = f"{API}/submissions/2023-Q4/64.72/D1.01"
    async with committed.client() as client:
        tokens = [(await login(client, "verifikator.64")).json()["token"] for _ in range(2)]
        current = await client.get(answer, headers=bearer(tokens[0]))
        assert current.status_code == 200, current.text

        async def return_answer() -> Any:
            return await client.post(
                answer + "/return",
                json={"reason": REASON},
                headers={**bearer(tokens[0]), "If-Match": current.json()["etag"]},
            )

        async def accept() -> Any:
            await asyncio.sleep(DELAY / 3)  # while the return waits after its look-up
            return await client.post(
                f"{API}/reports/64.72/2023-Q4/accept", headers=bearer(tokens[1])
            )

        returned, accepted = await asyncio.gather(return_answer(), accept())
    statuses = (returned.status_code, accepted.status_code)
    assert sorted(statuses) == [200, 409], (returned.text, accepted.text)
    async with committed.session() as session:
        report = await session.scalar(select(PemdaReport.state))
        open_answers = await session.scalar(
            select(func.count())
            .select_from(Submission)
            .where(Submission.status == SubmissionStatus.RETURNED)
        )
    # Never an accepted report over a returned answer.
    assert not (report == ReportState.ACCEPTED and open_answers), statuses


async def test_two_submissions_at_once_give_one_receipt(
    committed: Committed, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _postgres_only(backend)
    missing = reporting_repository.missing_answers

    async def slowly(*args: Any, **kwargs: Any) -> Any:
        found = await missing(*args, **kwargs)
        await asyncio.sleep(DELAY)  # both have checked the answers, neither has written
        return found

    monkeypatch.setattr(reporting_repository, "missing_answers", slowly)
    await _world(committed, ReportState.DRAFT)
    async with committed.client() as client:
        tokens = [(await login(client, "koordinator.6472")).json()["token"] for _ in range(2)]
        responses = await asyncio.gather(
            *(
                client.post(f"{API}/reports/64.72/2023-Q4/submit", headers=bearer(token))
                for token in tokens
            )
        )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 409], [r.text for r in responses]
    async with committed.session() as session:
        receipts = (await session.scalars(select(PemdaReport.receipt_number))).all()
    assert receipts == ["TT/64.72/2023-Q4/0001"]


async def test_one_file_sent_twice_at_once_is_attached_once(
    committed: Committed, backend: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _postgres_only(backend)
    looked = recommendation_repository.has_evidence_with_hash

    async def slowly(*args: Any, **kwargs: Any) -> bool:
        found = await looked(*args, **kwargs)
        await asyncio.sleep(DELAY)  # both have seen "not attached yet", neither has written
        return found

    monkeypatch.setattr(recommendation_repository, "has_evidence_with_hash", slowly)
    async with committed.session() as session:
        city = await create_region(session, code="64.72", level=RegionLevel.CITY)
        framework = await create_framework(session, code="UJI")
        period = await create_period(
            session, framework=framework, code="2023-Q4", state=PeriodState.OPEN
        )
        agency = await create_agency(session, region=city)
        await create_login_user(
            session, username="koordinator.6472", role=Role.COORDINATOR, region=city
        )
        rec = ReportRecommendation(
            period_id=period.id,
            region_id=city.id,
            agency_id=agency.id,
            text="Perkuat koordinasi",
            due_on=date(2031, 1, 1),
            follow_up="",
        )
        session.add(rec)
        await session.flush()
        url = f"{API}/recommendations/{rec.id}/evidence"
    committed.app.state.evidence_storage = LocalStorage(tmp_path / "evidence")
    try:
        async with committed.client() as client:
            tokens = [(await login(client, "koordinator.6472")).json()["token"] for _ in range(2)]
            body = files.multipart(files.pdf("sekali"))
            responses = await asyncio.gather(
                *(
                    client.post(
                        url,
                        content=body,
                        headers={**bearer(token), "Content-Type": files.CONTENT_TYPE},
                    )
                    for token in tokens
                )
            )
    finally:
        del committed.app.state.evidence_storage
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 409], [r.text for r in responses]
    assert "duplicate_evidence" in next(r.text for r in responses if r.status_code == 409)
    async with committed.session() as session:
        attached = await session.scalar(select(func.count()).select_from(RecommendationEvidence))
    assert attached == 1
