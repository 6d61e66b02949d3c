"""examples/import_answers.py, the script partner systems copy, against a real server."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import ImportBatch
from tests.imports.live import (
    CITY,
    CLOSED_PERIOD,
    LEVEL,
    OPEN_PERIOD,
    PERCENT,
    YES_NO,
    LiveServer,
    answers,
    in_db,
    live_server,
)

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "import_answers.py"
HEADER = "period,region,indicator,value,narrative,status"


@pytest.fixture(autouse=True)
def storage() -> None:
    """Overrides the package's staging fixture: these tests run their own server and never
    the in-process app, so they need no database backend either (SQLite files only)."""


@pytest.fixture(scope="module")
def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_answers", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("import_example")) as live:
        yield live


def _client(server: LiveServer) -> httpx.Client:
    return httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Bearer {server.api_key}"}
    )


def _batches(server: LiveServer) -> list[tuple[bool, str | None, str]]:
    async def work(session: AsyncSession) -> list[tuple[bool, str | None, str]]:
        rows = await session.execute(
            select(ImportBatch.dry_run, ImportBatch.idempotency_key, ImportBatch.status).order_by(
                ImportBatch.id
            )
        )
        return [(d, k, str(s)) for d, k, s in rows]

    return in_db(server.database_url, work)


def test_short_enough_to_copy() -> None:
    assert len(SCRIPT.read_text(encoding="utf-8").splitlines()) <= 60


def test_dry_run_then_import_with_an_idempotency_key(
    example: ModuleType,
    server: LiveServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "answers.csv"
    path.write_text(
        f"{HEADER}\n{OPEN_PERIOD},{CITY},{LEVEL},4,Sudah,submitted\n"
        f"{OPEN_PERIOD},{CITY},{PERCENT},55,,draft\n",
        encoding="utf-8",
    )
    before = len(_batches(server))
    with _client(server) as client:
        assert example.main([str(path)], client=client) == 0
    assert answers(server.database_url)[(CITY, LEVEL)] == (4.0, "Sudah", "submitted")
    assert answers(server.database_url)[(CITY, PERCENT)] == (55.0, "", "draft")
    dry, real = _batches(server)[before:]
    assert dry == (True, None, "succeeded")
    assert real[0] is False and real[1] and real[2] == "succeeded"
    assert "succeeded" in capsys.readouterr().out


def test_row_errors_stop_before_the_real_import(
    example: ModuleType,
    server: LiveServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        f"{HEADER}\n{OPEN_PERIOD},{CITY},{YES_NO},mungkin,,submitted\n"
        f"{CLOSED_PERIOD},{CITY},{LEVEL},2,,submitted\n",
        encoding="utf-8",
    )
    before = answers(server.database_url)
    batches = len(_batches(server))
    with _client(server) as client:
        assert example.main([str(path)], client=client) == 1
    out = capsys.readouterr().out
    assert "row 2, column value" in out and "row 3, column period" in out
    assert answers(server.database_url) == before
    assert [b[0] for b in _batches(server)[batches:]] == [True]  # only the dry run


def test_refused_file(example: ModuleType, server: LiveServer, tmp_path: Path) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("periode;wilayah\n2023-Q4;64.72\n", encoding="utf-8")
    with _client(server) as client:
        assert example.main([str(path)], client=client) == 2


def test_runs_as_a_script_with_the_environment(server: LiveServer, tmp_path: Path) -> None:
    path = tmp_path / "answers.csv"
    path.write_text(f"{HEADER}\n{OPEN_PERIOD},{CITY},{YES_NO},tidak,,submitted\n", "utf-8")
    env = {**os.environ, "SIAGA_URL": server.base_url, "SIAGA_API_KEY": server.api_key}
    result = subprocess.run(  # noqa: S603 - our interpreter, our script
        [sys.executable, str(SCRIPT), str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert answers(server.database_url)[(CITY, YES_NO)] == (0.0, "", "submitted")
