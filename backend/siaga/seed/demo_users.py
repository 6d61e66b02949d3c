"""The demo's accounts: an administrator, a national verifier (the Ministry, which
reviews the province's own answers), the province's verifier (its regencies and cities)
and viewer, a coordinator per Pemda, and one operator per agency, all opened by the
published demo password."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.security import hash_password
from siaga.models import Agency, Region, Role, User

NATIONAL_VERIFIER = "verifikator.nasional"


def verifier_of(region: Region, province: Region) -> tuple[str, str | None]:
    """Who reviews the region's answers in the demo, and that verifier's scope (None:
    national): one level up (separation of duties, submissions.workflow), the Ministry
    for the province's own answers."""
    if region.code == province.code:
        return NATIONAL_VERIFIER, None
    return f"verifikator.{province.code}", province.code


async def ensure_users(
    session: AsyncSession,
    province: Region,
    regions: list[Region],
    agencies: list[Agency],
    password: str,
) -> tuple[dict[str, User], int]:
    """The demo's users by username (created where missing), and how many were created."""
    wanted: list[dict[str, Any]] = [
        {"username": "admin", "full_name": "Administrator Nasional", "role": Role.ADMIN},
        {
            "username": NATIONAL_VERIFIER,
            "full_name": "Verifikator Kementerian Dalam Negeri",
            "role": Role.VERIFIER,
        },
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
    for region in sorted(regions, key=lambda r: r.code):
        wanted.append(
            {
                "username": f"koordinator.{region.code}",
                "full_name": f"Koordinator Tim Pemantauan {region.name}",
                "role": Role.COORDINATOR,
                "region_id": region.id,
            }
        )
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
        # An example address (a reserved domain) per account, for the e-mail channel and
        # the development mail catcher.
        spec.setdefault("email", f"{spec['username']}@siaga.example")
        user = User(password_hash=password_hash, **spec)
        session.add(user)
        existing[spec["username"]] = user
        created += 1
    await session.flush()
    return existing, created
