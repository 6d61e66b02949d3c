"""Regression tests for what the fuzz run (tests/test_fuzz.py) found, one per finding."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers import API, assert_error

NUL = "\x00"


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("GET", "/submissions", {"params": {"agency": f"64.72{NUL}"}}),
        ("GET", "/tasks", {"params": {"period": f"2023-Q4{NUL}"}}),
        ("GET", "/regions", {"params": {"q": f"Sam{NUL}"}}),
        ("GET", "/regions/64%00", {}),
        ("GET", "/users", {"params": {"q": f"adm{NUL}"}}),
        ("GET", "/audit", {"params": {"actor": f"admin{NUL}"}}),
        ("POST", "/api-keys", {"json": {"name": f"sistem{NUL}", "scopes": ["read"]}}),
    ],
)
async def test_text_with_a_nul_character_is_bad_input_not_a_server_error(
    client: httpx.AsyncClient, backend: str, method: str, path: str, kwargs: dict[str, object]
) -> None:
    # PostgreSQL cannot store NUL in text and refused the query with a 500; SQLite
    # stores it, so there the request simply finds nothing or succeeds.
    response = await client.request(method, API + path, **kwargs)  # type: ignore[arg-type]
    if backend == "postgresql":
        error = assert_error(response, 422, "invalid_input")
        assert "NUL" in error["message"]
    else:
        assert response.status_code < 500, response.text


async def test_login_with_a_nul_character_is_refused_cleanly(
    anon_client: httpx.AsyncClient,
) -> None:
    response = await anon_client.post(
        f"{API}/auth/login", json={"username": f"admin{NUL}", "password": f"x{NUL}"}
    )
    assert response.status_code in (401, 422), response.text
    assert set(response.json()) == {"error"}


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        # Served by two routes each: the router's own 405 named only the first.
        ("/submissions/2023-Q4/64.72/K1.01", "GET, PUT"),
        ("/regions/boundaries", "GET, POST"),
        ("/api-keys/abc", "DELETE, GET"),
        ("/periods/2023-Q4/open", "POST"),
    ],
)
async def test_405_names_every_method_of_the_path(
    client: httpx.AsyncClient, path: str, allowed: str
) -> None:
    response = await client.request("PATCH", API + path)
    assert_error(response, 405, "method_not_allowed")
    assert response.headers["allow"] == allowed
