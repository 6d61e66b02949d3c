"""The demo data set: Kalimantan Timur, the PEMILU2024 framework, periods, users, answers.

Everything is deterministic (fixed random seed) and idempotent: seeding twice creates
nothing new, and answers that already exist are left as users changed them. Its parts:
seed.reference (regions, framework, agencies, periods), demo_users (the accounts),
demo_answers (each answer's draws and its life through the workflow), demo_writes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import SYSTEM, record
from siaga.core.storage import Storage
from siaga.models import Indicator, PeriodState, Region, RegionLevel
from siaga.seed.demo_answers import DEMO_SEED
from siaga.seed.demo_answers import STATUS_MIX as STATUS_MIX  # seed.bench follows the mix
from siaga.seed.demo_incidents import seed_incidents
from siaga.seed.demo_reports import seed_reports
from siaga.seed.demo_users import ensure_users
from siaga.seed.demo_writes import seed_answers
from siaga.seed.reference import (
    RegionRow,
    load_boundaries_if_missing,
    load_json,
    upsert_agencies,
    upsert_agency_types,
    upsert_framework,
    upsert_periods,
    upsert_regions,
)

# One account per role (and the national verifier beside the province's), named on the
# sign-in page of a development installation (GET /instance) while the seed's password
# still opens them; demo_users creates them.
SHOWCASE_USERNAMES = (
    "admin",
    "verifikator.nasional",
    "verifikator.64",
    "koordinator.64.72",
    "pemantau.64",
    "operator.64.72.kesbangpol",
)

PERIOD_STATES = {
    "2023-Q1": PeriodState.CLOSED,
    "2023-Q2": PeriodState.CLOSED,
    "2023-Q3": PeriodState.CLOSED,
    "2023-Q4": PeriodState.OPEN,
    "2024-Q1": PeriodState.OPEN,
    "2024-Q2": PeriodState.PLANNED,
    "2024-Q3": PeriodState.PLANNED,
    "2024-Q4": PeriodState.PLANNED,
}
ANSWERED_PERIODS = ["2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1"]


@dataclass
class SeedSummary:
    regions: int = 0
    agencies: int = 0
    boundaries: int = 0
    indicators: int = 0
    periods: int = 0
    users_created: int = 0
    submissions_created: int = 0
    evidence_files: int = 0
    reports_created: int = 0
    users: list[str] = field(default_factory=list)


async def seed_demo(session: AsyncSession, storage: Storage, password: str) -> SeedSummary:
    summary = SeedSummary()
    rng = random.Random(DEMO_SEED)
    framework_data = load_json("pemilu2024.json")

    region_rows = [
        RegionRow(
            code=r["code"],
            name=r["name"],
            level=RegionLevel(r["level"]),
            parent_code=r["parent_code"],
            bps_code=r["bps_code"],
        )
        for r in load_json("kaltim.json")
    ]
    regions_by_code = await upsert_regions(session, region_rows)
    regions = [regions_by_code[r.code] for r in region_rows]
    # Shipped with the package so the map works on a fresh clone (SOURCE.md: MIT).
    summary.boundaries = await load_boundaries_if_missing(
        session, "kaltim-kabkota.geojson", parent_code=regions[0].code
    )
    agency_types = await upsert_agency_types(session, framework_data["agency_types"])
    framework = await upsert_framework(session, framework_data, agency_types)
    indicators = list(
        (
            await session.scalars(
                select(Indicator)
                .where(Indicator.framework_id == framework.id)
                .order_by(Indicator.code)
            )
        ).all()
    )
    agencies = await upsert_agencies(session, regions, agency_types, indicators)
    periods = await upsert_periods(session, framework, PERIOD_STATES)
    province = regions[0]
    users, summary.users_created = await ensure_users(
        session, province, regions, list(agencies.values()), password
    )

    summary.regions = len(regions)
    summary.agencies = len(agencies)
    summary.indicators = len(indicators)
    summary.periods = len(PERIOD_STATES)
    summary.users = sorted(users)

    created, evidence = await seed_answers(
        session,
        storage,
        rng,
        regions=regions,
        indicators=indicators,
        periods=[periods[code] for code in ANSWERED_PERIODS],
        agencies=agencies,
        agency_type_codes={t.id: t.code for t in agency_types.values()},
        users=users,
    )
    summary.submissions_created, summary.evidence_files = created, evidence
    summary.reports_created = await seed_reports(
        session, [periods[code] for code in ANSWERED_PERIODS], regions, users
    )
    await seed_incidents(session, periods, regions, users)
    if summary.users_created or created:
        record(
            session,
            SYSTEM,
            "seed.demo",
            entity_type="dataset",
            entity_id="demo",
            after={
                "users_created": summary.users_created,
                "submissions_created": created,
                "evidence_files": evidence,
            },
        )
    await session.flush()
    return summary


async def has_regions(session: AsyncSession) -> bool:
    return (await session.scalar(select(Region.id).limit(1))) is not None
