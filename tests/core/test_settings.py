from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from siaga.core.settings import (
    DEFAULT_DEMO_PASSWORD,
    DEFAULT_SECRET_KEY,
    Settings,
    get_settings,
    normalise_database_url,
)
from siaga.main import create_app

STRONG_SECRET = "x" * 40
PRODUCTION = {
    "env": "production",
    "secret_key": STRONG_SECRET,
    "demo_password": "a-real-password",
    "database_url": "postgresql://siaga@db/siaga",
}


def _settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class TestDatabaseUrl:
    @pytest.mark.parametrize(
        ("given", "expected"),
        [
            ("postgresql://u:p@db:5432/siaga", "postgresql+asyncpg://u:p@db:5432/siaga"),
            ("postgres://u@db/siaga", "postgresql+asyncpg://u@db/siaga"),
            ("postgresql+psycopg2://u@db/siaga", "postgresql+asyncpg://u@db/siaga"),
            ("postgresql+psycopg://u@db/siaga", "postgresql+asyncpg://u@db/siaga"),
            ("postgresql+asyncpg://u@db/siaga", "postgresql+asyncpg://u@db/siaga"),
            ("sqlite:///var/siaga.db", "sqlite+aiosqlite:///var/siaga.db"),
            ("sqlite:////abs/siaga.db", "sqlite+aiosqlite:////abs/siaga.db"),
            ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
            ("  sqlite:///x.db \n", "sqlite+aiosqlite:///x.db"),
        ],
    )
    def test_normalised_to_async_driver(self, given: str, expected: str) -> None:
        assert normalise_database_url(given) == expected
        assert _settings(database_url=given).database_url == expected

    @pytest.mark.parametrize(
        "url", ["mysql://u@db/siaga", "oracle://db", "siaga.db", "", "http://db/siaga"]
    )
    def test_other_schemes_refused(self, url: str) -> None:
        with pytest.raises(ValueError, match="postgresql:// or sqlite:///"):
            normalise_database_url(url)
        with pytest.raises(ValidationError):
            _settings(database_url=url)

    def test_is_sqlite(self) -> None:
        assert _settings(database_url="sqlite:///x.db").is_sqlite
        assert not _settings(database_url="postgresql://db/x").is_sqlite


class TestProductionRefusesDefaults:
    def test_default_secret_refused(self) -> None:
        with pytest.raises(ValidationError, match="SIAGA_SECRET_KEY"):
            _settings(env="production", demo_password="a-real-password")

    def test_short_secret_refused(self) -> None:
        with pytest.raises(ValidationError, match="SIAGA_SECRET_KEY"):
            _settings(env="production", secret_key="short", demo_password="a-real-password")

    def test_default_demo_password_refused(self) -> None:
        with pytest.raises(ValidationError, match="SIAGA_DEMO_PASSWORD"):
            _settings(env="production", secret_key=STRONG_SECRET)

    def test_real_values_accepted(self) -> None:
        settings = _settings(**PRODUCTION)
        assert settings.env == "production"
        assert settings.secure_cookies

    def test_default_database_refused(self) -> None:
        # The repository's own SQLite file: a production that forgot its database URL.
        values = {k: v for k, v in PRODUCTION.items() if k != "database_url"}
        with pytest.raises(ValidationError, match="SIAGA_DATABASE_URL must be set"):
            _settings(**values)

    def test_an_explicit_sqlite_file_is_accepted(self) -> None:
        settings = _settings(**{**PRODUCTION, "database_url": "sqlite:////srv/siaga/siaga.db"})
        assert settings.is_sqlite

    def test_insecure_cookies_refused(self) -> None:
        with pytest.raises(ValidationError, match="SIAGA_COOKIE_SECURE"):
            _settings(**PRODUCTION, cookie_secure=False)

    def test_short_metrics_token_refused(self) -> None:
        with pytest.raises(ValidationError, match="SIAGA_METRICS_TOKEN"):
            _settings(**PRODUCTION, metrics_token="short")
        assert _settings(**PRODUCTION, metrics_token="m" * 16).metrics_token is not None

    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("SIAGA_SECRET_KEY", DEFAULT_SECRET_KEY),
            ("SIAGA_DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD),
            ("SIAGA_COOKIE_SECURE", "false"),
        ],
    )
    def test_each_refusal_stops_the_server_from_starting(
        self, monkeypatch: pytest.MonkeyPatch, name: str, value: str
    ) -> None:
        # What `siaga serve` (create_app) reads: the environment, not init arguments.
        for key, good in PRODUCTION.items():
            monkeypatch.setenv(f"SIAGA_{key.upper()}", good)
        monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        try:
            with pytest.raises(ValidationError, match=name):
                create_app()
        finally:
            get_settings.cache_clear()

    @pytest.mark.parametrize("env", ["development", "test"])
    def test_defaults_fine_outside_production(self, env: str) -> None:
        settings = _settings(env=env)
        assert settings.secret_key == DEFAULT_SECRET_KEY
        assert settings.demo_password == DEFAULT_DEMO_PASSWORD

    def test_read_from_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("SIAGA_ENV", "production")
        monkeypatch.setenv("SIAGA_SECRET_KEY", DEFAULT_SECRET_KEY)
        monkeypatch.setenv("SIAGA_DEMO_PASSWORD", "a-real-password")
        with pytest.raises(ValidationError, match="SIAGA_SECRET_KEY"):
            Settings(_env_file=None)  # type: ignore[call-arg]
