"""Quick incident reports: file one, read it in scope with its timeline, take its steps,
escalate it, attach files. The rules decide (incidents/rules.py); this module loads,
locks and records: every change writes its timeline entry and goes through `_event`."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.actions import AuditAction, AuditEntity
from siaga.audit.service import Actor, record
from siaga.core.filetypes import FileType, sanitize_filename
from siaga.core.security import Principal
from siaga.core.types import utcnow
from siaga.core.uploads import StagedUpload
from siaga.events.catalogue import EventType, IncidentEventData
from siaga.events.outbox import emit
from siaga.incidents import checks, repository, rules
from siaga.incidents.context import Context, caller_of, load, refuse
from siaga.incidents.schemas import IncidentCreate, IncidentEscalate, IncidentRead, IncidentUpdate
from siaga.incidents.views import read
from siaga.models import Incident, IncidentEvent, IncidentFile, IncidentState
from siaga.regions import repository as regions_repository

# What the audit trail records for each event type (the outbox carries the type itself).
_AUDIT_ACTIONS = {
    "incident.reported": AuditAction.INCIDENT_REPORT,
    "incident.updated": AuditAction.INCIDENT_UPDATE,
    "incident.resolved": AuditAction.INCIDENT_UPDATE,
    "incident.escalated": AuditAction.INCIDENT_ESCALATE,
}


def snapshot(incident: Incident) -> dict[str, Any]:
    return {
        "state": incident.state.value,
        "level": incident.level.value,
        "severity": incident.severity.value,
        "category": incident.category.value,
        "version": incident.version,
    }


def _event(
    session: AsyncSession,
    type_: str,
    incident: Incident,
    *,
    actor: Actor,
    region_code: str,
    before: dict[str, Any] | None,
    note: str | None = None,
    extra: dict[str, Any] | None = None,
    audit_action: AuditAction | None = None,
) -> None:
    """Every change of an incident passes here once: its audit row, and its event for
    notifications and webhooks (the outbox, in the same transaction)."""
    after: dict[str, Any] = {**snapshot(incident), **(extra or {})}
    if note is not None:
        after["note"] = note
    record(
        session,
        actor,
        audit_action or _AUDIT_ACTIONS[type_],
        entity_type=AuditEntity.INCIDENT,
        entity_id=incident.number,
        region_code=region_code,
        before=before,
        after=after,
    )
    emit(
        session,
        EventType(type_),
        IncidentEventData(
            number=incident.number,
            region=region_code,
            title=incident.title,
            category=incident.category,
            severity=incident.severity,
            status=incident.state,
            level=incident.level,
            version=incident.version,
            note=note or None,
            reason=note if type_ == "incident.escalated" else None,
            urgent=rules.notifies_province_at_once(incident.severity),
            actor=actor.label,
            occurred_at=utcnow(),
        ),
        region=region_code,
        actor=actor,
    )


def _timeline(
    session: AsyncSession,
    incident: Incident,
    actor: Actor,
    kind: str,
    *,
    from_state: IncidentState | None,
    note: str = "",
    at: datetime,
) -> None:
    session.add(
        IncidentEvent(
            incident_id=incident.id,
            kind=kind,
            from_state=from_state,
            state=incident.state,
            level=incident.level,
            note=note,
            actor_user_id=actor.user_id,
            actor_api_key_id=actor.api_key_id,
            actor_label=actor.label,
            created_at=at,
        )
    )


async def create(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    data: IncidentCreate,
    *,
    default_zone: str,
) -> IncidentRead:
    """File an incident for the caller's own Pemda (or one in an administrator's scope);
    numbered per region and year of filing in the region's zone."""
    caller = await caller_of(session, principal)
    if not rules.files_somewhere(caller):
        refuse(rules.forbidden("report"), None, None)
    region = await repository.region_by_code(session, data.region)
    if region is None or not rules.may_file(caller, region.code):
        refuse(checks.invalid_region(data.region), None, None)
    assert region is not None
    now = utcnow()
    location = data.location
    refuse(checks.check_occurred(data.occurred_at, now), None, region.code)
    refuse(checks.check_location(location.lat, location.lon), None, region.code)
    if location.lat is not None and location.lon is not None:
        bounds = await repository.outline_bounds(session, region.id)
        refuse(checks.check_in_outline(location.lat, location.lon, bounds), None, region.code)
    zone = await regions_repository.time_zone_of(session, region, default_zone)
    year = now.astimezone(ZoneInfo(zone)).year
    seq = await repository.next_seq(session, region.id, year)
    incident = Incident(
        number=rules.number(region.code, year, seq),
        region_id=region.id,
        year=year,
        seq=seq,
        category=data.category,
        severity=data.severity,
        state=IncidentState.REPORTED,
        level=rules.PEMDA,
        occurred_at=data.occurred_at,
        occurred_on=data.occurred_at.astimezone(ZoneInfo(zone)).date(),
        title=data.title,
        description=data.description,
        actions_taken=data.actions_taken,
        district=location.district,
        village=location.village,
        latitude=location.lat,
        longitude=location.lon,
        reported_at=now,
        reported_by_id=actor.user_id,
        reporter_label=actor.label,
        version=1,
        updated_at=now,
    )
    session.add(incident)
    await session.flush()
    _timeline(session, incident, actor, "reported", from_state=None, note="", at=now)
    _event(
        session,
        "incident.reported",
        incident,
        actor=actor,
        region_code=region.code,
        before=None,
        extra={"title": incident.title, "occurred_at": incident.occurred_at.isoformat()},
    )
    await session.flush()
    return await read(session, Context(incident, region, zone, caller))


