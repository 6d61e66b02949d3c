"""`siaga periods ...` on the local database (as the local administrator), through
typer's CliRunner on a migrated SQLite file (tests/cli/test_cli.py's fixtures)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import AuditEvent, FrameworkStatus, Period, PeriodState
from tests.cli.test_cli import database_file, in_db, migrated_template, rows, siaga
from tests.fixtures.factories import create_framework

__all__ = ["database_file", "migrated_template"]
REASON = "Perpanjangan karena banjir"


def seed_framework(code: str = "PEMILU2030", *, draft: bool = False) -> None:
    async def work(session: AsyncSession) -> None:
        framework = await create_framework(session, code=code, dimensions=0)
        if draft:
            framework.status = FrameworkStatus.DRAFT

    in_db(work)


def period(code: str) -> Period | None:
    async def work(session: AsyncSession) -> Period | None:
        return await session.scalar(select(Period).where(Period.code == code))

    return in_db(work)


def test_create_one_quarter_with_the_default_framework(database_file: object) -> None:
    seed_framework()
    result = siaga("periods", "create", "2030-Q1")
    assert result.exit_code == 0, result.output
    created = period("2030-Q1")
    assert created is not None and created.state == PeriodState.PLANNED
    assert (created.start_date, created.end_date, created.deadline) == (
        date(2030, 1, 1),
        date(2030, 3, 31),
        date(2030, 4, 10),
    )
    assert [e.action for e in rows(AuditEvent)] == ["period.create"]


def test_create_with_framework_and_deadline(database_file: object) -> None:
    seed_framework("LAMA")
    seed_framework()
    result = siaga(
        "periods", "create", "2030-Q2", "--framework", "LAMA", "--deadline", "2030-07-15"
    )
    assert result.exit_code == 0, result.output
    assert "2030-07-15" in result.output and "LAMA" in result.output


def test_create_a_year_skips_existing_quarters(database_file: object) -> None:
    seed_framework()
    assert siaga("periods", "create", "2030-Q2").exit_code == 0
    result = siaga("periods", "create", "--year", "2030")
    assert result.exit_code == 0, result.output
    assert "2030-Q2 sudah ada" in result.output
    assert all(period(f"2030-Q{n}") is not None for n in range(1, 5))


def test_refusals_name_the_field_and_exit_1(database_file: object) -> None:
    seed_framework()
    seed_framework("DRAF", draft=True)
    bad = siaga("periods", "create", "2030-Q5")
    assert bad.exit_code == 1 and "code" in bad.output
    draft = siaga("periods", "create", "2030-Q1", "--framework", "DRAF")
    assert draft.exit_code == 1 and "framework" in draft.output
    early = siaga("periods", "create", "2030-Q1", "--deadline", "2029-01-01")
    assert early.exit_code == 1 and "deadline" in early.output
    assert siaga("periods", "create", "2030-Q1").exit_code == 0
    again = siaga("periods", "create", "2030-Q1")
    assert again.exit_code == 1 and "period_exists" in again.output
    neither = siaga("periods", "create")
    assert neither.exit_code != 0


def test_no_published_framework(database_file: object) -> None:
    seed_framework("DRAF", draft=True)
    result = siaga("periods", "create", "2030-Q1")
    assert result.exit_code == 1 and "--framework" in result.output


def test_open_close_extend_reopen_list(database_file: object) -> None:
    seed_framework()
    assert siaga("periods", "create", "2030-Q1").exit_code == 0
    assert siaga("periods", "open", "2030-Q1").exit_code == 0
    extended = siaga("periods", "extend", "2030-Q1", "--deadline", "2030-04-30", "--reason", REASON)
    assert extended.exit_code == 0, extended.output
    short = siaga("periods", "extend", "2030-Q1", "--deadline", "2030-04-30", "--reason", "x")
    assert short.exit_code == 1 and "reason" in short.output
    assert siaga("periods", "reopen", "2030-Q1", "--reason", REASON).exit_code == 1  # open
    assert siaga("periods", "close", "2030-Q1").exit_code == 0
    assert siaga("periods", "reopen", "2030-Q1", "--reason", REASON).exit_code == 0
    listed = siaga("periods", "list")
    assert listed.exit_code == 0 and "2030-Q1" in listed.output and "2030-04-30" in listed.output
    found = period("2030-Q1")
    assert found is not None and found.state == PeriodState.OPEN
    assert [e.action for e in rows(AuditEvent)] == [
        "period.create",
        "period.open",
        "period.deadline",
        "period.close",
        "period.reopen",
    ]
    assert siaga("periods", "open", "1999-Q1").exit_code == 1


def test_url_needs_a_key(database_file: object) -> None:
    result = siaga("periods", "list", "--url", "http://127.0.0.1:9")
    assert result.exit_code != 0 and "--api-key" in result.output
