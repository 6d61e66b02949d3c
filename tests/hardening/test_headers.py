"""Security headers on every response; the docs page's own policy; CORS for listed origins."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from pydantic import ValidationError

from siaga.core.headers import CONTENT_SECURITY_POLICY
from siaga.core.settings import Settings
from tests.fixtures.client import BASE_URL, build_app, http_client
from tests.helpers import API, assert_error

EXPECTED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "cross-origin-opener-policy": "same-origin",
}
ORIGIN = "https://portal.example.go.id"


def _directives(policy: str) -> dict[str, list[str]]:
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in parts}


def assert_security_headers(response: httpx.Response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name
    assert "camera=()" in response.headers["permissions-policy"]
    # Only our own pages may ask for the phone's position (incident reports).
    assert "geolocation=(self)" in response.headers["permissions-policy"]
    csp = _directives(response.headers["content-security-policy"])
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]


class TestApiResponses:
    @pytest.mark.parametrize(
        ("method", "path", "status"),
        [
            ("GET", "/healthz", 200),
            ("GET", "/regions", 401),
            ("GET", "/nothing-here", 404),
            ("DELETE", "/regions", 405),
        ],
    )
    async def test_every_answer_has_them(
        self, anon_client: httpx.AsyncClient, method: str, path: str, status: int
    ) -> None:
        response = await anon_client.request(method, f"{API}{path}")
        assert response.status_code == status
        assert_security_headers(response)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY

    async def test_spa_policy_allows_no_inline_script_nor_foreign_origin(self) -> None:
        csp = _directives(CONTENT_SECURITY_POLICY)
        assert csp["default-src"] == ["'self'"]
        assert csp["script-src"] == ["'self'"]
        assert csp["style-src"] == ["'self'"]
        assert csp["connect-src"] == ["'self'"]
        assert csp["base-uri"] == ["'self'"]
        assert csp["form-action"] == ["'self'"]
        assert not any("http" in value for values in csp.values() for value in values)

    async def test_no_hsts_over_plain_http(self, anon_client: httpx.AsyncClient) -> None:
        response = await anon_client.get(f"{API}/healthz")
        assert "strict-transport-security" not in response.headers

    async def test_forwarded_proto_alone_is_not_believed(
        self, anon_client: httpx.AsyncClient
    ) -> None:
        # Only uvicorn's proxy_headers (for forwarded_allow_ips) may turn this into https.
        response = await anon_client.get(f"{API}/healthz", headers={"X-Forwarded-Proto": "https"})
        assert "strict-transport-security" not in response.headers

    async def test_hsts_over_https(self, app: FastAPI) -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://test") as client:
            response = await client.get(f"{API}/healthz")
        assert response.headers["strict-transport-security"] == (
            "max-age=31536000; includeSubDomains"
        )

    async def test_hsts_can_be_turned_off(self, database_url: str) -> None:
        app = build_app(database_url, hsts_max_age=0)
        try:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="https://t") as client:
                response = await client.get(f"{API}/healthz")
        finally:
            await app.state.engine.dispose()
        assert "strict-transport-security" not in response.headers


class TestSpa:
    @pytest.fixture
    async def spa_client(
        self, database_url: str, tmp_path: Path
    ) -> AsyncIterator[httpx.AsyncClient]:
        (tmp_path / "assets").mkdir()
        (tmp_path / "index.html").write_text("<!doctype html><title>Siaga</title>")
        (tmp_path / "assets" / "app-1.js").write_text("console.log(1)")
        app = build_app(database_url, frontend_dist=tmp_path)
        async with http_client(app) as client:
            yield client
        await app.state.engine.dispose()

    @pytest.mark.parametrize("path", ["/", "/wilayah/64.72", "/assets/app-1.js"])
    async def test_pages_and_assets_have_them(
        self, spa_client: httpx.AsyncClient, path: str
    ) -> None:
        response = await spa_client.get(path)
        assert response.status_code == 200
        assert_security_headers(response)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


class TestDocs:
    async def test_swagger_page_loads_under_its_own_policy(
        self, anon_client: httpx.AsyncClient
    ) -> None:
        response = await anon_client.get(f"{API}/docs")
        assert response.status_code == 200
        assert "text/html" in response.headers["content-type"]
        assert_security_headers(response)
        html = response.text
        csp = _directives(response.headers["content-security-policy"])
        # A closed network reaches no CDN: the policy names no other host than our own.
        for directive in ("default-src", "script-src", "style-src", "img-src", "connect-src"):
            hosts = [v for v in csp[directive] if v.startswith(("http", "//")) or "." in v]
            assert hosts == [], (directive, hosts)
        assert csp["script-src"][0] == "'self'"
        assert csp["style-src"][0] == "'self'"
        # The one inline script is allowed by its hash, not by 'unsafe-inline'.
        inline = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
        assert len(inline) == 1
        digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp["script-src"]
        assert "'unsafe-inline'" not in csp["script-src"]
        assert f"url: '{API}/openapi.json'" in html

    async def test_swagger_ui_comes_from_the_package(self, anon_client: httpx.AsyncClient) -> None:
        html = (await anon_client.get(f"{API}/docs")).text
        assets = {
            *re.findall(r'<script src="([^"]+)"', html),
            *re.findall(r'<link[^>]* href="([^"]+)"', html),
        }
        assert assets == {
            f"{API}/docs/assets/swagger-ui-bundle.js",
            f"{API}/docs/assets/swagger-ui.css",
            f"{API}/docs/assets/favicon-32x32.png",
        }
        assert '"validatorUrl": null' in html
        expected = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
        for url in sorted(assets):
            response = await anon_client.get(url)
            assert response.status_code == 200, url
            kind = expected[url[url.rindex(".") :]]
            assert response.headers["content-type"].split(";")[0] == kind, url
            assert response.headers["cache-control"] == "no-cache"
            assert "etag" in response.headers
            assert_security_headers(response)
        bundle = await anon_client.get(f"{API}/docs/assets/swagger-ui-bundle.js")
        # Swagger UI 5 or later: 4.x cannot render the OpenAPI 3.1 document FastAPI writes.
        assert "SwaggerUIBundle" in bundle.text
        assert len(bundle.content) > 500_000

    @pytest.mark.parametrize("name", ["index.html", "swagger-initializer.js", "..%2Fsecret"])
    async def test_only_the_pages_assets_are_served(
        self, anon_client: httpx.AsyncClient, name: str
    ) -> None:
        response = await anon_client.get(f"{API}/docs/assets/{name}")
        assert_error(response, 404, "not_found")

    async def test_spec_is_served(self, anon_client: httpx.AsyncClient) -> None:
        response = await anon_client.get(f"{API}/openapi.json")
        assert response.status_code == 200
        assert response.json()["info"]["title"] == "Siaga API"


class TestCors:
    @pytest.fixture
    async def cors_client(self, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
        app = build_app(database_url, cors_origins=f"{ORIGIN}, https://other.example.id/")
        async with http_client(app) as client:
            yield client
        await app.state.engine.dispose()

    async def test_listed_origin_allowed_with_credentials(
        self, cors_client: httpx.AsyncClient
    ) -> None:
        response = await cors_client.get(f"{API}/healthz", headers={"Origin": ORIGIN})
        assert response.headers["access-control-allow-origin"] == ORIGIN
        assert response.headers["access-control-allow-credentials"] == "true"
        assert "x-request-id" in response.headers["access-control-expose-headers"].lower()

    async def test_second_listed_origin_trailing_slash_ignored(
        self, cors_client: httpx.AsyncClient
    ) -> None:
        response = await cors_client.get(
            f"{API}/healthz", headers={"Origin": "https://other.example.id"}
        )
        assert response.headers["access-control-allow-origin"] == "https://other.example.id"

    async def test_unlisted_origin_gets_nothing(self, cors_client: httpx.AsyncClient) -> None:
        response = await cors_client.get(
            f"{API}/healthz", headers={"Origin": "https://evil.example.com"}
        )
        assert response.status_code == 200
        # Without Allow-Origin the browser hands the page nothing, whatever else is sent.
        assert "access-control-allow-origin" not in response.headers

    async def test_preflight_for_listed_origin(self, cors_client: httpx.AsyncClient) -> None:
        response = await cors_client.options(
            f"{API}/submissions/2023-Q4/64/K1.01",
            headers={
                "Origin": ORIGIN,
                "Access-Control-Request-Method": "PUT",
                "Access-Control-Request-Headers": "content-type, if-match, x-csrf-token",
            },
        )
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == ORIGIN
        assert response.headers["access-control-allow-credentials"] == "true"
        assert "PUT" in response.headers["access-control-allow-methods"]
        allowed = response.headers["access-control-allow-headers"].lower()
        assert {"content-type", "if-match", "x-csrf-token"} <= {
            h.strip() for h in allowed.split(",")
        }

    async def test_preflight_for_unlisted_origin_refused(
        self, cors_client: httpx.AsyncClient
    ) -> None:
        response = await cors_client.options(
            f"{API}/regions",
            headers={"Origin": "https://evil.example.com", "Access-Control-Request-Method": "GET"},
        )
        assert response.status_code >= 400
        assert "access-control-allow-origin" not in response.headers

    async def test_default_sends_no_cors_headers_at_all(
        self, anon_client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        assert app.state.settings.cors_origin_list == []
        response = await anon_client.get(f"{API}/healthz", headers={"Origin": ORIGIN})
        assert not [h for h in response.headers if h.startswith("access-control-")]
        preflight = await anon_client.options(
            f"{API}/regions",
            headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET"},
        )
        assert_error(preflight, 405, "method_not_allowed")
        assert not [h for h in preflight.headers if h.startswith("access-control-")]

    @pytest.mark.parametrize(
        "value", ["*", "portal.example.go.id", "https://a.example/path", "https://a b", "null"]
    )
    def test_wildcards_and_non_origins_refused(self, value: str) -> None:
        with pytest.raises(ValidationError, match="SIAGA_CORS_ORIGINS"):
            Settings(_env_file=None, cors_origins=value)  # type: ignore[call-arg]

    def test_list_parsed(self) -> None:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, cors_origins=" https://a.example.id ,http://localhost:5173,"
        )
        assert settings.cors_origin_list == ["https://a.example.id", "http://localhost:5173"]


def test_base_url_is_plain_http() -> None:
    # The other tests rely on the shared client talking plain HTTP.
    assert BASE_URL.startswith("http://")
