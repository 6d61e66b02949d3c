from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from siaga.core.pagination import Page


class AuditEventRead(BaseModel):
    id: int
    occurred_at: datetime
    actor: str
    action: str
    outcome: str
    entity_type: str | None
    entity_id: str | None
    region_code: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    client_addr: str | None
    request_id: str | None


class AuditEventPage(Page[AuditEventRead]):
    pass
