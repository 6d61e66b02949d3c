"""The Kaltim demo can be rebuilt from CSV files through the API, and importing the same
files again changes nothing.

The demo is seeded (siaga.seed.demo) and written out as five CSV files in the import format;
then, in the same database emptied again (a rolled-back transaction), the files go through
`POST /imports` in dependency order: regions, agencies, indicators, users, answers.

What CSV cannot carry, and so is set up or compared differently:
- the framework itself (its dimensions, weights, thresholds and level rubric), the agency
  types and the periods are not import kinds: they are created here with the seed's own
  loaders, without any indicator, agency or answer. The answered periods start open (an
  import only writes into open periods) and the three 2023 quarters that the demo has
  closed are closed through the API afterwards, as an administrator migrating old quarters
  would do;
- answers come in as `draft` or `submitted` only: verification and returns are reviewers'
  acts with their reasons, and an answer to an indicator that requires evidence cannot be
  `submitted` without its evidence files, which are uploaded one by one (so those are
  `draft`, as are returned answers, which are back with the Pemda); history versions,
  reviews, timestamps and lateness are the import's own, not the demo's;
- users are created inactive without a password (a spreadsheet of passwords would leak):
  usernames, names, roles and scopes are compared, not passwords or activity.
"""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.orm import aliased

from siaga.core.storage import LocalStorage
from siaga.imports.columns import COLUMNS
from siaga.models import (
    Agency,
    AgencyType,
    AnswerType,
    AuditEvent,
    Dimension,
    Framework,
    FrameworkStatus,
    ImportKind,
    Indicator,
    Period,
    PeriodState,
    Region,
    Role,
    Submission,
    SubmissionStatus,
    User,
)
from siaga.seed.demo import ANSWERED_PERIODS, PERIOD_STATES, seed_demo
from siaga.seed.reference import load_json, upsert_agency_types, upsert_framework, upsert_periods
from tests.fixtures.auth import bearer, create_session_token
from tests.fixtures.client import bind_app_to, http_client
from tests.fixtures.db import rolled_back_connection, session_on
from tests.fixtures.factories import create_user
from tests.helpers import API

PASSWORD = "demo-password-for-rebuild-tests"
IMPORTER = "importer.rebuild"
ORDER = [
    ImportKind.REGIONS,
    ImportKind.AGENCIES,
    ImportKind.INDICATORS,
    ImportKind.USERS,
    ImportKind.SUBMISSIONS,
]
AUDIT_ACTIONS = {
    ImportKind.REGIONS: "region.imported",
    ImportKind.AGENCIES: "agency.imported",
    ImportKind.INDICATORS: "indicator.imported",
    ImportKind.USERS: "user.imported",
    ImportKind.SUBMISSIONS: "submission.imported",
}
Snapshot = dict[str, dict[Any, tuple[Any, ...]]]


# ---- the demo as CSV files ----------------------------------------------------------------


def _yes_no(flag: bool) -> str:
    return "ya" if flag else "tidak"


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(value)


def _levels(province: bool, regency: bool, city: bool) -> str:
    return ",".join(
        name for name, on in (("province", province), ("regency", regency), ("city", city)) if on
    )


def csv_status(status: SubmissionStatus, evidence_required: bool) -> str:
    """What an answer becomes in CSV: see the module docstring."""
    carried = status in (SubmissionStatus.SUBMITTED, SubmissionStatus.VERIFIED)
    return "submitted" if carried and not evidence_required else "draft"


