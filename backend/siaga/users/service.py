from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import record
from siaga.core.errors import Conflict, InvalidInput
from siaga.core.security import hash_password
from siaga.models import Agency, Region, Role, User

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")
PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 128


@dataclass
class UserSpec:
    username: str
    role: str
    password: str
    region_code: str | None = None
    agency_code: str | None = None
    full_name: str = ""


def password_problems(password: str) -> list[str]:
    problems = []
    if len(password) < PASSWORD_MIN_LENGTH:
        problems.append(f"password must have at least {PASSWORD_MIN_LENGTH} characters")
    if len(password) > PASSWORD_MAX_LENGTH:
        problems.append(f"password must have at most {PASSWORD_MAX_LENGTH} characters")
    return problems


async def create_user(session: AsyncSession, spec: UserSpec, *, actor_label: str) -> User:
    """Create an account after checking its role, scope and password."""
    problems: list[str] = []
    if not USERNAME_PATTERN.match(spec.username):
        problems.append("username: 3-80 lower-case letters, digits, '.', '_' or '-'")
    try:
        role = Role(spec.role)
    except ValueError:
        problems.append(f"role must be one of {', '.join(r.value for r in Role)}")
        role = None
    problems += password_problems(spec.password)

    region_id: int | None = None
    agency_id: int | None = None
    if role == Role.OPERATOR:
        if not spec.agency_code:
            problems.append("an operator needs --agency")
        else:
            agency = await session.scalar(select(Agency).where(Agency.code == spec.agency_code))
            if agency is None:
                problems.append(f"unknown agency {spec.agency_code!r}")
            else:
                agency_id, region_id = agency.id, agency.region_id
    elif role is not None:
        if spec.agency_code:
            problems.append("only operators belong to an agency")
        if spec.region_code:
            region_id = await session.scalar(
                select(Region.id).where(Region.code == spec.region_code)
            )
            if region_id is None:
                problems.append(f"unknown region {spec.region_code!r}")
        elif role != Role.ADMIN:
            problems.append(f"a {role.value} needs --region (the scope)")
    if problems:
        raise InvalidInput("The user cannot be created", details=problems)
    if await session.scalar(select(User.id).where(User.username == spec.username)):
        raise Conflict(f"User {spec.username!r} already exists", code="user_exists")

    assert role is not None
    user = User(
        username=spec.username,
        full_name=spec.full_name,
        role=role,
        region_id=region_id,
        agency_id=agency_id,
        password_hash=hash_password(spec.password),
    )
    session.add(user)
    await session.flush()
    record(
        session,
        "user.create",
        actor_label=actor_label,
        entity_type="user",
        entity_id=spec.username,
        region_code=spec.region_code,
        after={
            "username": spec.username,
            "role": role.value,
            "region": spec.region_code,
            "agency": spec.agency_code,
        },
    )
    return user
