"""`siaga users ...` and `siaga apikeys ...` against a migrated SQLite file.

SQLite only: these tests take no `backend` fixture, so they run once per test run.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from click.testing import Result
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from siaga.cli import app
from siaga.core.database import create_engine, create_sessionmaker, session_scope
from siaga.core.migrations import upgrade
from siaga.core.security import token_digest, verify_password
from siaga.core.settings import get_settings
from siaga.core.types import utcnow
from siaga.models import ApiKey, AuditEvent, AuthSession, Role, User
from tests.auth.support import PASSWORD, create_login_user
from tests.fixtures.db import run_in_thread
from tests.fixtures.factories import create_agency, create_region

T = TypeVar("T")
NEW_PASSWORD = "Jembatan-Mahakam-2024"
SECRET_KEY = "kunci-rahasia-khusus-uji-cli-0123456789"


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli_template") / "siaga.db"
    run_in_thread(upgrade, f"sqlite:///{path}")
    return path


@pytest.fixture
def database_file(
    migrated_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A fresh migrated database that `siaga` is configured to use."""
    path = tmp_path / "siaga.db"
    for file in migrated_template.parent.glob(f"{migrated_template.name}*"):  # -wal, -shm
        shutil.copy(file, tmp_path / file.name)
    monkeypatch.setenv("SIAGA_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("SIAGA_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("COLUMNS", "200")  # rich tables must not elide cells
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def siaga(*args: str, input: str | None = None) -> Result:
    # The command calls asyncio.run(); off the main thread it cannot disturb the event
    # loop pytest-asyncio owns.
    result: Result = run_in_thread(lambda: CliRunner().invoke(app, list(args), input=input))
    return result


def in_db(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in a committed transaction on the configured database."""

    async def runner() -> T:
        engine = create_engine(get_settings().database_url)
        try:
            async with session_scope(create_sessionmaker(engine)) as session:
                return await work(session)
        finally:
            await engine.dispose()

    value: T = run_in_thread(lambda: asyncio.run(runner()))
    return value


def user(username: str) -> User | None:
    async def work(session: AsyncSession) -> User | None:
        return await session.scalar(select(User).where(User.username == username))

    return in_db(work)


def rows(model: Any) -> list[Any]:
    async def work(session: AsyncSession) -> list[Any]:
        return list((await session.scalars(select(model).order_by(model.id))).all())

    return in_db(work)


def seed_regions() -> None:
    async def work(session: AsyncSession) -> None:
        kaltim = await create_region(session, code="64", name="Kalimantan Timur")
        samarinda = await create_region(session, code="64.72", parent=kaltim)
        await create_agency(session, region=samarinda, code="64.72.kesbangpol")

    in_db(work)


def seed_user(username: str, sessions: int = 0, **overrides: Any) -> None:
    async def work(session: AsyncSession) -> None:
        user = await create_login_user(session, username=username, **overrides)
        now = utcnow()
        for n in range(sessions):
            session.add(
                AuthSession(
                    user_id=user.id,
                    token_hash=f"{username}-{n}".ljust(64, "0")[:64],
                    last_seen_at=now,
                    expires_at=now + timedelta(hours=1),
                )
            )

    in_db(work)


def _ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result


class TestUsersCreate:
    def test_creates_a_user_with_a_hashed_password(self, database_file: Path) -> None:
        seed_regions()
        result = _ok(
            siaga(
                "users", "create", "pemantau.64", "--role", "viewer", "--region", "64",
                "--full-name", "Pemantau Kaltim", "--password", NEW_PASSWORD,
            )
        )  # fmt: skip
        assert "pemantau.64" in result.stdout
        created = user("pemantau.64")
        assert created is not None
        assert (created.role, created.full_name, created.is_active) == (
            Role.VIEWER,
            "Pemantau Kaltim",
            True,
        )
        assert created.password_hash.startswith("$argon2id$")
        assert verify_password(NEW_PASSWORD, created.password_hash)
        (event,) = rows(AuditEvent)
        assert (event.action, event.actor_label, event.entity_id) == (
            "user.create",
            "cli",
            "pemantau.64",
        )

    def test_creates_an_operator_for_an_agency(self, database_file: Path) -> None:
        seed_regions()
        _ok(
            siaga(
                "users", "create", "op.smd", "--role", "operator",
                "--agency", "64.72.kesbangpol", "--password", NEW_PASSWORD,
            )
        )  # fmt: skip
        created = user("op.smd")
        assert created is not None and created.agency_id is not None

    def test_asks_for_the_password_when_not_given(self, database_file: Path) -> None:
        _ok(
            siaga(
                "users", "create", "admin.pusat", "--role", "admin",
                input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
            )
        )  # fmt: skip
        created = user("admin.pusat")
        assert created is not None and verify_password(NEW_PASSWORD, created.password_hash)

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--role", "admin", "--password", "pendek"], "at least 10"),
            (["--role", "admin", "--password", "1234567890"], "too common"),
            (["--role", "admin", "--password", "x-baru.cli-sandi"], "username"),
            (["--role", "viewer", "--password", NEW_PASSWORD], "needs a region"),
            (["--role", "viewer", "--region", "99", "--password", NEW_PASSWORD], "99"),
            (["--role", "operator", "--password", NEW_PASSWORD], "agency"),
            (["--role", "raja", "--password", NEW_PASSWORD], "role"),
        ],
        ids=[
            "short-password",
            "common-password",
            "password-contains-username",
            "viewer-without-region",
            "unknown-region",
            "operator-without-agency",
            "unknown-role",
        ],
    )
    def test_refuses_an_invalid_user(
        self, database_file: Path, args: list[str], message: str
    ) -> None:
        result = siaga("users", "create", "baru.cli", *args)
        assert result.exit_code == 1
        assert message in result.stderr
        assert user("baru.cli") is None

    def test_refuses_a_duplicate_username(self, database_file: Path) -> None:
        seed_user("sudah.ada", role=Role.ADMIN)
        result = siaga(
            "users", "create", "sudah.ada", "--role", "admin", "--password", NEW_PASSWORD
        )
        assert result.exit_code == 1
        assert "user exists" in result.stderr


class TestUsersList:
    def test_lists_users_and_filters_by_role(self, database_file: Path) -> None:
        seed_user("admin.satu", role=Role.ADMIN)
        seed_user("admin.dua", role=Role.ADMIN, is_active=False)
        seed_user("lihat.saja", role=Role.VIEWER)
        everyone = _ok(siaga("users", "list")).stdout
        assert all(name in everyone for name in ("admin.satu", "admin.dua", "lihat.saja"))
        assert "3 users" in everyone
        admins = _ok(siaga("users", "list", "--role", "admin")).stdout
        assert "admin.satu" in admins and "lihat.saja" not in admins


class TestUsersDisableEnable:
    def test_disable_ends_sessions_and_enable_restores_the_account(
        self, database_file: Path
    ) -> None:
        seed_user("akan.mati", sessions=2, role=Role.ADMIN)
        _ok(siaga("users", "disable", "akan.mati"))
        disabled = user("akan.mati")
        assert disabled is not None and disabled.is_active is False
        assert all(s.revoked_at is not None for s in rows(AuthSession))
        _ok(siaga("users", "enable", "akan.mati"))
        enabled = user("akan.mati")
        assert enabled is not None and enabled.is_active is True
        assert [e.action for e in rows(AuditEvent)] == ["user.update", "user.update"]
        assert {e.actor_label for e in rows(AuditEvent)} == {"cli"}

    @pytest.mark.parametrize("command", ["disable", "enable", "set-password"])
    def test_unknown_user_fails(self, database_file: Path, command: str) -> None:
        result = siaga("users", command, "tidak.ada", input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
        assert result.exit_code == 1
        assert "not found" in result.stderr


class TestUsersSetPassword:
    def test_sets_a_new_password_and_ends_sessions(self, database_file: Path) -> None:
        seed_user("ganti.sandi", sessions=1, role=Role.ADMIN)
        _ok(siaga("users", "set-password", "ganti.sandi", "--password", NEW_PASSWORD))
        changed = user("ganti.sandi")
        assert changed is not None
        assert verify_password(NEW_PASSWORD, changed.password_hash)
        assert not verify_password(PASSWORD, changed.password_hash)
        (auth_session,) = rows(AuthSession)
        assert auth_session.revoked_at is not None
        (event,) = rows(AuditEvent)
        # An administrator's reset: the owner chooses a new one at the next sign-in.
        assert event.after == {"password": "(changed)", "must_change_password": True}
        assert changed.must_change_password is True

    def test_refuses_a_weak_password(self, database_file: Path) -> None:
        seed_user("sandi.kuat", role=Role.ADMIN)
        result = siaga("users", "set-password", "sandi.kuat", "--password", "qwertyuiop")
        assert result.exit_code == 1
        assert "too common" in result.stderr
        unchanged = user("sandi.kuat")
        assert unchanged is not None and verify_password(PASSWORD, unchanged.password_hash)


class TestApikeys:
    def test_create_prints_the_key_once_and_stores_its_hash(self, database_file: Path) -> None:
        seed_regions()
        result = _ok(
            siaga(
                "apikeys", "create", "SIPD Kemendagri", "--scope", "read", "--scope", "import",
                "--region", "64", "--days", "30",
            )
        )  # fmt: skip
        key = result.stdout.strip().splitlines()[-1]
        (api_key,) = rows(ApiKey)
        assert key.startswith(f"sgk_{api_key.prefix}_")
        assert api_key.key_hash == token_digest(SECRET_KEY, key, "api_key")
        assert (api_key.name, api_key.scopes) == ("SIPD Kemendagri", ["import", "read"])
        assert api_key.expires_at is not None
        assert abs(api_key.expires_at - (utcnow() + timedelta(days=30))) < timedelta(minutes=1)
        (event,) = rows(AuditEvent)
        assert (event.action, event.actor_label) == ("api_key.create", "cli")
        # Listing shows the prefix, never the key.
        listing = _ok(siaga("apikeys", "list")).stdout
        assert api_key.prefix in listing and key not in listing

    @pytest.mark.parametrize(
        "args",
        [
            ["--scope", "admin"],
            ["--scope", "read", "--region", "99"],
            ["--scope", "read", "--days", "0"],
            ["--scope", "read", "--days", "5000"],
        ],
        ids=["unknown-scope", "unknown-region", "zero-days", "too-many-days"],
    )
    def test_create_refuses_invalid_keys(self, database_file: Path, args: list[str]) -> None:
        result = siaga("apikeys", "create", "Sistem", *args)
        assert result.exit_code == 1, result.output
        assert rows(ApiKey) == []

    def test_revoke_stops_the_key_and_cannot_be_repeated(self, database_file: Path) -> None:
        result = _ok(siaga("apikeys", "create", "Sistem Lain", "--scope", "read"))
        (api_key,) = rows(ApiKey)
        assert api_key.revoked_at is None and result.stdout
        _ok(siaga("apikeys", "revoke", api_key.prefix))
        (revoked,) = rows(ApiKey)
        assert revoked.revoked_at is not None
        again = siaga("apikeys", "revoke", api_key.prefix)
        assert again.exit_code == 1 and "already revoked" in again.stderr
        assert [e.action for e in rows(AuditEvent)] == ["api_key.create", "api_key.revoke"]

    def test_revoke_unknown_prefix_fails(self, database_file: Path) -> None:
        result = siaga("apikeys", "revoke", "abcdef012345")
        assert result.exit_code == 1
        assert "not found" in result.stderr


class TestBadArgumentsFailCleanly:
    """Bad input ends with a message and exit code 1 or 2, never a traceback."""

    def test_users_list_with_an_unknown_role(self, database_file: Path) -> None:
        result = siaga("users", "list", "--role", "raja")
        assert result.exit_code in (1, 2)
        assert not isinstance(result.exception, ValueError)

    def test_set_password_longer_than_the_schema_allows(self, database_file: Path) -> None:
        seed_user("sandi.kepanjangan", role=Role.ADMIN)
        result = siaga("users", "set-password", "sandi.kepanjangan", "--password", "k" * 200)
        assert result.exit_code == 1
        assert result.exception is None or isinstance(result.exception, SystemExit)
