"""The security review's cases (issue 15), generated rather than listed: workbooks whose
one cell, declared dimension or shared-string count is drawn from the whole sheet, and
bursts of refused requests of every kind at once. Whatever is drawn, the answer is a
clean 2xx or 4xx in the contract's shape, never a 5xx; the named cases are in
tests/imports/test_bounds.py and tests/faults/test_refusal_burst.py."""

from __future__ import annotations

import asyncio
import string
from collections import Counter

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siaga.models import Role
from tests.auth.support import Committed, create_login_user, login
from tests.fixtures.auth import bearer, create_api_key, create_session_token
from tests.fixtures.factories import create_region, create_user
from tests.helpers import API
from tests.imports import hostile as h
from tests.imports.conftest import upload

pytestmark = pytest.mark.fuzz

LAST_COLUMN, LAST_ROW = 16_384, 1_048_576
CLEAN_IMPORT_STATUSES = {200, 201, 413, 415, 422}


def _column(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = string.ascii_uppercase[rest] + letters
    return letters


cells = st.tuples(st.integers(1, LAST_COLUMN), st.integers(2, LAST_ROW)).map(
    lambda c: f"{_column(c[0])}{c[1]}"
)


@st.composite
def workbooks(draw: st.DrawFn) -> bytes:
    """A submissions workbook with a header and one far cell, a dimension that may lie and
    shared strings whose declared count may lie too."""
    far = draw(cells)
    dimension = draw(st.one_of(st.none(), cells.map(lambda ref: f"A1:{ref}")))
    rows = h.header_row() + f'<row r="{far.lstrip(string.ascii_uppercase)}">'
    rows += f'<c r="{far}" t="s"><v>{draw(st.integers(0, 3))}</v></c></row>'
    declared = draw(st.one_of(st.none(), st.integers(0, 4_000_000_000)))
    strings = h.shared_strings("a", "b", declared=declared)
    return h.workbook(h.sheet(rows, dimension=dimension), shared_strings=strings)


class TestWorkbooks:
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(content=workbooks())
    async def test_any_shape_is_answered_cleanly(
        self, client: httpx.AsyncClient, content: bytes
    ) -> None:
        response = await upload(client, "submissions", content, filename="data.xlsx", dry_run=True)
        assert response.status_code in CLEAN_IMPORT_STATUSES, response.text
        if response.status_code >= 400:
            assert set(response.json()["error"]) == {"code", "message", "details"}


async def _refusal(client: httpx.AsyncClient, kind: int, tokens: dict[str, str]) -> httpx.Response:
    """One refused request of the review's kinds; `kind` picks which."""
    if kind == 0:  # a wrong password
        return await login(client, "pemeriksa", "Bukan-Sandinya-123")
    if kind == 1:  # a write the role may not make
        return await client.post(
            f"{API}/users",
            json={"username": "penyusup", "role": "admin", "password": "Rahasia-Sekali-77"},
            headers=bearer(tokens["viewer"]),
        )
    if kind == 2:  # a write outside the caller's province
        return await client.patch(
            f"{API}/users/warga.kalsel", json={"full_name": "X"}, headers=bearer(tokens["admin"])
        )
    if kind == 3:  # an import key managing accounts
        return await upload(
            client,
            "users",
            b"username,full_name,role\nbos,Bos,admin\n",
            filename="users.csv",
            headers=bearer(tokens["key"]),
        )
    return await client.get(f"{API}/regions", headers=bearer("palsu"))  # an unknown token


class TestRefusalBursts:
    @settings(
        max_examples=8,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(kinds=st.lists(st.integers(0, 4), min_size=20, max_size=60))
    async def test_any_mix_at_once_is_refused_cleanly(
        self, committed: Committed, kinds: list[int]
    ) -> None:
        await committed.empty()
        async with committed.session() as session:
            kaltim = await create_region(session, code="64")
            kalsel = await create_region(session, code="63", name="Kalimantan Selatan")
            await create_login_user(session, username="pemeriksa", role=Role.VIEWER)
            await create_user(session, username="warga.kalsel", role=Role.VIEWER, region=kalsel)
            viewer = await create_user(session, username="pembaca", role=Role.VIEWER)
            admin = await create_user(
                session, username="admin.kaltim", role=Role.ADMIN, region=kaltim
            )
            settings_ = committed.app.state.settings
            tokens = {
                "viewer": await create_session_token(session, viewer, settings_),
                "admin": await create_session_token(session, admin, settings_),
                "key": await create_api_key(session, settings_, scopes=["import"]),
            }
        async with committed.client() as client:
            responses = await asyncio.gather(*(_refusal(client, k, tokens) for k in kinds))
        statuses = Counter(r.status_code for r in responses)
        assert all(400 <= status < 500 for status in statuses), statuses
        for response in responses:
            assert set(response.json()["error"]) == {"code", "message", "details"}
