"""The deployment files agree with the application they deploy.

nginx serves the SPA's files itself, so it must send the same security headers as the
API; its body limits must let through what the API accepts; and docker-compose.yml must
give the API a configuration it will start with in production.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from siaga.core.headers import SECURITY_HEADERS
from siaga.core.settings import Settings
from siaga.core.uploads import ENVELOPE_ALLOWANCE, MIB

ROOT = Path(__file__).resolve().parents[1]
NGINX = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
HEADERS_SNIPPET = (ROOT / "deploy" / "security-headers.conf").read_text(encoding="utf-8")
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text("utf-8"))
# What an operator would export; docker-compose.yml refuses to start without them.
REQUIRED_ENV = {
    "POSTGRES_PASSWORD": "pg-secret-for-the-test",
    "SIAGA_SECRET_KEY": "k" * 48,
    "SIAGA_DEMO_PASSWORD": "not-the-demo-password",
    "MINIO_ROOT_PASSWORD": "minio-secret-for-the-test",
}
_VARIABLE = re.compile(r"\$\{(\w+)(?::([?-])([^}]*))?\}")


def _interpolate(value: str, env: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name, kind, rest = match.groups()
        if name in env:
            return env[name]
        if kind == "?":
            raise KeyError(f"{name} is required: {rest}")
        return rest or ""

    return _VARIABLE.sub(replace, value).replace("$$", "$")


def _size(value: str) -> int:
    units = {"k": 1024, "m": MIB, "g": 1024 * MIB}
    return int(value[:-1]) * units[value[-1].lower()] if value[-1].isalpha() else int(value)


def _body_limits() -> dict[str, int]:
    """client_max_body_size per nginx location."""
    limits = {}
    for match in re.finditer(r"location\s+([^{]+?)\s*\{([^}]*)\}", NGINX):
        size = re.search(r"client_max_body_size\s+(\w+);", match.group(2))
        if size:
            limits[match.group(1).split()[-1]] = _size(size.group(1))
    return limits


def test_static_files_get_the_api_security_headers() -> None:
    sent = dict(re.findall(r'add_header\s+([\w-]+)\s+"([^"]*)"\s+always;', HEADERS_SNIPPET))
    assert sent == dict(SECURITY_HEADERS)
    # Both SPA locations include the snippet; `add_header` in a location would otherwise
    # silently drop headers inherited from the server block.
    for location in ("/assets/", "/"):
        block = re.search(rf"location {re.escape(location)} \{{([^}}]*)\}}", NGINX)
        assert block is not None
        assert "siaga-security-headers.conf" in block.group(1)


def test_body_limits_let_through_what_the_api_accepts() -> None:
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    limits = _body_limits()
    assert limits["/api/"] == defaults.max_body_kb * 1024
    upload = defaults.max_upload_mb * MIB + ENVELOPE_ALLOWANCE
    assert upload <= limits["^/api/v1/submissions/[^/]+/[^/]+/[^/]+/evidence$"] < upload + MIB
    assert upload <= limits["/api/v1/regions/boundaries"] < upload + MIB
    imports = defaults.import_max_mb * MIB + ENVELOPE_ALLOWANCE
    assert imports <= limits["/api/v1/imports"] < imports + MIB


def test_metrics_are_not_public() -> None:
    block = re.search(r"location = /metrics \{([^}]*)\}", NGINX)
    assert block is not None
    assert "deny all;" in block.group(1)
    assert re.search(r"location = /api/v1/metrics \{\s*return 404;", NGINX)


@pytest.mark.parametrize("service", ["api", "migrate"])
def test_compose_gives_the_api_a_production_configuration(
    service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = COMPOSE["services"][service]["environment"]
    for name in list(Settings.model_fields):
        monkeypatch.delenv(f"SIAGA_{name.upper()}", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, _interpolate(str(value), REQUIRED_ENV))
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.env == "production"
    assert settings.database_url.startswith("postgresql+asyncpg://siaga:pg-secret")
    assert settings.storage_backend == "s3"
    assert settings.json_logs


def test_compose_refuses_to_start_without_secrets() -> None:
    environment = COMPOSE["services"]["api"]["environment"]
    for missing in REQUIRED_ENV:
        env = {k: v for k, v in REQUIRED_ENV.items() if k != missing}
        with pytest.raises(KeyError, match=missing):
            for value in environment.values():
                _interpolate(str(value), env)


def test_compose_runs_several_workers_sharing_metrics() -> None:
    api = COMPOSE["services"]["api"]
    command = " ".join(api["command"])
    assert "--workers" in command
    workers = _interpolate(str(api["environment"]["SIAGA_WORKERS"]), REQUIRED_ENV)
    assert int(workers) > 1
    assert api["environment"]["PROMETHEUS_MULTIPROC_DIR"] in api["tmpfs"]
    # Replicas never migrate; the one-shot service does, before any of them starts.
    assert "migrate" not in command
    assert api["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