async def export_demo(session: AsyncSession, out: Path) -> dict[ImportKind, Path]:
    """The database's regions, agencies, indicators, users and answers as import files."""
    parent = aliased(Region)
    tables: dict[ImportKind, list[list[str]]] = {}

    regions = await session.execute(
        select(Region.code, Region.name, Region.level, parent.code, Region.bps_code)
        .outerjoin(parent, Region.parent_id == parent.id)
        .order_by(Region.code)  # a province's code sorts before its regencies'
    )
    tables[ImportKind.REGIONS] = [
        [code, name, str(level), parent_code or "", bps or ""]
        for code, name, level, parent_code, bps in regions
    ]

    agencies = await session.execute(
        select(Agency.code, Agency.name, Region.code, AgencyType.code, Agency.is_active)
        .join(Region, Agency.region_id == Region.id)
        .join(AgencyType, Agency.agency_type_id == AgencyType.id)
        .order_by(Agency.code)
    )
    tables[ImportKind.AGENCIES] = [
        [code, name, region, type_code, _yes_no(active)]
        for code, name, region, type_code, active in agencies
    ]

    indicators = await session.execute(
        select(Indicator, Framework.code, Dimension.code, AgencyType.code)
        .join(Framework, Indicator.framework_id == Framework.id)
        .join(Dimension, Indicator.dimension_id == Dimension.id)
        .join(AgencyType, Indicator.agency_type_id == AgencyType.id)
        .order_by(Indicator.code)
    )
    tables[ImportKind.INDICATORS] = [
        [
            framework,
            dimension,
            i.code,
            i.name,
            str(i.answer_type),
            _number(i.target),
            _number(i.weight),
            type_code,
            _levels(i.applies_province, i.applies_regency, i.applies_city),
            _yes_no(i.evidence_required),
            i.guidance,
            i.evidence_guidance,
            str(i.position),
        ]
        for i, framework, dimension, type_code in indicators
    ]

    users = await session.execute(
        select(User.username, User.full_name, User.role, Region.code, Agency.code, User.email)
        .outerjoin(Region, User.region_id == Region.id)
        .outerjoin(Agency, User.agency_id == Agency.id)
        .order_by(User.username)
    )
    tables[ImportKind.USERS] = [
        [username, full_name, str(role), region or "", agency or "", email or ""]
        for username, full_name, role, region, agency, email in users
    ]

    answers = await session.execute(
        select(
            Period.code,
            Region.code,
            Indicator.code,
            Indicator.answer_type,
            Indicator.evidence_required,
            Submission.value,
            Submission.narrative,
            Submission.status,
        )
        .join(Period, Submission.period_id == Period.id)
        .join(Region, Submission.region_id == Region.id)
        .join(Indicator, Submission.indicator_id == Indicator.id)
        .order_by(Period.code, Region.code, Indicator.code)
    )
    tables[ImportKind.SUBMISSIONS] = [
        [
            period,
            region,
            indicator,
            _yes_no(value == 1) if answer_type == AnswerType.YES_NO else _number(value),
            narrative,
            csv_status(status, evidence_required),
        ]
        for period, region, indicator, answer_type, evidence_required, value, narrative, status in (
            answers
        )
    ]

    paths: dict[ImportKind, Path] = {}
    for kind, rows in tables.items():
        paths[kind] = out / f"{kind.value}.csv"
        with paths[kind].open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([c.name for c in COLUMNS[kind]])
            writer.writerows(rows)
    return paths


# ---- what is compared ----------------------------------------------------------------------


async def snapshot(session: AsyncSession) -> Snapshot:
    """Everything the CSV files carry, by natural key, in comparable form."""
    parent = aliased(Region)
    answer_agency = aliased(Agency)
    return {
        "regions": {
            code: tuple(rest)
            for code, *rest in (
                await session.execute(
                    select(
                        Region.code, Region.name, Region.level, parent.code, Region.bps_code
                    ).outerjoin(parent, Region.parent_id == parent.id)
                )
            )
        },
        "agencies": {
            code: tuple(rest)
            for code, *rest in (
                await session.execute(
                    select(Agency.code, Agency.name, Region.code, AgencyType.code, Agency.is_active)
                    .join(Region, Agency.region_id == Region.id)
                    .join(AgencyType, Agency.agency_type_id == AgencyType.id)
                )
            )
        },
        "indicators": {
            code: tuple(rest)
            for code, *rest in (
                await session.execute(
                    select(
                        Indicator.code,
                        Framework.code,
                        Dimension.code,
                        Indicator.name,
                        Indicator.answer_type,
                        Indicator.target,
                        Indicator.weight,
                        AgencyType.code,
                        Indicator.applies_province,
                        Indicator.applies_regency,
                        Indicator.applies_city,
                        Indicator.evidence_required,
                        Indicator.guidance,
                        Indicator.evidence_guidance,
                        Indicator.position,
                    )
                    .join(Framework, Indicator.framework_id == Framework.id)
                    .join(Dimension, Indicator.dimension_id == Dimension.id)
                    .join(AgencyType, Indicator.agency_type_id == AgencyType.id)
                )
            )
        },
        "users": {
            username: tuple(rest)
            for username, *rest in (
                await session.execute(
                    select(
                        User.username,
                        User.full_name,
                        User.role,
                        Region.code,
                        Agency.code,
                        User.email,
                    )
                    .outerjoin(Region, User.region_id == Region.id)
                    .outerjoin(Agency, User.agency_id == Agency.id)
                    .where(User.username != IMPORTER)
                )
            )
        },
        "answers": {
            (period, region, indicator): tuple(rest)
            for period, region, indicator, *rest in (
                await session.execute(
                    select(
                        Period.code,
                        Region.code,
                        Indicator.code,
                        Submission.value,
                        Submission.narrative,
                        Submission.status,
                        answer_agency.code,
                    )
                    .join(Period, Submission.period_id == Period.id)
                    .join(Region, Submission.region_id == Region.id)
                    .join(Indicator, Submission.indicator_id == Indicator.id)
                    .outerjoin(answer_agency, Submission.agency_id == answer_agency.id)
                )
            )
        },
        "periods": {
            code: (state,)
            for code, state in (await session.execute(select(Period.code, Period.state)))
        },
    }


def carried(original: Snapshot) -> Snapshot:
    """The demo as CSV can carry it: answers' statuses mapped as the files map them."""
    evidence = {code: row[10] for code, row in original["indicators"].items()}
    return {
        **original,
        "answers": {
            key: (value, narrative, SubmissionStatus(csv_status(status, evidence[key[2]])), agency)
            for key, (value, narrative, status, agency) in original["answers"].items()
        },
    }


