"""What an answer's change leaves in the audit trail: the row's shape and the answer's
natural key as its entity id. Pure values; the writers only transport them, and reach
them through submissions.workflow, which re-exports them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def answer_label(period: str, region: str, indicator: str) -> str:
    """The audit entity id of an answer: its natural key."""
    return f"{period}/{region}/{indicator}"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """What an answer's audit row says; the writers only transport it (one row through
    audit.service.record, many through the import's bulk COPY)."""

    action: str  # submission.create, submission.update, submission.submit, ...
    entity_id: str
    region_code: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    entity_type: str = "submission"


ENTITY_ID_MAX_LENGTH = 120


def audit_entry(
    action: str,
    label: str,
    region_code: str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    return AuditEntry(action, label[:ENTITY_ID_MAX_LENGTH], region_code, before, after)
