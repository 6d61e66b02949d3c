"""A report's records, each written by one function: its state as the rules see it
(and back), the event in its history, its audit row, and the outbox event of a
transition."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor, record
from siaga.events import outbox
from siaga.events.catalogue import EventType, ReportEventData
from siaga.models import PemdaReport, PemdaReportEvent
from siaga.reporting import rules

# What the history says a PUT did (the transitions record their own action name).
WRITTEN = "written"


def label(period: str, region: str) -> str:
    """The audit entity id of a report: its natural key."""
    return f"{period}/{region}"


def etag_of(report: PemdaReport | None) -> str:
    return '"report-new"' if report is None else f'"report-{report.id}-{report.version}"'


def state_of(report: PemdaReport | None) -> rules.Report:
    if report is None:
        return rules.Report(state=rules.DRAFT, version=0)
    return rules.Report(
        state=report.state,
        version=report.version,
        receipt_number=report.receipt_number,
        first_submitted_at=report.first_submitted_at,
        submitted_at=report.submitted_at,
        is_late=report.is_late,
    )


def content_of(report: PemdaReport) -> dict[str, Any]:
    """The written part of a report, as PUT takes it, the history and the audit see it."""
    return {
        "situation": report.situation,
        "risks": report.risks,
        "obstacles": report.obstacles,
        "conclusion": report.conclusion,
        "signatory": {
            "name": report.signatory_name,
            "nip": report.signatory_nip,
            "position": report.signatory_position,
        },
    }


def set_content(report: PemdaReport, content: dict[str, Any]) -> None:
    report.situation = content["situation"]
    report.risks = content["risks"]
    report.obstacles = content["obstacles"]
    report.conclusion = content["conclusion"]
    report.signatory_name = content["signatory"]["name"]
    report.signatory_nip = content["signatory"]["nip"]
    report.signatory_position = content["signatory"]["position"]


def apply(
    report: PemdaReport,
    after: rules.Report,
    action: rules.Action,
    actor: Actor,
    now: datetime,
    reason: str | None,
) -> None:
    """Give the row the new state, and stamp who took the transition, when and why."""
    report.state = after.state
    report.version = after.version
    report.receipt_number = after.receipt_number
    report.first_submitted_at = after.first_submitted_at
    report.submitted_at = after.submitted_at
    report.is_late = after.is_late
    report.updated_at = now
    report.updated_by_id = actor.user_id
    if action == "submit":
        report.submitted_by_id = actor.user_id
    elif action == "accept":
        report.accepted_at, report.accepted_by_id = now, actor.user_id
    elif action == "return":
        report.returned_at, report.returned_by_id = now, actor.user_id
        report.return_reason = reason
    else:
        report.unaccepted_at, report.unaccepted_by_id = now, actor.user_id
        report.unaccept_reason = reason
        report.accepted_at = report.accepted_by_id = None


async def write(
    session: AsyncSession,
    actor: Actor,
    report: PemdaReport,
    action: str,
    *,
    region_code: str,
    period_code: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    reason: str | None = None,
) -> None:
    """The history event and the audit row of one change (`action`: written or a
    transition)."""
    await session.flush()
    session.add(
        PemdaReportEvent(
            report_id=report.id,
            version=report.version,
            action=action,
            state=report.state,
            reason=reason,
            actor_user_id=actor.user_id,
            actor_api_key_id=actor.api_key_id,
            actor_label=actor.label[:200],
            created_at=report.updated_at,
        )
    )
    # Sessions do not autoflush: the response reads the history back.
    await session.flush()
    record(
        session,
        actor,
        "report.update" if action == WRITTEN else f"report.{action}",
        entity_type="report",
        entity_id=label(period_code, region_code),
        region_code=region_code,
        before=before,
        after=after,
    )


# A withdrawn acceptance puts the report back in review: for its receivers (the
# reviewers one level up) that is a report submitted to them again.
EVENT_OF: dict[rules.Action, EventType] = {
    "submit": EventType.REPORT_SUBMITTED,
    "accept": EventType.REPORT_ACCEPTED,
    "return": EventType.REPORT_RETURNED,
    "unaccept": EventType.REPORT_SUBMITTED,
}


def write_event(
    session: AsyncSession,
    actor: Actor,
    action: rules.Action,
    *,
    region_code: str,
    period_code: str,
    change: tuple[rules.Report, rules.Report],
    reason: str | None,
    at: datetime,
) -> None:
    """The transition's event (`change`: the report before and after), in its
    transaction (siaga.events.outbox)."""
    before, after = change
    data = ReportEventData(
        period=period_code,
        region=region_code,
        status=after.state,
        previous_status=before.state,
        version=after.version,
        receipt_number=after.receipt_number,
        late=after.is_late,
        reason=reason or None,
        actor=actor.label,
        occurred_at=at,
    )
    outbox.emit(session, EVENT_OF[action], data, region=region_code, actor=actor)


def snapshot(report: rules.Report, **extra: Any) -> dict[str, Any]:
    return {
        "state": report.state.value,
        "version": report.version,
        "receipt_number": report.receipt_number,
        "late": report.is_late,
        **{key: value for key, value in extra.items() if value is not None},
    }
