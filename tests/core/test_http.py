"""Cross-cutting HTTP behaviour: pagination bounds, error shape, request ids, the SPA."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.fixtures.client import build_app, http_client
from tests.helpers import API, assert_error, assert_page

LIST_PATHS = ["/regions", "/agencies", "/frameworks", "/periods"]


class TestPagination:
    @pytest.mark.parametrize("path", LIST_PATHS)
    async def test_defaults(self, client: httpx.AsyncClient, path: str) -> None:
        assert_page(await client.get(f"{API}{path}"), total=0, limit=50, offset=0)

    @pytest.mark.parametrize("path", LIST_PATHS)
    async def test_limit_500_allowed(self, client: httpx.AsyncClient, path: str) -> None:
        assert_page(await client.get(f"{API}{path}", params={"limit": 500}), total=0, limit=500)

    @pytest.mark.parametrize("path", LIST_PATHS)
    async def test_limit_over_500_is_422_naming_limit(
        self, client: httpx.AsyncClient, path: str
    ) -> None:
        response = await client.get(f"{API}{path}", params={"limit": 501})
        error = assert_error(response, 422, "invalid_input")
        assert [d["loc"] for d in error["details"]] == [["query", "limit"]]
        assert error["details"][0]["type"] == "less_than_equal"
        assert error["details"][0]["message"]

    @pytest.mark.parametrize(
        ("param", "value"),
        [("limit", "0"), ("limit", "-1"), ("limit", "ten"), ("offset", "-1"), ("offset", "x")],
    )
    async def test_bad_values_are_422(
        self, client: httpx.AsyncClient, param: str, value: str
    ) -> None:
        response = await client.get(f"{API}/regions", params={param: value})
        error = assert_error(response, 422, "invalid_input")
        assert ["query", param] in [d["loc"] for d in error["details"]]


class TestErrors:
    async def test_unknown_api_path_is_404_in_error_shape(self, client: httpx.AsyncClient) -> None:
        assert_error(await client.get(f"{API}/nothing-here"), 404, "not_found")

    async def test_wrong_method_is_405_in_error_shape(self, client: httpx.AsyncClient) -> None:
        assert_error(await client.delete(f"{API}/regions"), 405, "method_not_allowed")


class TestRequestId:
    async def test_sane_id_echoed(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{API}/healthz", headers={"X-Request-ID": "abc-123.XYZ_9"})
        assert response.headers["x-request-id"] == "abc-123.XYZ_9"

    async def test_echoed_on_errors_too(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"{API}/regions/99", headers={"X-Request-ID": "req-404"})
        assert response.status_code == 404
        assert response.headers["x-request-id"] == "req-404"

    @pytest.mark.parametrize("incoming", [None, "", "has space", "x" * 65, "bad/chars"])
    async def test_missing_or_insane_id_replaced(
        self, client: httpx.AsyncClient, incoming: str | None
    ) -> None:
        headers = {} if incoming is None else {"X-Request-ID": incoming}
        response = await client.get(f"{API}/healthz", headers=headers)
        generated = response.headers["x-request-id"]
        assert re.fullmatch(r"[0-9a-f]{32}", generated)
        assert generated != incoming

    async def test_each_request_gets_its_own(self, client: httpx.AsyncClient) -> None:
        first = (await client.get(f"{API}/healthz")).headers["x-request-id"]
        second = (await client.get(f"{API}/healthz")).headers["x-request-id"]
        assert first != second


class TestSpa:
    async def test_spa_served_but_never_for_api_paths(self, tmp_path: Path) -> None:
        dist = tmp_path / "dist"
        (dist / "assets").mkdir(parents=True)
        (dist / "index.html").write_text("<!doctype html><title>Siaga</title>")
        (dist / "assets" / "app.js").write_text("console.log(1)")
        app = build_app(f"sqlite:///{tmp_path / 'unused.db'}", frontend_dist=dist)
        try:
            async with http_client(app) as client:
                deep_link = await client.get("/wilayah/64.72")
                asset = await client.get("/assets/app.js")
                api_miss = await client.get(f"{API}/nothing-here")
                health = await client.get(f"{API}/healthz")
        finally:
            await app.state.engine.dispose()
        assert deep_link.status_code == 200
        assert "Siaga" in deep_link.text
        assert deep_link.headers["cache-control"] == "no-cache"
        assert asset.text == "console.log(1)"
        assert_error(api_miss, 404, "not_found")
        assert health.json() == {"status": "ok"}
        # The SPA's catch-all route stays out of the contract.
        assert all(not p.startswith("/{") for p in app.openapi()["paths"])
