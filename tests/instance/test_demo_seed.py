"""GET /instance on the real demo seed: the accounts it names are the ones the seed made."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

from siaga.core.settings import DEFAULT_DEMO_PASSWORD
from siaga.core.storage import LocalStorage
from siaga.seed.demo import SHOWCASE_USERNAMES, SeedSummary
from tests.fixtures.client import API, bind_app_to, http_client
from tests.seed.test_demo import seeded_connection  # noqa: F401 - fixture

# The module's own seed (seconds): kept apart from tests/instance/test_router.py so that
# its open transaction never meets theirs on one SQLite file.


async def test_a_development_installation_names_the_seeded_accounts(
    app: FastAPI,
    monkeypatch: pytest.MonkeyPatch,
    seeded_connection: tuple[AsyncConnection, SeedSummary, LocalStorage],  # noqa: F811
) -> None:
    connection, summary, _ = seeded_connection
    assert set(SHOWCASE_USERNAMES) <= set(summary.users)
    bind_app_to(app, connection)
    async with http_client(app) as client:
        monkeypatch.setattr(app.state.settings, "env", "production")
        hidden = (await client.get(f"{API}/instance")).json()
        monkeypatch.setattr(app.state.settings, "env", "development")
        shown = (await client.get(f"{API}/instance")).json()
    assert hidden["demo_accounts"] == [] and hidden["demo_password"] is None
    accounts = {a["username"]: a for a in shown["demo_accounts"]}
    assert list(accounts) == list(SHOWCASE_USERNAMES)
    assert accounts["operator.64.72.kesbangpol"]["agency"] == "64.72.kesbangpol"
    assert accounts["operator.64.72.kesbangpol"]["region_name"] == "Kota Samarinda"
    assert accounts["verifikator.64"]["region_name"] == "Kalimantan Timur"
    assert shown["demo_password"] == DEFAULT_DEMO_PASSWORD
