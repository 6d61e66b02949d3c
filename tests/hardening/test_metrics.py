"""Prometheus metrics: what is counted, with bounded labels, and who may read them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from siaga.core import metrics
from siaga.core.storage import LocalStorage
from tests.evidence import files
from tests.evidence.conftest import (  # noqa: F401 - fixtures used by the upload test
    World,
    create_draft,
    operator_headers,
    storage,
    upload,
    world,
)
from tests.fixtures.client import build_app
from tests.helpers import API, assert_error

TOKEN = "metrics-token-0123456789"


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def parse(text: str) -> dict[str, float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            key = s.name + "{" + ",".join(f"{k}={v}" for k, v in sorted(s.labels.items())) + "}"
            out[key] = s.value
    return out


@pytest.fixture
async def probe_app(database_url: str) -> AsyncIterator[FastAPI]:
    app = build_app(database_url)

    async def fails() -> None:
        raise RuntimeError("boom")

    app.add_api_route(f"{API}/_probe/fails", fails, methods=["GET"])
    yield app
    await app.state.engine.dispose()


def client_for(app: FastAPI, host: str = "127.0.0.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(host, 4321), raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://test")


class TestExposition:
    @pytest.mark.parametrize("path", ["/metrics", f"{API}/metrics"])
    async def test_served_in_prometheus_text_format(
        self, anon_client: httpx.AsyncClient, path: str
    ) -> None:
        await anon_client.get(f"{API}/healthz")
        response = await anon_client.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        values = parse(response.text)
        healthz = f"siaga_http_requests_total{{method=GET,route={API}/healthz,status=200}}"
        assert values[healthz] >= 1
        assert any(k.startswith("siaga_http_request_duration_seconds_bucket") for k in values)

    async def test_requests_counted_by_route_template_not_raw_path(
        self, anon_client: httpx.AsyncClient
    ) -> None:
        route = f"{API}/regions/{{code}}"
        before = sample("siaga_http_requests_total", method="GET", route=route, status="401")
        for code in ("11", "12", "13"):
            await anon_client.get(f"{API}/regions/{code}")
        after = sample("siaga_http_requests_total", method="GET", route=route, status="401")
        assert after - before == 3
        assert sample("siaga_http_requests_total", method="GET", route=f"{API}/regions/11") == 0
        count = sample("siaga_http_request_duration_seconds_count", method="GET", route=route)
        assert count >= 3

    async def test_static_assets_labelled_by_their_mount(
        self, database_url: str, tmp_path: Path
    ) -> None:
        (tmp_path / "assets").mkdir()
        (tmp_path / "index.html").write_text("<!doctype html>")
        for name in ("a-1.js", "b-2.js"):
            (tmp_path / "assets" / name).write_text("1")
        app = build_app(database_url, frontend_dist=tmp_path)
        route = "/assets/{path}"
        before = sample("siaga_http_requests_total", method="GET", route=route, status="200")
        try:
            async with client_for(app) as client:
                for name in ("a-1.js", "b-2.js"):
                    assert (await client.get(f"/assets/{name}")).status_code == 200
        finally:
            await app.state.engine.dispose()
        after = sample("siaga_http_requests_total", method="GET", route=route, status="200")
        assert after - before == 2

    async def test_unknown_paths_and_methods_share_one_label(
        self, anon_client: httpx.AsyncClient
    ) -> None:
        before = sample(
            "siaga_http_requests_total", method="OTHER", route=metrics.UNMATCHED_ROUTE, status="404"
        )
        for n in range(3):
            await anon_client.request("PROPFIND", f"/random-{n}")
        after = sample(
            "siaga_http_requests_total", method="OTHER", route=metrics.UNMATCHED_ROUTE, status="404"
        )
        assert after - before == 3

    async def test_server_errors_counted(self, probe_app: FastAPI) -> None:
        route = f"{API}/_probe/fails"
        before = sample("siaga_http_server_errors_total", method="GET", route=route, status="500")
        async with client_for(probe_app) as client:
            assert_error(await client.get(route), 500, "internal_error")
        after = sample("siaga_http_server_errors_total", method="GET", route=route, status="500")
        assert after - before == 1

    def test_import_helper(self) -> None:
        before = sample("siaga_imports_total", kind="answers", outcome="applied")
        rows_before = sample("siaga_import_rows_sum", kind="answers")
        metrics.record_import("answers", "applied", 120)
        assert sample("siaga_imports_total", kind="answers", outcome="applied") - before == 1
        assert sample("siaga_import_rows_sum", kind="answers") - rows_before == 120

    async def test_evidence_upload_counted(
        self,
        anon_client: httpx.AsyncClient,
        storage: LocalStorage,  # noqa: F811
        world: World,  # noqa: F811
        operator_headers: dict[str, str],  # noqa: F811
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        before = sample("siaga_evidence_uploads_total")
        bytes_before = sample("siaga_evidence_upload_bytes_total")
        content = files.pdf("metrics")
        response = await upload(anon_client, world.upload_url(), operator_headers, content)
        assert response.status_code == 201, response.text
        assert sample("siaga_evidence_uploads_total") - before == 1
        assert sample("siaga_evidence_upload_bytes_total") - bytes_before == len(content)


class TestAccess:
    async def test_other_addresses_refused_without_a_token(self, probe_app: FastAPI) -> None:
        async with client_for(probe_app, "10.1.2.3") as client:
            for path in ("/metrics", f"{API}/metrics"):
                assert_error(await client.get(path), 403, "forbidden")

    @pytest.mark.parametrize("header", ["X-Forwarded-For", "Forwarded"])
    async def test_proxied_requests_refused_without_a_token(
        self, probe_app: FastAPI, header: str
    ) -> None:
        # Through a proxy, a "loopback" client address may be the caller's own claim.
        async with client_for(probe_app) as client:
            response = await client.get("/metrics", headers={header: "127.0.0.1"})
            assert_error(response, 403, "forbidden")

    @pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
    async def test_loopback_allowed_without_a_token(self, probe_app: FastAPI, host: str) -> None:
        async with client_for(probe_app, host) as client:
            assert (await client.get("/metrics")).status_code == 200

    async def test_token_required_from_everyone_when_set(self, database_url: str) -> None:
        app = build_app(database_url, metrics_token=TOKEN)
        try:
            for host in ("127.0.0.1", "10.1.2.3"):
                async with client_for(app, host) as client:
                    missing = await client.get("/metrics")
                    assert_error(missing, 401, "not_authenticated")
                    assert missing.headers["www-authenticate"] == "Bearer"
                    wrong = await client.get(
                        "/metrics", headers={"Authorization": f"Bearer {TOKEN}x"}
                    )
                    assert_error(wrong, 401, "not_authenticated")
                    basic = await client.get(
                        "/metrics", headers={"Authorization": f"Basic {TOKEN}"}
                    )
                    assert_error(basic, 401, "not_authenticated")
                    right = await client.get(
                        f"{API}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
                    )
                    assert right.status_code == 200
        finally:
            await app.state.engine.dispose()


def test_workers_add_up_in_multiprocess_mode(tmp_path: Path) -> None:
    """Each worker process writes its own files; a scrape of any worker sums them all."""
    env = {**os.environ, metrics.MULTIPROC_ENV: str(tmp_path)}
    worker = (
        "from siaga.core import metrics\n"
        "metrics.observe_request('GET', '/api/v1/healthz', 200, 0.01)\n"
        "metrics.record_upload(1000)\n"
    )
    for _ in range(3):
        subprocess.run([sys.executable, "-c", worker], env=env, check=True)  # noqa: S603
    scrape = "from siaga.core import metrics\nprint(metrics.exposition().body.decode())\n"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", scrape], env=env, check=True, capture_output=True, text=True
    )
    values = parse(result.stdout)
    assert values["siaga_http_requests_total{method=GET,route=/api/v1/healthz,status=200}"] == 3
    assert values["siaga_evidence_upload_bytes_total{}"] == 3000


def test_prepare_multiprocess_dir(tmp_path: Path) -> None:
    # prepare_multiprocess_dir sets the variable itself (the workers inherit it), so the
    # test restores the environment by hand rather than through monkeypatch.
    original = os.environ.pop(metrics.MULTIPROC_ENV, None)
    try:
        metrics.prepare_multiprocess_dir(1)
        assert metrics.MULTIPROC_ENV not in os.environ
        metrics.prepare_multiprocess_dir(4)
        created = Path(os.environ[metrics.MULTIPROC_ENV])
        assert created.is_dir()
        created.rmdir()
        # An operator's directory: stale files from the last run are removed.
        (tmp_path / "counter_123.db").write_bytes(b"old")
        os.environ[metrics.MULTIPROC_ENV] = str(tmp_path)
        metrics.prepare_multiprocess_dir(4)
        assert list(tmp_path.iterdir()) == []
    finally:
        os.environ.pop(metrics.MULTIPROC_ENV, None)
        if original is not None:
            os.environ[metrics.MULTIPROC_ENV] = original
