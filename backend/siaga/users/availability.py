"""Telling an administrator that a username is taken: truthfully, and sparingly.

Usernames are unique across the nation (a login names no province), so a provincial
administrator who picks a name taken elsewhere must be told it is not free. It is told
that and nothing more: the same status, code and words whether the account lives in its
own province, in another one or nowhere near, and never whose it is or where.

What it must not get is a list of the other provinces' accounts, by trying names one by
one or ten thousand to a dry-run file. So each "taken" answer to a non-national
administrator is counted: a refused POST /users is on record in the audit trail (kept
although the request rolls back), an import row error with its batch. Past
`TAKEN_ANSWERS` within `TAKEN_WINDOW` it gets no answer about any name, free or taken
alike, until the earliest ages out. A national administrator sees every account anyway
and is not counted. Simultaneous requests of one administrator may each spend the same
last answers, so the bound holds up to the number of its requests in flight.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor, record
from siaga.core.database import keep_after_rollback
from siaga.core.security import Principal
from siaga.users import repository

TAKEN_ANSWERS = 100
TAKEN_WINDOW = timedelta(hours=24)
# The refused creation on record, and the import row error, that count as answers.
REFUSED_CREATE = "user.create"
TAKEN_ROW_CODE = "user_exists"


@dataclass
class TakenAnswers:
    """What is left of a caller's answers; `left` None: not counted."""

    left: int | None
    retry_after: int = 0

    @property
    def exhausted(self) -> bool:
        return self.left is not None and self.left <= 0

    def spend(self) -> None:
        if self.left is not None:
            self.left -= 1


async def taken_answers(session: AsyncSession, principal: Principal, now: datetime) -> TakenAnswers:
    if principal.region_code is None or principal.user_id is None:
        return TakenAnswers(None)
    count, earliest = await repository.taken_name_answers(
        session,
        principal.user_id,
        now - TAKEN_WINDOW,
        denied_action=REFUSED_CREATE,
        row_code=TAKEN_ROW_CODE,
    )
    freed_at = (earliest or now) + TAKEN_WINDOW
    return TakenAnswers(
        max(0, TAKEN_ANSWERS - count), max(1, math.ceil((freed_at - now).total_seconds()))
    )


def keep_refused_create(
    session: AsyncSession, actor: Actor, username: str, region_code: str | None
) -> None:
    """The refused creation's record: written after the rollback, and counted above."""
    event = record(
        session,
        actor,
        REFUSED_CREATE,
        outcome="denied",
        entity_type="user",
        entity_id=username,
        region_code=region_code,
        after={"reason": "username_taken"},
    )
    session.expunge(event)
    keep_after_rollback(session, event)
