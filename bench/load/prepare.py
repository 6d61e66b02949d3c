"""Get the load-test database ready and hand the locust users their session tokens.

    .venv/bin/python bench/load/prepare.py --out var/load/users.json

Every run starts from the same data: the national bench data (siaga.seed.bench) is loaded
once into a template database (`<name>_template`, migrated on every run), and the load-test
database is dropped and copied from it. Then the deadline-day cast is created:

- operators, one per agency, for agencies that still have answers to give in the open
  period (a fresh, seeded-random choice every run, so a second run finds work too);
- verifiers, one per province, so two verifiers never race for the same queue;
- viewers (the dashboard audience), one per province plus a national one.

Users sign in through session tokens written straight to the database (as bench/scores.py
does): 100 argon2 logins at the start would measure password hashing, not a deadline day.
The server must run with the same SIAGA_SECRET_KEY, because tokens are stored as HMACs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core import migrations
from siaga.core.database import create_engine, create_sessionmaker, session_scope
from siaga.core.security import hash_password, new_token, token_digest
from siaga.core.settings import get_settings, normalise_database_url
from siaga.core.types import utcnow
from siaga.models import AuthSession, Period, PeriodState, Region, Role, Submission, User
from siaga.seed.bench import read_regions_csv, seed_bench

DEFAULT_CSV = Path(__file__).resolve().parents[3] / "shared/data/wilayah/regions-kabkota.csv"
# Agencies with at least this many answers still open to their operator in the period
# (not started, draft or returned); their operator has a minute's work.
MIN_OPEN_SLOTS = 4
_OPEN_SLOTS_SQL = text(
    """
    SELECT a.id, a.code, r.code AS region
    FROM agencies a
    JOIN regions r ON r.id = a.region_id
    JOIN indicators i ON i.agency_type_id = a.agency_type_id
        AND ((r.level = 'province' AND i.applies_province)
             OR (r.level = 'regency' AND i.applies_regency)
             OR (r.level = 'city' AND i.applies_city))
    JOIN periods p ON p.id = :period_id AND i.framework_id = p.framework_id
    LEFT JOIN submissions s ON s.period_id = p.id AND s.region_id = r.id
        AND s.indicator_id = i.id
    WHERE a.is_active
    GROUP BY a.id, a.code, r.code
    HAVING count(*) FILTER (WHERE s.id IS NULL OR s.status IN ('draft', 'returned'))
        >= :min_open
    ORDER BY a.code
    """
)


def _asyncpg_dsn(url: str) -> str:
    return (
        make_url(normalise_database_url(url))
        .set(drivername="postgresql")
        .render_as_string(hide_password=False)
    )


async def _ensure_database(url: str) -> None:
    dsn = _asyncpg_dsn(url)
    try:
        await (await asyncpg.connect(dsn)).close()
    except asyncpg.InvalidCatalogNameError:
        admin = await asyncpg.connect(make_url(dsn).set(database="postgres").render_as_string())
        try:
            await admin.execute(f'CREATE DATABASE "{make_url(dsn).database}"')
        finally:
            await admin.close()


async def _user(
    session: AsyncSession,
    username: str,
    role: Role,
    *,
    region_id: int | None = None,
    agency_id: int | None = None,
) -> User:
    user = await session.scalar(select(User).where(User.username == username))
    if user is None:
        # Signs in only through the session token below: the password is random and lost.
        user = User(
            username=username,
            role=role,
            region_id=region_id,
            agency_id=agency_id,
            password_hash=hash_password(new_token()),
            full_name=f"Load test {role.value}",
        )
        session.add(user)
        await session.flush()
    return user


def _token(session: AsyncSession, secret_key: str, user: User) -> str:
    token = new_token()
    now = utcnow()
    session.add(
        AuthSession(
            user_id=user.id,
            token_hash=token_digest(secret_key, token),
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=2),
            user_agent="bench/load",
        )
    )
    return token


async def _cast(session: AsyncSession, args: argparse.Namespace, secret_key: str) -> dict[str, Any]:
    # The open period is the one with a deadline: the latest, unless one is asked for.
    chosen = select(Period).where(Period.state == PeriodState.OPEN)
    if args.period:
        chosen = chosen.where(Period.code == args.period)
    period = await session.scalar(chosen.order_by(Period.start_date.desc()).limit(1))
    if period is None:
        raise SystemExit(f"no open period {args.period or ''}")
    rng = random.Random(args.seed if args.seed is not None else time.time_ns())
    candidates = (
        await session.execute(_OPEN_SLOTS_SQL, {"period_id": period.id, "min_open": MIN_OPEN_SLOTS})
    ).all()
    if len(candidates) < args.operators:
        raise SystemExit(f"only {len(candidates)} agencies have open answers left")
    provinces = list(
        (
            await session.execute(
                select(Region.id, Region.code)
                .where(Region.parent_id.is_(None))
                .order_by(Region.code)
            )
        ).all()
    )
    operators = []
    for agency_id, agency_code, region_code in rng.sample(candidates, args.operators):
        user = await _user(session, f"load.op.{agency_code}", Role.OPERATOR, agency_id=agency_id)
        operators.append(
            {
                "token": _token(session, secret_key, user),
                "agency": agency_code,
                "region": region_code,
            }
        )
    verifiers = []
    for region_id, code in rng.sample(provinces, min(args.verifiers, len(provinces))):
        user = await _user(session, f"load.ver.{code}", Role.VERIFIER, region_id=region_id)
        verifiers.append({"token": _token(session, secret_key, user), "region": code})
    # The national dashboard first: with fewer viewers than provinces it is still read.
    national = await _user(session, "load.view.nasional", Role.VIEWER)
    viewers = [{"token": _token(session, secret_key, national), "region": None}]
    for region_id, code in provinces:
        user = await _user(session, f"load.view.{code}", Role.VIEWER, region_id=region_id)
        viewers.append({"token": _token(session, secret_key, user), "region": code})
    return {
        "period": period.code,
        "operators": operators,
        "verifiers": verifiers,
        "viewers": viewers,
        "open_agencies": len(candidates),
    }


async def _seed_template(url: str, regions: Path) -> None:
    """Migrate the template database and load the bench data into it once."""
    await _ensure_database(url)
    await asyncio.to_thread(migrations.upgrade, normalise_database_url(url))
    engine = create_engine(normalise_database_url(url))
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            if await session.scalar(select(func.count(Submission.id))):
                return
            started = time.perf_counter()
            summary = await seed_bench(session, regions=read_regions_csv(regions))
            print(
                f"seeded {summary.submissions_created} answers "
                f"in {time.perf_counter() - started:.0f} s"
            )
    finally:
        await engine.dispose()
    # Fresh tables have no planner statistics until autovacuum reaches them; a production
    # database has them, so the load test should too (copies inherit them).
    conn = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


async def _clone(template_url: str, url: str) -> None:
    """Replace the database with a copy of the template (a file copy: seconds)."""
    target = make_url(_asyncpg_dsn(url)).database
    template = make_url(_asyncpg_dsn(template_url)).database
    admin = await asyncpg.connect(
        make_url(_asyncpg_dsn(url)).set(database="postgres").render_as_string(hide_password=False)
    )
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{target}" TEMPLATE "{template}"')
    finally:
        await admin.close()


async def main(args: argparse.Namespace) -> None:
    settings = get_settings()
    url = normalise_database_url(args.database_url or settings.database_url)
    # Every run starts from the same data: a run submits and verifies hundreds of answers,
    # and a second run on what is left would find less work and different queues.
    parsed = make_url(url)
    template_url = parsed.set(database=f"{parsed.database}_template").render_as_string(
        hide_password=False
    )
    await _seed_template(template_url, args.regions)
    await _clone(template_url, url)
    engine = create_engine(url)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            cast = await _cast(session, args, settings.secret_key)
    finally:
        await engine.dispose()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(cast, indent=1), encoding="utf-8")
    print(
        f"{len(cast['operators'])} operators (of {cast['open_agencies']} agencies with open "
        f"answers), {len(cast['verifiers'])} verifiers, {len(cast['viewers'])} viewers "
        f"-> {args.out}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: SIAGA_DATABASE_URL")
    parser.add_argument("--regions", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--period", help="an open period's code [default: the latest open]")
    parser.add_argument("--operators", type=int, default=60)
    parser.add_argument("--verifiers", type=int, default=15)
    parser.add_argument("--seed", type=int, help="fix the choice of agencies and provinces")
    parser.add_argument("--out", type=Path, required=True)
    asyncio.run(main(parser.parse_args()))
