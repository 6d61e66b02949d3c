"""Time copy-previous for every Pemda of one province into a fresh open period.

On the national bench data set (see bench/scores.py, whose helpers seed it): a period
starting right after 2024-Q3 is created in a transaction, every regency/city of the
province (default 35, Jawa Timur, the biggest: 38 Pemda) is copied from 2024-Q3 by the service, as a
national admin, one Pemda after another; then the transaction is rolled back, so the
data set is left as it was. The baseline, in the same run and the same way: a
hand-written INSERT ... SELECT of the same answers for the whole province, plus one for
their version rows. Rounds alternate service and baseline, so load from elsewhere hits
both alike. The bench data has no evidence files, so the evidence step copies nothing.

Command: .venv/bin/python bench/copy_previous.py -n 5
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from scores import DEFAULT_CSV, DEFAULT_URL, _ensure_database, _prepare  # type: ignore[import-not-found]
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor
from siaga.core import migrations
from siaga.core.database import create_engine, create_sessionmaker
from siaga.core.security import ROLE_CAPABILITIES, Principal
from siaga.core.settings import Settings, normalise_database_url
from siaga.core.types import utcnow
from siaga.models import Period, PeriodState, Region, Role, Submission, User
from siaga.submissions.copying import copy_previous

# The new period starts just after 2024-Q3 (so that one is its previous period): a closed
# quarter, mostly verified, like the quarter an operator copies from in practice.
FROM_PERIOD = "2024-Q3"
NEW_PERIOD = "BENCH-COPY"

BASELINE_ANSWERS = """
INSERT INTO submissions (period_id, region_id, indicator_id, agency_id, value, narrative,
                         status, version, is_late, created_at, updated_at,
                         created_by_id, updated_by_id)
SELECT :new, s.region_id, s.indicator_id, s.agency_id, s.value, s.narrative,
       'draft', 1, false, now(), now(), :user, :user
FROM submissions s
JOIN regions r ON r.id = s.region_id
WHERE s.period_id = :old AND s.status = 'verified' AND r.code LIKE :prefix
ON CONFLICT DO NOTHING
"""
BASELINE_VERSIONS = """
INSERT INTO submission_versions (submission_id, version, action, status, value, narrative,
                                 evidence_hashes, reason, actor_user_id, created_at)
SELECT s.id, 1, 'copied', s.status, s.value, s.narrative, '[]', 'Disalin', :user, now()
FROM submissions s WHERE s.period_id = :new
"""


async def _new_period(session: AsyncSession) -> tuple[Period, Period]:
    old = await session.scalar(select(Period).where(Period.code == FROM_PERIOD))
    assert old is not None, "seed the bench data first"
    new = Period(
        code=NEW_PERIOD,
        name="Bench copy",
        framework_id=old.framework_id,
        start_date=date(2024, 9, 30),
        end_date=date(2024, 12, 31),
        deadline=date(2025, 1, 15),
        state=PeriodState.OPEN,
        opened_at=utcnow(),
    )
    session.add(new)
    await session.flush()
    return old, new


async def _copy(
    session: AsyncSession, principal: Principal, actor: Actor, period: Period, region: str
) -> int:
    result = await copy_previous(session, principal, actor, period.code, region)
    return result.created


async def _service_round(session: AsyncSession, user: User, pemda: list[str]) -> tuple[float, int]:
    _old, new = await _new_period(session)
    principal = Principal(
        kind="user",
        id=user.id,
        label=user.username,
        capabilities=ROLE_CAPABILITIES[Role.ADMIN],
        region_code=None,
        role=Role.ADMIN,
    )
    created = 0
    started = time.perf_counter()
    for code in pemda:
        actor = Actor(label=user.username, user_id=user.id, received_at=utcnow())
        created += await _copy(session, principal, actor, new, code)
    await session.flush()
    return time.perf_counter() - started, created


async def _baseline_round(session: AsyncSession, user: User, province: str) -> tuple[float, int]:
    old, new = await _new_period(session)
    params = {"new": new.id, "old": old.id, "user": user.id, "prefix": f"{province}.%"}
    started = time.perf_counter()
    result = await session.execute(text(BASELINE_ANSWERS), params)
    await session.execute(text(BASELINE_VERSIONS), params)
    elapsed = time.perf_counter() - started
    return elapsed, int(getattr(result, "rowcount", 0))


async def _measure(url: str, province: str, rounds: int) -> dict[str, list[float]]:
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    times: dict[str, list[float]] = {"service": [], "baseline": []}
    try:
        async with sessionmaker() as session:
            user = await session.scalar(select(User).where(User.role == Role.ADMIN).limit(1))
            assert user is not None
            pemda = list(
                await session.scalars(
                    select(Region.code)
                    .where(Region.code.like(f"{province}.%"))
                    .order_by(Region.code)
                )
            )
            answers = await session.scalar(select(func.count(Submission.id)))
        print(f"{len(pemda)} Pemda in province {province}; {answers} answers in the data set")
        for _ in range(rounds + 1):  # the first round warms up
            async with sessionmaker() as session:
                took, created = await _service_round(session, user, pemda)
                await session.rollback()
            async with sessionmaker() as session:
                base, base_created = await _baseline_round(session, user, province)
                await session.rollback()
            if created != base_created:
                sys.exit(f"service copied {created} answers, baseline {base_created}")
            times["service"].append(took)
            times["baseline"].append(base)
            print(
                f"  service {took * 1000:8.1f} ms  baseline {base * 1000:7.1f} ms",
                f"({created} answers)",
            )
    finally:
        await engine.dispose()
    return {name: samples[1:] for name, samples in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument(
        "--regions", type=Path, default=DEFAULT_CSV if DEFAULT_CSV.exists() else None
    )
    parser.add_argument("--province", default="35")
    parser.add_argument("-n", type=int, default=5, help="timed rounds")
    args = parser.parse_args()

    url = normalise_database_url(args.database_url)
    asyncio.run(_ensure_database(url))
    migrations.upgrade(url)
    asyncio.run(_prepare(url, Settings(database_url=url), args.regions))
    times = asyncio.run(_measure(url, args.province, args.n))
    service_ms = statistics.median(times["service"]) * 1000
    baseline_ms = statistics.median(times["baseline"]) * 1000
    print(
        f"median: service {service_ms:.1f} ms, baseline {baseline_ms:.1f} ms, "
        f"ratio {service_ms / baseline_ms:.1f}"
    )


if __name__ == "__main__":
    main()
