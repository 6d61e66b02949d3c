"""Fault tests: real servers killed mid-request, full disks, many clients at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

# The evidence tests' small world (regions, periods, operators) and per-test storage.
from tests.evidence.conftest import operator_headers, storage, world  # noqa: F401
from tests.faults.server import Deployment, Templates


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    templates = Templates(tmp_path_factory.mktemp("fault-templates"))
    yield templates
    templates.drop_all()


@pytest.fixture
def deployment(backend: str, templates: Templates, tmp_path: Path) -> Deployment:
    """A seeded demo installation of this test's own, on this test's backend."""
    return templates.deployment(backend, tmp_path)


@pytest.fixture
def server_log(tmp_path: Path) -> Path:
    return tmp_path / "server.log"
