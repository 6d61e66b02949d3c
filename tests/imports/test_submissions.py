"""Importing answers: dry run, real run, idempotency, the answer rules and every bad row."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import httpx
import xlsxwriter
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.types import utcnow
from siaga.models import (
    AuditEvent,
    ImportBatch,
    ImportRowError,
    Indicator,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
)
from tests.fixtures.factories import create_fake_evidence
from tests.helpers import assert_error
from tests.imports.conftest import IMPORTS, LoginAs, World, csv_bytes, table_counts, upload

HEADER = "period,region,indicator,value,narrative,status"
GOOD = csv_bytes(
    HEADER,
    "2023-Q4,64.72,L.01,3,SK tim ditetapkan,draft",
    "2023-Q4,64.72,Y.01,ya,Laporan dikirim,submitted",
    "2023-Q4,64.72,P.01,75.5,,",
    "2023-Q4,64.72,C.01,2,Dua rapat,draft",
)


def _errors(body: dict[str, Any]) -> list[tuple[int, str | None, str]]:
    return [(e["row"], e["column"], e["code"]) for e in body["errors"]]


async def _answers(session: AsyncSession, world: World) -> dict[str, Any]:
    rows = (
        await session.execute(
            select(Indicator.code, Submission)
            .join(Indicator, Indicator.id == Submission.indicator_id)
            .where(Submission.region_id == world.city.id)
            .execution_options(populate_existing=True)
        )
    ).all()
    return {code: submission for code, submission in rows}


class TestHappyPath:
    async def test_dry_run_reports_and_writes_nothing(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        before = await table_counts(session)
        response = await upload(client, "submissions", GOOD, dry_run=True)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["dry_run"] is True
        assert body["status"] == "succeeded"
        assert body["counts"] == {
            "rows": 4,
            "created": 4,
            "updated": 0,
            "unchanged": 0,
            "errors": 0,
            "rows_with_errors": 0,
        }
        assert [(r["row"], r["key"], r["action"]) for r in body["rows"]] == [
            (2, "2023-Q4/64.72/L.01", "created"),
            (3, "2023-Q4/64.72/Y.01", "created"),
            (4, "2023-Q4/64.72/P.01", "created"),
            (5, "2023-Q4/64.72/C.01", "created"),
        ]
        assert await table_counts(session) == before
        # The batch itself is kept, so the preview can be looked at again.
        again = await client.get(f"{IMPORTS}/{body['id']}")
        assert again.status_code == 200
        assert again.json()["counts"] == body["counts"]

    async def test_real_run_creates_answers_versions_and_audit(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        response = await upload(client, "submissions", GOOD)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == "succeeded" and body["dry_run"] is False
        assert body["counts"]["created"] == 4
        assert body["created_by"] == "admin.nasional"
        answers = await _answers(session, world)
        assert {code: (a.value, a.status) for code, a in answers.items()} == {
            "L.01": (3.0, SubmissionStatus.DRAFT),
            "Y.01": (1.0, SubmissionStatus.SUBMITTED),
            "P.01": (75.5, SubmissionStatus.SUBMITTED),
            "C.01": (2.0, SubmissionStatus.DRAFT),
        }
        submitted = answers["Y.01"]
        assert submitted.first_submitted_at is not None and submitted.is_late is False
        assert answers["L.01"].submitted_at is None
        # The responsible office is recorded, as when answered by hand.
        assert answers["C.01"].agency_id is not None
        assert answers["C.01"].agency_id != answers["L.01"].agency_id
        versions = (
            await session.execute(
                select(SubmissionVersion.version, SubmissionVersion.action).where(
                    SubmissionVersion.submission_id.in_([a.id for a in answers.values()])
                )
            )
        ).all()
        assert sorted(versions) == [(1, "imported")] * 4
        events = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "submission.imported")
            )
        ).all()
        assert sorted(str(e.entity_id) for e in events) == sorted(
            f"2023-Q4/64.72/{c}" for c in ("L.01", "Y.01", "P.01", "C.01")
        )
        assert all(e.after and e.after["import_batch"] == body["id"] for e in events)
        assert all(e.region_code == "64.72" and e.actor_label == "admin.nasional" for e in events)
        run = (
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "import.run"))
        ).one()
        assert run.entity_id == str(body["id"]) and run.after and run.after["created"] == 4

    async def test_chunks_are_written_while_the_next_is_checked(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World, monkeypatch: Any
    ) -> None:
        """Tiny chunks, so creates and updates cross several pipelined writes: every answer
        still gets its own history version and audit event, with the right ids and values."""
        from siaga.imports import service

        monkeypatch.setattr(service, "CHUNK_ROWS", 2)
        monkeypatch.setattr(service, "FIRST_CHUNK_ROWS", 1)
        first = await upload(client, "submissions", GOOD)
        assert first.json()["counts"]["created"] == 4, first.text
        changed = csv_bytes(
            HEADER,
            '2023-Q4,64.72,L.01,4,"Kutipan ""SK""\nbaris dua, é",draft',
            "2023-Q4,64.72,Y.01,ya,Laporan dikirim,submitted",
            "2023-Q4,64.72,C.01,,,draft",
        )
        second = await upload(client, "submissions", changed)
        assert second.json()["counts"] | {"rows_with_errors": 0} == {
            "rows": 3,
            "created": 0,
            "updated": 2,
            "unchanged": 1,
            "errors": 0,
            "rows_with_errors": 0,
        }, second.text
        answers = await _answers(session, world)
        history = (
            await session.execute(
                select(SubmissionVersion.submission_id, SubmissionVersion.version).order_by(
                    SubmissionVersion.submission_id, SubmissionVersion.version
                )
            )
        ).all()
        ids = {code: a.id for code, a in answers.items()}
        assert sorted(history) == sorted(
            [(ids[c], 1) for c in ("L.01", "Y.01", "P.01", "C.01")]
            + [(ids["L.01"], 2), (ids["C.01"], 2)]
        )
        events = {
            (e.entity_id, e.after["version"] if e.after else None): e
            for e in await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "submission.imported")
            )
        }
        assert len(events) == 6
        assert events[("2023-Q4/64.72/L.01", 2)].before == {
            "value": 3.0,
            "narrative": "SK tim ditetapkan",
            "status": "draft",
            "version": 1,
        }
        assert events[("2023-Q4/64.72/L.01", 2)].after == {
            "value": 4.0,
            "narrative": 'Kutipan "SK"\nbaris dua, é',
            "status": "draft",
            "version": 2,
            "import_batch": second.json()["id"],
        }
        assert events[("2023-Q4/64.72/C.01", 2)].after == {
            "value": None,
            "narrative": "",
            "status": "draft",
            "version": 2,
            "import_batch": second.json()["id"],
        }
        assert answers["L.01"].narrative == 'Kutipan "SK"\nbaris dua, é'
        # Timestamps written as binary COPY on PostgreSQL: the right instant, in UTC.
        assert abs(answers["P.01"].created_at - utcnow()) < timedelta(minutes=5)
        assert answers["P.01"].first_submitted_at == answers["P.01"].created_at
        assert answers["C.01"].value is None and answers["C.01"].version == 2

    async def test_history_outlives_its_answer(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        """History is append-only (migration 0004): removing an answer by hand leaves its
        versions and audit events, with their actor ids, as they were."""
        body = (await upload(client, "submissions", GOOD)).json()
        answer = (await _answers(session, world))["L.01"]
        await session.execute(delete(Submission).where(Submission.id == answer.id))
        versions = (
            await session.scalars(
                select(SubmissionVersion).where(SubmissionVersion.submission_id == answer.id)
            )
        ).all()
        assert [(v.version, v.action, v.reason) for v in versions] == [
            (1, "imported", f"Impor #{body['id']}")
        ]
        assert versions[0].actor_user_id is not None
        event = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.entity_id == "2023-Q4/64.72/L.01")
            )
        ).one()
        assert event.actor_user_id == versions[0].actor_user_id

    async def test_same_file_twice_changes_nothing(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        first = await upload(client, "submissions", GOOD)
        assert first.json()["counts"]["created"] == 4
        before = await table_counts(session)
        second = await upload(client, "submissions", GOOD)
        assert second.status_code == 200
        assert second.json()["counts"]["unchanged"] == 4
        assert second.json()["counts"]["created"] == second.json()["counts"]["updated"] == 0
        after = await table_counts(session)
        # Only the batch's own audit event: no versions, no answer events.
        assert after["SubmissionVersion"] == before["SubmissionVersion"]
        assert after["Submission"] == before["Submission"]
        assert after["AuditEvent"] == before["AuditEvent"] + 1

    async def test_changed_value_updates_with_a_new_version(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        await upload(client, "submissions", GOOD)
        changed = csv_bytes(
            HEADER,
            "2023-Q4,64.72,C.01,3,Tiga rapat,draft",
            "2023-Q4,64.72,Y.01,ya,Laporan dikirim,submitted",
        )
        response = await upload(client, "submissions", changed)
        body = response.json()
        assert [(r["key"], r["action"]) for r in body["rows"]] == [
            ("2023-Q4/64.72/C.01", "updated"),
            ("2023-Q4/64.72/Y.01", "unchanged"),
        ]
        answer = (await _answers(session, world))["C.01"]
        assert (answer.value, answer.narrative, answer.version) == (3.0, "Tiga rapat", 2)
        event = (
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "submission.imported")
                .order_by(AuditEvent.id.desc())
            )
        ).first()
        assert event is not None and event.before == {
            "value": 2.0,
            "narrative": "Dua rapat",
            "status": "draft",
            "version": 1,
        }

    async def test_draft_then_submitted_submits(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        await upload(client, "submissions", csv_bytes(HEADER, "2023-Q4,64.72,C.01,2,x,draft"))
        await upload(client, "submissions", csv_bytes(HEADER, "2023-Q4,64.72,C.01,2,x,submitted"))
        answer = (await _answers(session, world))["C.01"]
        assert answer.status == SubmissionStatus.SUBMITTED and answer.version == 2
        assert answer.first_submitted_at is not None

    async def test_semicolon_csv_with_bom_and_decimal_comma(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        content = csv_bytes(
            " Period ;REGION;Indicator;Value;Narrative",
            '2023-Q4;64.72;P.01;62,5;"Catatan; dengan titik koma"',
            bom=True,
        )
        response = await upload(client, "submissions", content)
        assert response.status_code == 200, response.text
        assert response.json()["counts"]["created"] == 1
        answer = (await _answers(session, world))["P.01"]
        assert answer.value == 62.5 and answer.narrative == "Catatan; dengan titik koma"

    async def test_xlsx(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = workbook.add_worksheet("Data")
        rows: list[list[Any]] = [
            ["period", "region", "indicator", "value", "narrative", "status"],
            ["2023-Q4", "64.72", "L.01", 4, "Dievaluasi", "draft"],
            ["2023-Q4", "64.72", "Y.01", "tidak", "", "submitted"],
            [],
            ["2023-Q4", "64.72", "P.01", 12.5, "", "submitted"],
        ]
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                sheet.write(r, c, value)
        workbook.close()
        response = await upload(client, "submissions", buffer.getvalue(), filename="data.xlsx")
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["counts"]["created"] == 3
        # Row numbers as the user sees them: the blank row 4 is skipped, not renumbered.
        assert [r["row"] for r in body["rows"]] == [2, 3, 5]
        answers = await _answers(session, world)
        assert (answers["L.01"].value, answers["Y.01"].value, answers["P.01"].value) == (
            4.0,
            0.0,
            12.5,
        )


class TestRowErrors:
    async def test_every_bad_row_is_named_and_nothing_is_written(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        content = csv_bytes(
            HEADER,
            "2023-Q4,64.72,C.01,2,baik,draft",  # 2: fine
            "2099-Q1,64.72,C.01,2,,draft",  # 3: unknown period
            "2023-Q4,99.99,C.01,2,,draft",  # 4: unknown region
            "2023-Q4,64.72,X.99,2,,draft",  # 5: unknown indicator
            "2023-Q4,64.72,L.01,5,,draft",  # 6: level out of range
            "2023-Q4,64.72,Y.01,mungkin,,draft",  # 7: not yes/no
            "2023-Q4,64.72,P.01,101,,draft",  # 8: percent > 100
            "2023-Q4,64.72,C.01,-1,,draft",  # 9: negative count (and a duplicate key)
            "2023-Q3,64.72,P.01,50,,draft",  # 10: closed period
            "2023-Q4,64,R.01,2,,draft",  # 11: indicator not for a province
            "2023-Q4,64.72,P.01,50,,final",  # 12: bad status
            "2023-Q4,64.72,L.01,3,,submitted",  # 13: evidence required
            "2023-Q4,64.72,C.01,2.5,,draft",  # 14: count not whole
            "2023-Q4,64.72,P.01,,,submitted",  # 15: value required to submit
            "2023-Q4,64.72,C.01,3,lagi,draft",  # 16: duplicate of row 2
        )
        before = await table_counts(session)
        response = await upload(client, "submissions", content)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == "failed"
        assert _errors(body) == [
            (3, "period", "unknown_period"),
            (4, "region", "unknown_region"),
            (5, "indicator", "unknown_indicator"),
            (6, "value", "invalid_value"),
            (7, "value", "invalid_value"),
            (8, "value", "invalid_value"),
            (9, "value", "invalid_value"),
            (10, "period", "period_not_open"),
            (11, "indicator", "indicator_not_applicable"),
            (12, "status", "invalid_status"),
            (13, "status", "evidence_required"),
            (14, "value", "invalid_value"),
            (15, "value", "value_required"),
            (16, "indicator", "duplicate_row"),
        ]
        duplicate = body["errors"][-1]
        assert "baris 2" in duplicate["message"] and "row 2" in duplicate["message_en"]
        assert body["counts"]["rows_with_errors"] == 14
        # All or nothing: row 2 was fine, but it is not written either.
        after = await table_counts(session)
        assert after["Submission"] == before["Submission"]
        assert after["SubmissionVersion"] == before["SubmissionVersion"]
        stored = await session.scalar(
            select(func.count())
            .select_from(ImportRowError)
            .where(ImportRowError.batch_id == body["id"])
        )
        assert stored == 14
        batch = await session.get(ImportBatch, body["id"])
        assert batch is not None and batch.error_count == 14

    async def test_errors_in_a_late_chunk_roll_back_earlier_chunks(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World, monkeypatch: Any
    ) -> None:
        from siaga.imports import service

        monkeypatch.setattr(service, "CHUNK_ROWS", 2)
        monkeypatch.setattr(service, "FIRST_CHUNK_ROWS", 1)
        content = csv_bytes(
            HEADER,
            "2023-Q4,64.72,L.01,1,,draft",
            "2023-Q4,64.72,Y.01,ya,,draft",
            "2023-Q4,64.72,P.01,10,,draft",
            "2023-Q4,64.72,C.01,oops,,draft",
        )
        response = await upload(client, "submissions", content)
        assert response.json()["status"] == "failed"
        assert await _answers(session, world) == {}
        assert (
            await session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "submission.imported")
            )
            == 0
        )

    async def test_verified_answer_is_locked_unless_unchanged(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        await upload(client, "submissions", csv_bytes(HEADER, "2023-Q4,64.72,C.01,2,x,submitted"))
        answer = (await _answers(session, world))["C.01"]
        answer.status = SubmissionStatus.VERIFIED
        await session.flush()
        same = await upload(client, "submissions", csv_bytes(HEADER, "2023-Q4,64.72,C.01,2,x,"))
        assert same.json()["counts"]["unchanged"] == 1
        changed = await upload(client, "submissions", csv_bytes(HEADER, "2023-Q4,64.72,C.01,4,x,"))
        assert _errors(changed.json()) == [(2, "value", "answer_locked")]

    async def test_evidence_present_allows_submitting(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        await upload(client, "submissions", csv_bytes(HEADER, "2023-Q4,64.72,L.01,3,x,draft"))
        answer = (await _answers(session, world))["L.01"]
        await create_fake_evidence(session, answer.id)
        response = await upload(
            client, "submissions", csv_bytes(HEADER, "2023-Q4,64.72,L.01,3,x,submitted")
        )
        assert response.json()["counts"]["updated"] == 1, response.text
        version = (
            await session.scalars(
                select(SubmissionVersion).where(
                    SubmissionVersion.submission_id == answer.id, SubmissionVersion.version == 2
                )
            )
        ).one()
        assert version.status == SubmissionStatus.SUBMITTED
        assert version.evidence_hashes == ["a" * 64]

    async def test_region_outside_scope_reads_as_unknown(
        self, client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        headers = await login_as(world.province_admin)
        content = csv_bytes(HEADER, "2023-Q4,63.71,P.01,10,,draft", "2023-Q4,63.99,P.01,10,,draft")
        body = (await upload(client, "submissions", content, headers=headers)).json()
        # Existing-but-outside and not-existing give the same answer: nothing leaks.
        assert _errors(body) == [(2, "region", "unknown_region"), (3, "region", "unknown_region")]
        assert body["errors"][0]["message"].replace("63.71", "X") == body["errors"][1][
            "message"
        ].replace("63.99", "X")


class TestIdempotencyKey:
    async def test_retry_returns_the_first_batch(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        headers = {"Idempotency-Key": "impor-2023-q4-001"}
        first = await upload(client, "submissions", GOOD, headers=headers)
        before = await table_counts(session)
        retry = await upload(client, "submissions", GOOD, headers=headers)
        assert retry.status_code == 200
        assert retry.headers["Idempotent-Replayed"] == "true"
        assert retry.json()["id"] == first.json()["id"]
        assert retry.json()["counts"]["created"] == 4
        assert await table_counts(session) == before

    async def test_same_key_other_file_is_a_conflict(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        headers = {"Idempotency-Key": "k-1"}
        await upload(client, "submissions", GOOD, headers=headers)
        other = csv_bytes(HEADER, "2023-Q4,64.72,C.01,1,,draft")
        assert_error(
            await upload(client, "submissions", other, headers=headers),
            409,
            "idempotency_key_reused",
        )

    async def test_keys_belong_to_their_author(
        self, client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        headers = {"Idempotency-Key": "shared"}
        first = await upload(client, "submissions", GOOD, headers=headers)
        other = {**headers, **await login_as(world.province_admin)}
        second = await upload(client, "submissions", GOOD, headers=other)
        assert second.status_code == 200
        assert second.json()["id"] != first.json()["id"]
        assert "Idempotent-Replayed" not in second.headers