async def _for_change(
    session: AsyncSession, principal: Principal, number: str, default_zone: str
) -> Context:
    # The Ministry may act on any incident it may ask to see (its "all").
    return await load(
        session,
        principal,
        number,
        default_zone=default_zone,
        all_=principal.region_code is None,
        lock=True,
    )


def _step(incident: Incident, target: IncidentState, now: datetime) -> None:
    """The timestamps a step sets (a reopened incident is no longer resolved)."""
    if target == IncidentState.ACKNOWLEDGED and incident.acknowledged_at is None:
        incident.acknowledged_at = now
    elif target == IncidentState.RESOLVED:
        incident.resolved_at = now
    elif target == IncidentState.CLOSED:
        incident.closed_at = now
    elif target == IncidentState.HANDLING and incident.state == IncidentState.RESOLVED:
        incident.resolved_at = None
    incident.state = target


async def update(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    number: str,
    data: IncidentUpdate,
    *,
    default_zone: str,
) -> IncidentRead:
    """A step with its note, or a note alone."""
    ctx = await _for_change(session, principal, number, default_zone)
    incident, region = ctx.incident, ctx.region.code
    refuse(rules.check_update(ctx.caller, ctx.case, data.state), number, region)
    before, from_state = snapshot(incident), incident.state
    now = utcnow()
    is_step = data.state is not None and data.state != incident.state
    if is_step:
        assert data.state is not None
        _step(incident, data.state, now)
    incident.version += 1
    incident.updated_at = now
    _timeline(
        session,
        incident,
        actor,
        "step" if is_step else "note",
        from_state=from_state if is_step else None,
        note=data.note,
        at=now,
    )
    resolved = is_step and incident.state == IncidentState.RESOLVED
    _event(
        session,
        "incident.resolved" if resolved else "incident.updated",
        incident,
        actor=actor,
        region_code=region,
        before=before,
        note=data.note,
    )
    await session.flush()
    return await read(session, ctx)


async def escalate(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    number: str,
    data: IncidentEscalate,
    *,
    default_zone: str,
) -> IncidentRead:
    """One level up (province, then the Ministry), with the reason on the timeline."""
    ctx = await _for_change(session, principal, number, default_zone)
    incident, region = ctx.incident, ctx.region.code
    refuse(rules.check_escalate(ctx.caller, ctx.case), number, region)
    target = rules.escalation_target(ctx.caller, ctx.case)
    assert target is not None
    before = snapshot(incident)
    now = utcnow()
    incident.level = target
    incident.escalated_at = now
    incident.version += 1
    incident.updated_at = now
    _timeline(session, incident, actor, "escalated", from_state=None, note=data.reason, at=now)
    _event(
        session,
        "incident.escalated",
        incident,
        actor=actor,
        region_code=region,
        before=before,
        note=data.reason,
    )
    await session.flush()
    return await read(session, ctx)


def check_file(ctx: Context) -> None:
    refuse(rules.check_file(ctx.caller, ctx.case), ctx.incident.number, ctx.region.code)


async def attach(
    session: AsyncSession,
    ctx: Context,
    actor: Actor,
    staged: StagedUpload,
    file_type: FileType,
    *,
    location_kept: bool,
) -> IncidentFile:
    """Record a stored file on the incident (its blob is in place already)."""
    incident = ctx.incident
    now = utcnow()
    file = IncidentFile(
        id=str(uuid.uuid4()),
        incident_id=incident.id,
        blob_sha256=staged.sha256,
        original_name=sanitize_filename(staged.filename, file_type),
        content_type=file_type.content_type,
        size=staged.size,
        location_kept=location_kept,
        uploaded_by_id=actor.user_id,
        uploader_label=actor.label,
        created_at=now,
    )
    session.add(file)
    before = snapshot(incident)
    incident.version += 1
    incident.updated_at = now
    _timeline(session, incident, actor, "file", from_state=None, note=file.original_name, at=now)
    _event(
        session,
        "incident.updated",
        incident,
        actor=actor,
        region_code=ctx.region.code,
        before=before,
        audit_action=AuditAction.INCIDENT_EVIDENCE_UPLOAD,
        extra={
            "file": {
                "id": file.id,
                "name": file.original_name,
                "sha256": file.blob_sha256,
                "size": file.size,
                "content_type": file.content_type,
                "location_kept": location_kept,
            }
        },
    )
    await session.flush()
    return file
