"""The e-mail tests' SMTP server and the settings that point at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from siaga.core.settings import Settings
from tests.events.conftest import (
    chain,
    committed,
    committed_app,
    committed_database_url,
    make_worker,
    world,
)
from tests.mail.smtp_server import SmtpServer

__all__ = [
    "chain",
    "committed",
    "committed_app",
    "committed_database_url",
    "make_worker",
    "world",
]

PUBLIC_URL = "https://siaga.example.go.id"
MAIL_FROM = "Siaga Kaltim <siaga@kaltim.example.go.id>"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def mail_settings(base: Settings, smtp_url: str | None, **more: object) -> Settings:
    return base.model_copy(
        update={
            "smtp_url": SecretStr(smtp_url) if smtp_url else None,
            "mail_from": MAIL_FROM,
            "public_url": PUBLIC_URL,
            "mail_timeout_seconds": 5.0,
            **more,
        }
    )


@pytest.fixture
def settings_for(app: FastAPI) -> object:
    def make(smtp_url: str | None, **more: object) -> Settings:
        return mail_settings(app.state.settings, smtp_url, **more)

    return make
