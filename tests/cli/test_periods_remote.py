"""`siaga periods ... --url --api-key` against a real server (tests/faults/server.py), with
a national administrator's session token: the same rules as locally, through the API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_cli import siaga
from tests.faults.server import Deployment, Templates, running

REASON = "Perpanjangan karena banjir"


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    templates = Templates(tmp_path_factory.mktemp("period-cli-templates"))
    yield templates
    templates.drop_all()


def test_remote_commands(
    templates: Templates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # rich tables must not elide cells
    # SQLite only, as the rest of tests/cli: the server's rules are tested on both backends.
    deployment: Deployment = templates.deployment("sqlite", tmp_path)
    with running(deployment, tmp_path / "server.log") as server:
        token = server.login("admin")["Authorization"].removeprefix("Bearer ")
        remote = ("--url", server.base_url, "--api-key", token)
        created = siaga("periods", "create", "--year", "2031", *remote)
        assert created.exit_code == 0, created.output
        assert created.output.count("dibuat") == 4
        again = siaga("periods", "create", "--year", "2031", *remote)
        assert again.exit_code == 0 and again.output.count("sudah ada") == 4
        bad = siaga("periods", "create", "2031-Q9", *remote)
        assert bad.exit_code == 1 and "code" in bad.output
        assert siaga("periods", "open", "2031-Q1", *remote).exit_code == 0
        extended = siaga(
            "periods", "extend", "2031-Q1", "--deadline", "2031-04-30", "--reason", REASON,
            *remote,
        )  # fmt: skip
        assert extended.exit_code == 0, extended.output
        assert siaga("periods", "close", "2031-Q1", *remote).exit_code == 0
        reopened = siaga("periods", "reopen", "2031-Q1", "--reason", REASON, *remote)
        assert reopened.exit_code == 0, reopened.output
        listed = siaga("periods", "list", *remote)
        assert listed.exit_code == 0 and "2031-04-30" in listed.output
        refused = siaga("periods", "list", "--url", server.base_url, "--api-key", "salah")
        assert refused.exit_code == 1
