"""The demo's accounts: an administrator, the province's verifier and viewer, and one
operator per agency, all opened by the published demo password."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.security import hash_password
from siaga.models import Agency, Region, Role, User


async def ensure_users(
    session: AsyncSession, province: Region, agencies: list[Agency], password: str
) -> tuple[dict[str, User], int]:
    """The demo's users by username (created where missing), and how many were created."""
    wanted: list[dict[str, Any]] = [
        {"username": "admin", "full_name": "Administrator Nasional", "role": Role.ADMIN},
        {
            "username": f"verifikator.{province.code}",
            "full_name": f"Verifikator Kesbangpol Provinsi {province.name}",
            "role": Role.VERIFIER,
            "region_id": province.id,
        },
        {
            "username": f"pemantau.{province.code}",
            "full_name": f"Pemantau Provinsi {province.name}",
            "role": Role.VIEWER,
            "region_id": province.id,
        },
    ]
    for agency in sorted(agencies, key=lambda a: a.code):
        wanted.append(
            {
                "username": f"operator.{agency.code}",
                "full_name": f"Operator {agency.name}",
                "role": Role.OPERATOR,
                "region_id": agency.region_id,
                "agency_id": agency.id,
            }
        )
    existing = {
        u.username: u
        for u in await session.scalars(
            select(User).where(User.username.in_([w["username"] for w in wanted]))
        )
    }
    # Every demo account shares the published demo password, so one Argon2 hash (with
    # its salt) serves them all; hashing 150 times would only slow the seed down.
    password_hash = hash_password(password) if len(existing) < len(wanted) else ""
    created = 0
    for spec in wanted:
        if spec["username"] in existing:
            continue
        user = User(password_hash=password_hash, **spec)
        session.add(user)
        existing[spec["username"]] = user
        created += 1
    await session.flush()
    return existing, created
