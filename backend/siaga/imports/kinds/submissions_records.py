"""The rows a chunk of imported answers writes, built as tuples in a fixed column order:
the answers, one history version and one audit event each, and an outbox event for each
answer the import submits (workflow.event_data, as a transition's); on PostgreSQL encoded
as binary COPY ahead of time, while the previous chunk is being written.

Snapshots are written by imports.bulk.json_snapshot, the JSON text of workflow.snapshot
(tests/imports/test_submissions_workflow.py proves the two the same); an audit row's
varying columns are workflow.audit_entry's (`audit_values`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from siaga.audit.actions import AuditAction, AuditEntity
from siaga.events.outbox import ACTOR_LABEL_MAX_LENGTH
from siaga.imports.bulk import (
    CopyEncoder,
    bulk_update,
    copy_encoded,
    copy_records,
    is_postgres,
    json_snapshot,
    json_text,
)
from siaga.imports.kinds.base import YIELD_EVERY, Context, Write, table_of
from siaga.imports.kinds.submissions_check import AnswerRow
from siaga.imports.kinds.submissions_plan import Update, stored
from siaga.models import AuditEvent, OutboxEvent, Submission, SubmissionStatus, SubmissionVersion
from siaga.submissions import workflow
from siaga.submissions.workflow import Answer

Row = tuple[Any, ...]
SUBMITTED = SubmissionStatus.SUBMITTED


def audit_values(
    label: str, region_code: str, before: str | None, after: str
) -> tuple[str, str, str | None, str]:
    """An answer's audit row as the COPY below takes it: (entity_id, region_code, before,
    after), the snapshots already JSON text."""
    return (label[: workflow.ENTITY_ID_MAX_LENGTH], region_code, before, after)


def _event(
    ctx: Context, row: AnswerRow, agency: str | None, old: Answer | None, new: Answer
) -> Row:
    """The outbox row (region, data as JSON text) of an answer the row submits."""
    period, region, indicator = row.label.split("/", 2)
    data = workflow.event_data(
        (period, region, indicator), agency, old, new, ctx.actor.label, None, ctx.now
    )
    return (row.region_code, data.model_dump_json())


async def chunk_write(
    ctx: Context,
    creates: list[tuple[AnswerRow, Answer]],
    ids: list[int],
    updates: list[Update],
    evidence: dict[int, list[str]],
    agencies: Mapping[int, str],
) -> Write:
    """Every row the chunk writes, built now, and the writes that send them: new answers
    (each with the workflow's verdict for its kind of row), changed answers, one history
    version and one audit event per answer (`after` carries the batch id), an outbox
    event per answer submitted (`agencies`: agency codes by id)."""
    now, actor, batch = ctx.now, ctx.actor, ctx.batch_id
    user, key = actor.user_id, actor.api_key_id
    # Each table's rows hold the columns that vary; the rest is the same for the whole
    # chunk and written once (see the column lists below).
    answer_constants = (now, now, None, user, user)
    version_constants = (workflow.IMPORTED, f"Impor #{batch}", user, key, now)
    audit_constants = (
        *(now, user, key, actor.label, AuditAction.SUBMISSION_IMPORTED.value, "success"),
        *(AuditEntity.SUBMISSION.value, actor.client_addr, actor.request_id),
    )
    event_constants = (
        workflow.EVENT_OF["submit"].value,
        now,
        user,
        actor.label[:ACTOR_LABEL_MAX_LENGTH],
        0,
    )
    answers: list[Row] = []
    versions: list[Row] = []
    audits: list[Row] = []
    events: list[Row] = []
    for n, ((a, verdict), submission_id) in enumerate(zip(creates, ids, strict=False), 1):
        value, narrative, status = a.value, a.narrative, verdict.status.value
        version = verdict.version
        answers.append(
            (
                *(submission_id, *a.key, a.agency_id, value, narrative, status),
                *(verdict.is_late, verdict.first_submitted_at, verdict.submitted_at, version),
            )
        )
        versions.append((submission_id, version, status, value, narrative, "[]"))
        after = json_snapshot(value, narrative, status, version, batch)
        audits.append(audit_values(a.label, a.region_code, None, after))
        if verdict.status == SUBMITTED:
            events.append(_event(ctx, a, agencies.get(a.agency_id or 0), None, verdict))
        if n % YIELD_EVERY == 0:
            await asyncio.sleep(0)
    changes = []
    for u in updates:
        old, new, a = u.old, u.new, u.row
        status = new.status.value
        changes.append(
            {
                "id": old.id,
                "value": new.value,
                "narrative": new.narrative,
                "status": status,
                "version": new.version,
                "updated_at": now,
                "updated_by_id": user,
                "first_submitted_at": new.first_submitted_at,
                "submitted_at": new.submitted_at,
                "is_late": new.is_late,
            }
        )
        hashes = json_text(evidence.get(old.id, []))
        versions.append((old.id, new.version, status, new.value, new.narrative, hashes))
        before = json_snapshot(old.value, old.narrative, old.status.value, old.version)
        after = json_snapshot(new.value, new.narrative, status, new.version, batch)
        audits.append(audit_values(a.label, a.region_code, before, after))
        if new.status == SUBMITTED and old.status != SUBMITTED:
            events.append(_event(ctx, a, agencies.get(a.agency_id or 0), stored(old), new))
    session = ctx.session
    tables = [
        (encoder, rows, constants)
        for encoder, rows, constants in (
            (ANSWER_COPY, answers, answer_constants),
            (VERSION_COPY, versions, version_constants),
            (AUDIT_COPY, audits, audit_constants),
            (EVENT_COPY, events, event_constants),
        )
        if rows
    ]
    if is_postgres(session):
        # Encoded now, while the previous chunk is written, so the writes only send.
        encoded = [
            (encoder, await encoder.encode(rows, constants, YIELD_EVERY))
            for encoder, rows, constants in tables
        ]

        async def send() -> None:
            await bulk_update(session, table_of(Submission), changes)
            for encoder, data in encoded:
                await copy_encoded(session, encoder, data)

        return send

    async def write() -> None:
        await bulk_update(session, table_of(Submission), changes)
        for encoder, rows, constants in tables:
            records = [row + constants for row in rows]
            await copy_records(session, encoder.table, encoder.columns, records)

    return write


# The columns written: those that vary per row, in the order of the tuples above, then
# those the same for a whole chunk.
ANSWER_COPY = CopyEncoder(
    table_of(Submission),
    (
        "id", "period_id", "region_id", "indicator_id", "agency_id", "value", "narrative",
        "status", "is_late", "first_submitted_at", "submitted_at", "version",
    ),
    ("created_at", "updated_at", "verified_at", "created_by_id", "updated_by_id"),
    memo=("period_id", "region_id", "indicator_id", "agency_id", "value", "status", "version"),
)  # fmt: skip
VERSION_COPY = CopyEncoder(
    table_of(SubmissionVersion),
    ("submission_id", "version", "status", "value", "narrative", "evidence_hashes"),
    ("action", "reason", "actor_user_id", "actor_api_key_id", "created_at"),
    memo=("version", "status", "value", "evidence_hashes"),
)
AUDIT_COPY = CopyEncoder(
    table_of(AuditEvent),
    ("entity_id", "region_code", "before", "after"),
    (
        "occurred_at", "actor_user_id", "actor_api_key_id", "actor_label", "action",
        "outcome", "entity_type", "client_addr", "request_id",
    ),
    memo=("region_code",),
)  # fmt: skip
EVENT_COPY = CopyEncoder(
    table_of(OutboxEvent),
    ("region_code", "data"),
    ("type", "occurred_at", "actor_user_id", "actor_label", "attempts"),
    memo=("region_code",),
)
