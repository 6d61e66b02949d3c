from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Shipped defaults: fine on a laptop, refused in production (see _refuse_defaults).
DEFAULT_SECRET_KEY = "dev-insecure-secret-key-change-me"  # noqa: S105
DEFAULT_DEMO_PASSWORD = "siaga-demo-2024"  # noqa: S105

_PROJECT_ROOT = Path(__file__).resolve().parents[3]


def normalise_database_url(url: str) -> str:
    """Map the URL forms people type to the async drivers SQLAlchemy needs."""
    url = url.strip()
    for plain, driver in (
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgresql+psycopg2://", "postgresql+asyncpg://"),
        ("postgresql+psycopg://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    if url.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
        return url
    raise ValueError(
        "SIAGA_DATABASE_URL must be a postgresql:// or sqlite:/// URL "
        f"(got scheme {url.split(':', 1)[0]!r})"
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SIAGA_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    env: Literal["development", "production", "test"] = "development"
    database_url: str = Field(
        default=f"sqlite+aiosqlite:///{_PROJECT_ROOT / 'var' / 'siaga.db'}",
        description="SQLAlchemy URL; postgresql:// and sqlite:/// forms are normalised.",
    )
    storage_dir: Path = _PROJECT_ROOT / "var" / "evidence"
    secret_key: str = DEFAULT_SECRET_KEY
    demo_password: str = DEFAULT_DEMO_PASSWORD
    frontend_dist: Path = _PROJECT_ROOT / "frontend" / "dist"
    log_level: str = "INFO"
    # Echo SQL statements; only useful when debugging queries.
    sql_echo: bool = False

    @field_validator("database_url")
    @classmethod
    def _normalise_url(cls, value: str) -> str:
        return normalise_database_url(value)

    @model_validator(mode="after")
    def _refuse_defaults(self) -> Settings:
        # A production deployment with the repository's published secrets would let
        # anyone forge tokens or log in as a demo user.
        if self.env == "production":
            if self.secret_key == DEFAULT_SECRET_KEY or len(self.secret_key) < 32:
                raise ValueError(
                    "SIAGA_SECRET_KEY must be set to a random value of at least 32 characters "
                    "in production"
                )
            if self.demo_password == DEFAULT_DEMO_PASSWORD:
                raise ValueError("SIAGA_DEMO_PASSWORD must not be the default in production")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
