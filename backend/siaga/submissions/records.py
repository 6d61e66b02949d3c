"""An answer's records, each written by one function that every path uses: its state as
the workflow sees it (and back), the version row of its history, its audit row, the
event of a transition (the outbox), and a message in its conversation (here, below the
comments package, because a return writes its reason as the thread's message in the
return's transaction)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor, record
from siaga.core.types import utcnow
from siaga.events import outbox
from siaga.models import AnswerComment, CommentKind, Submission
from siaga.submissions import repository, workflow


def etag_of(submission: Submission) -> str:
    return f'"{submission.id}-{submission.version}"'


def state_of(submission: Submission) -> workflow.Answer:
    return workflow.Answer(
        value=submission.value,
        narrative=submission.narrative,
        status=submission.status,
        version=submission.version,
        first_submitted_at=submission.first_submitted_at,
        submitted_at=submission.submitted_at,
        verified_at=submission.verified_at,
        is_late=submission.is_late,
    )


def apply(
    submission: Submission, answer: workflow.Answer, actor: Actor, now: datetime | None = None
) -> None:
    """Give the row the workflow's new state, stamped with who changed it and when."""
    submission.value = answer.value
    submission.narrative = answer.narrative
    submission.status = answer.status
    submission.version = answer.version
    submission.first_submitted_at = answer.first_submitted_at
    submission.submitted_at = answer.submitted_at
    submission.verified_at = answer.verified_at
    submission.is_late = answer.is_late
    submission.updated_at = now or utcnow()
    submission.updated_by_id = actor.user_id


async def write_version(
    session: AsyncSession,
    submission: Submission,
    action: str,
    actor: Actor,
    reason: str | None = None,
) -> None:
    """Record the answer as it now is (values and evidence hashes) as its version row."""
    await session.flush()
    await write_versions(session, [submission.id], action, actor, reason)


async def write_versions(
    session: AsyncSession,
    submission_ids: list[int],
    action: str,
    actor: Actor,
    reason: str | None = None,
) -> None:
    """The one writer of version rows: every answer named, as it now is in the database."""
    await repository.insert_versions(
        session,
        submission_ids,
        action=action,
        reason=reason,
        actor_user_id=actor.user_id,
        actor_api_key_id=actor.api_key_id,
        at=utcnow(),
    )


def write_event(
    session: AsyncSession,
    actor: Actor,
    action: workflow.Action,
    keys: tuple[str, str, str],
    agency: str | None,
    change: tuple[workflow.Answer, workflow.Answer],
    reason: str | None,
    at: datetime,
) -> None:
    """The transition's event (`change`: the answer before and after), in its
    transaction (siaga.events.outbox)."""
    before, after = change
    data = workflow.event_data(keys, agency, before, after, actor.label, reason, at)
    outbox.emit(session, workflow.EVENT_OF[action], data, region=data.region, actor=actor)


def write_audit(session: AsyncSession, actor: Actor, entry: workflow.AuditEntry) -> None:
    record(
        session,
        actor,
        entry.action,
        entity_type=entry.entity_type,
        entity_id=entry.entity_id,
        region_code=entry.region_code,
        before=entry.before,
        after=entry.after,
    )


async def write_comment(
    session: AsyncSession,
    actor: Actor,
    *,
    period_id: int,
    region_id: int,
    indicator_id: int,
    label: str,
    region_code: str,
    kind: CommentKind,
    body: str,
) -> AnswerComment:
    """The one writer of comments: the message on the answer's thread, and its audit row."""
    comment = AnswerComment(
        period_id=period_id,
        region_id=region_id,
        indicator_id=indicator_id,
        kind=kind,
        body=body,
        author_user_id=actor.user_id,
        author_api_key_id=actor.api_key_id,
        author_label=actor.label[:200],
        created_at=utcnow(),
    )
    session.add(comment)
    # The id goes into the audit row, so the audit trail names the message.
    await session.flush()
    entry = workflow.audit_entry(
        "comment.create",
        label,
        region_code,
        after={"comment_id": comment.id, "kind": kind.value, "body": body},
    )
    write_audit(session, actor, entry)
    return comment
