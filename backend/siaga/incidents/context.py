"""An incident as a request meets it: loaded in the caller's scope (404 outside it),
locked for a change, with the caller as the rules see it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.security import Principal
from siaga.incidents import repository, rules
from siaga.incidents.exceptions import IncidentNotFound, http_error
from siaga.models import Incident, Region
from siaga.submissions.workflow import Problem


@dataclass
class Context:
    incident: Incident
    region: Region
    time_zone: str
    caller: rules.Caller

    @property
    def case(self) -> rules.Case:
        return case_of(self.incident, self.region.code)


def case_of(incident: Incident, region: str) -> rules.Case:
    return rules.Case(
        region=region,
        state=incident.state,
        level=incident.level,
        severity=incident.severity,
        reported_at=incident.reported_at,
    )


async def caller_of(session: AsyncSession, principal: Principal) -> rules.Caller:
    type_code = await repository.agency_type_code(session, principal.agency_type_id)
    return rules.Caller(
        principal.role if principal.kind == "user" else None,
        principal.capabilities,
        principal.region_code,
        kesbangpol=repository.is_kesbangpol(type_code),
    )


async def load(
    session: AsyncSession,
    principal: Principal,
    number: str,
    *,
    default_zone: str,
    all_: bool = False,
    lock: bool = False,
) -> Context:
    """The incident, 404 outside the caller's scope (a national caller's `all_` widens
    it to every incident); FOR UPDATE with `lock`."""
    if not rules.is_number(number):
        raise IncidentNotFound()
    found = await repository.get(
        session, principal, number, all_=all_, default_zone=default_zone, lock=lock
    )
    if found is None:
        raise IncidentNotFound()
    return Context(
        found.incident, found.region, found.time_zone, await caller_of(session, principal)
    )


def refuse(problem: Problem | None, number: str | None, region: str | None) -> None:
    if problem is not None:
        raise http_error(problem, number, region)
