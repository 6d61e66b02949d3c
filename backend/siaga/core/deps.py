from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.database import session_scope


async def _db_session(request: Request) -> AsyncIterator[AsyncSession]:
    # One transaction per request (architecture rule 2): services flush, this commits.
    # Rows kept for a refusal that the database cannot take now (an outage) are spooled.
    spool = getattr(request.app.state, "spool", None)
    async with session_scope(
        request.app.state.sessionmaker, on_unwritten=spool.add if spool is not None else None
    ) as session:
        yield session


# scope="function": commit before the response is sent, so a failed commit becomes an
# error response instead of a success the client saw for data that was never stored.
DbSession = Annotated[AsyncSession, Depends(_db_session, scope="function")]