# ---- the empty database with what CSV cannot carry --------------------------------------------


async def framework_shell(session: AsyncSession) -> None:
    """Agency types, the framework with its dimensions (no indicators) and the periods."""
    data = load_json("pemilu2024.json")
    types = await upsert_agency_types(session, data["agency_types"])
    shell = {**data, "dimensions": [{**d, "indicators": []} for d in data["dimensions"]]}
    framework = await upsert_framework(session, shell, types)
    # A draft until its indicators are imported: a published version takes no change.
    framework.status = FrameworkStatus.DRAFT
    states = {
        code: PeriodState.OPEN if code in ANSWERED_PERIODS else state
        for code, state in PERIOD_STATES.items()
    }
    await upsert_periods(session, framework, states)
    await session.flush()


async def import_all(
    client: httpx.AsyncClient, files: dict[ImportKind, Path]
) -> dict[ImportKind, dict[str, Any]]:
    batches = {}
    for kind in ORDER:
        with files[kind].open("rb") as handle:
            response = await client.post(
                f"{API}/imports",
                params={"kind": kind.value, "dry_run": "false"},
                files={"file": (files[kind].name, handle, "text/csv")},
            )
        assert response.status_code == 200, response.text
        batch = response.json()
        assert batch["status"] == "succeeded", (kind, batch["errors"][:10])
        batches[kind] = batch
    return batches


@pytest.fixture
async def demo_files(
    engine: AsyncEngine, tmp_path: Path
) -> AsyncIterator[tuple[dict[ImportKind, Path], Snapshot]]:
    """The demo's CSV files and snapshot; the demo itself is rolled back before the test."""
    async for connection in rolled_back_connection(engine):
        session = session_on(connection)
        await seed_demo(session, LocalStorage(tmp_path / "evidence"), PASSWORD)
        files = await export_demo(session, tmp_path)
        original = await snapshot(session)
        await session.close()
    yield files, original


@pytest.fixture
async def empty_connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async for connection in rolled_back_connection(engine):
        yield connection


def _data_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


async def _audit_counts(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        select(AuditEvent.action, func.count()).group_by(AuditEvent.action)
    )
    return {action: count for action, count in rows}


async def test_the_demo_is_rebuilt_from_csv_through_the_api(
    app: FastAPI,
    demo_files: tuple[dict[ImportKind, Path], Snapshot],
    empty_connection: AsyncConnection,
) -> None:
    files, original = demo_files
    expected = carried(original)
    assert len(expected["answers"]) > 1000  # the demo's answers, not an empty shell
    assert {row[2] for row in expected["answers"].values()} == {
        SubmissionStatus.DRAFT,
        SubmissionStatus.SUBMITTED,
    }

    session = session_on(empty_connection)
    assert await session.scalar(select(func.count()).select_from(Region)) == 0
    await framework_shell(session)
    importer = await create_user(session, username=IMPORTER, role=Role.ADMIN)
    token = await create_session_token(session, importer, app.state.settings)
    await session.commit()  # releases the savepoint into the test's transaction
    bind_app_to(app, empty_connection)

    async with http_client(app) as client:
        client.headers.update(bearer(token))
        first = await import_all(client, files)
        for kind, batch in first.items():
            rows = _data_rows(files[kind])
            assert batch["counts"] == {
                "rows": rows,
                "created": rows,
                "updated": 0,
                "unchanged": 0,
                "errors": 0,
                "rows_with_errors": 0,
            }, kind
        published = await client.post(f"{API}/frameworks/PEMILU2024/publish")
        assert published.status_code == 200, published.text
        audits = await _audit_counts(session)
        # Every object the imports made is in the audit trail, one event each.
        for kind, action in AUDIT_ACTIONS.items():
            assert audits.get(action) == first[kind]["counts"]["created"], action

        # The same files again: everything unchanged, nothing written, nothing audited but
        # the five import runs themselves.
        before = await snapshot(session)
        second = await import_all(client, files)
        for kind, batch in second.items():
            counts = batch["counts"]
            assert (counts["created"], counts["updated"]) == (0, 0), kind
            assert counts["unchanged"] == counts["rows"], kind
        assert await snapshot(session) == before
        again = await _audit_counts(session)
        assert again == {**audits, "import.run": audits.get("import.run", 0) + len(ORDER)}

        for code, state in PERIOD_STATES.items():
            if state == PeriodState.CLOSED:
                response = await client.post(f"{API}/periods/{code}/close")
                assert response.status_code == 200, response.text

    rebuilt = await snapshot(session)
    await session.close()
    for part in ("regions", "agencies", "indicators", "users", "periods"):
        assert rebuilt[part] == expected[part], part
    # Answers: same keys, values, narratives, CSV statuses and responsible agencies.
    assert rebuilt["answers"].keys() == expected["answers"].keys()
    differing = {
        key: (rebuilt["answers"][key], row)
        for key, row in expected["answers"].items()
        if rebuilt["answers"][key] != row
    }
    assert not differing, list(differing.items())[:5]
