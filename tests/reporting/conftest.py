"""The answer workflow's small world (tests/submissions/conftest.py) with the reporting
chain's people: a coordinator for the city and one for the province, the Ministry's
verifier, and helpers to bring the answers to a state directly."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.types import utcnow
from siaga.models import (
    Indicator,
    Period,
    Region,
    RegionLevel,
    Role,
    Submission,
    SubmissionStatus,
    User,
)
from tests.auth.support import committed, committed_app, committed_database_url
from tests.fixtures.factories import create_user
from tests.helpers import API
from tests.submissions.conftest import Workflow, world

__all__ = ["committed", "committed_app", "committed_database_url", "world"]

SECTIONS = {
    "situation": "Situasi politik kondusif menjelang pemilu.",
    "risks": "Potensi gesekan antarpendukung di dua kecamatan.",
    "obstacles": "Keterbatasan anggaran pemantauan.",
    "conclusion": "Kondisi terkendali; pemantauan dilanjutkan.",
    "signatory": {"name": "Drs. Andi Wijaya", "nip": "197001011990031001", "position": "Kepala"},
}
REASON = "Narasi risiko belum menyebut lokasi rawan, mohon dilengkapi"


def report_url(region: str = "64.72", period: str = "2023-Q4", action: str = "") -> str:
    return f"{API}/reports/{region}/{period}" + (f"/{action}" if action else "")


@dataclass
class Chain:
    world: Workflow
    coordinator: User  # of the city 64.72
    province_coordinator: User  # of the province 64
    foreign_coordinator: User  # of 63.71
    national_verifier: User
    national_admin: User
    province_admin: User


@pytest.fixture
async def chain(session: AsyncSession, world: Workflow) -> Chain:
    other_city = world.other_city
    return Chain(
        world=world,
        coordinator=await create_user(session, role=Role.COORDINATOR, region=world.city),
        province_coordinator=await create_user(
            session, role=Role.COORDINATOR, region=world.province
        ),
        foreign_coordinator=await create_user(session, role=Role.COORDINATOR, region=other_city),
        national_verifier=await create_user(session, role=Role.VERIFIER),
        national_admin=await create_user(session, role=Role.ADMIN),
        province_admin=await create_user(session, role=Role.ADMIN, region=world.province),
    )


def _applies(region: Region) -> object:
    return {
        RegionLevel.PROVINCE: Indicator.applies_province,
        RegionLevel.REGENCY: Indicator.applies_regency,
        RegionLevel.CITY: Indicator.applies_city,
    }[region.level]


async def answer_all(
    session: AsyncSession,
    period: Period,
    region: Region,
    status: SubmissionStatus = SubmissionStatus.SUBMITTED,
    *,
    skip: tuple[str, ...] = (),
) -> None:
    """Every applicable answer of the Pemda in `status` (except the indicators in
    `skip`), written directly: the reports' tests start from the answers' outcome."""
    indicators = (
        await session.scalars(
            select(Indicator).where(
                Indicator.framework_id == period.framework_id,
                or_(_applies(region)),  # type: ignore[arg-type]
            )
        )
    ).all()
    now = utcnow()
    for indicator in indicators:
        if indicator.code in skip:
            continue
        existing = await session.scalar(
            select(Submission).where(
                Submission.period_id == period.id,
                Submission.region_id == region.id,
                Submission.indicator_id == indicator.id,
            )
        )
        if existing is None:
            existing = Submission(
                period_id=period.id, region_id=region.id, indicator_id=indicator.id, value=1
            )
            session.add(existing)
        existing.status = status
        existing.submitted_at = existing.first_submitted_at = now
        existing.value = 1
    await session.flush()
