"""`siaga import FILE --kind ...`: on the local database, and against a remote server.

Local mode runs on a migrated SQLite file that `siaga` is configured to use; remote mode
talks HTTP to a real server on loopback (tests/imports/live.py). Both must show the counts
and every row error, and exit 0 (done), 1 (row errors) or 2 (file or request errors).
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from click.testing import Result
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from siaga.cli import app
from siaga.core.settings import get_settings, normalise_database_url
from siaga.imports.client import ImportClientError, imports_url, post_import
from siaga.models import AuditEvent, ImportBatch, Submission
from tests.fixtures.client import settings_for
from tests.fixtures.db import run_in_thread
from tests.imports.live import (
    CITY,
    CLOSED_PERIOD,
    COUNT,
    LEVEL,
    OPEN_PERIOD,
    PERCENT,
    YES_NO,
    LiveServer,
    answers,
    count,
    in_db,
    live_server,
    migrated_sqlite,
    seed_world,
)

T = TypeVar("T")
SECRET_KEY = "kunci-rahasia-khusus-uji-impor-cli-0123456789"
HEADER = "period,region,indicator,value,narrative,status"
GOOD = [
    f"{OPEN_PERIOD},{CITY},{LEVEL},3,Tim sudah ditetapkan,submitted",
    f"{OPEN_PERIOD},{CITY},{YES_NO},ya,,submitted",
    f"{OPEN_PERIOD},{CITY},{PERCENT},87.5,Realisasi triwulan,draft",
]
# Row numbers as in the spreadsheet: the header is row 1.
BAD = [
    f"{OPEN_PERIOD},{CITY},{LEVEL},7,terlalu tinggi,submitted",  # row 2: value out of range
    f"{OPEN_PERIOD},{CITY},X9.99,1,,submitted",  # row 3: unknown indicator
    f"{CLOSED_PERIOD},{CITY},{COUNT},4,,submitted",  # row 4: closed period
    f"{OPEN_PERIOD},{CITY},{YES_NO},ya,,submitted",  # row 5: fine
]


def write_csv(path: Path, *lines: str) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def siaga(*args: str) -> Result:
    # The command calls asyncio.run(); off the main thread it cannot disturb the event
    # loop pytest-asyncio owns.
    result: Result = run_in_thread(lambda: CliRunner().invoke(app, list(args)))
    return result


def table_value(output: str, label: str) -> str:
    """The value cell of a row of the summary table, e.g. `Baru (created)` -> `3`."""
    line = next(line for line in output.splitlines() if label in line)
    return line.split("│")[2].strip()


# ---- local mode --------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def storage() -> None:
    """Overrides the package's staging fixture: these tests run their own server and never
    the in-process app, so they need no database backend either (SQLite files only)."""


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("import_cli_template") / "siaga.db"
    url = migrated_sqlite(path)
    seed_world(url, settings_for(url, secret_key=SECRET_KEY))
    return path


@pytest.fixture
def local_db(
    migrated_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A fresh copy of the seeded database that `siaga` is configured to use."""
    for file in migrated_template.parent.glob(f"{migrated_template.name}*"):  # -wal, -shm
        shutil.copy(file, tmp_path / file.name)
    url = normalise_database_url(f"sqlite:///{tmp_path / migrated_template.name}")
    monkeypatch.setenv("SIAGA_DATABASE_URL", url)
    monkeypatch.setenv("SIAGA_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("SIAGA_STORAGE_DIR", str(tmp_path / "evidence"))
    monkeypatch.setenv("COLUMNS", "200")  # rich tables must not elide cells
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


class TestLocal:
    def test_dry_run_reports_and_writes_nothing(self, local_db: str, tmp_path: Path) -> None:
        result = siaga(
            "import",
            str(write_csv(tmp_path / "a.csv", *GOOD)),
            "--kind",
            "submissions",
            "--dry-run",
        )
        assert result.exit_code == 0, result.output
        assert table_value(result.stdout, "Baru (created)") == "3"
        assert table_value(result.stdout, "Uji coba (dry run)") == "ya (yes)"
        assert "dry run found no errors" in result.stdout
        assert count(local_db, Submission) == 0

    def test_real_run_writes_audited_rows_and_twice_changes_nothing(
        self, local_db: str, tmp_path: Path
    ) -> None:
        path = write_csv(tmp_path / "answers.csv", *GOOD)
        first = siaga("import", str(path), "--kind", "submissions")
        assert first.exit_code == 0, first.output
        assert table_value(first.stdout, "Baru (created)") == "3"
        assert answers(local_db) == {
            (CITY, LEVEL): (3.0, "Tim sudah ditetapkan", "submitted"),
            (CITY, YES_NO): (1.0, "", "submitted"),
            (CITY, PERCENT): (87.5, "Realisasi triwulan", "draft"),
        }
        # The audit trail names the command line, as for every local command; the batch
        # has no author account.
        labels = {
            (e.action, e.actor_label)
            for e in in_db(local_db, _all(AuditEvent))
            if e.action != "apikey.create"
        }
        assert ("import.run", "cli") in labels
        assert all(label == "cli" for _, label in labels)
        (batch,) = in_db(local_db, _all(ImportBatch))
        assert (batch.created_by_id, batch.api_key_id, batch.created_count) == (None, None, 3)

        events = count(local_db, AuditEvent)
        second = siaga("import", str(path), "--kind", "submissions")
        assert second.exit_code == 0, second.output
        assert table_value(second.stdout, "Tetap (unchanged)") == "3"
        assert table_value(second.stdout, "Baru (created)") == "0"
        # Only the second batch's own "import.run" event: no answer changed.
        assert count(local_db, AuditEvent) == events + 1

    def test_row_errors_are_listed_and_nothing_is_written(
        self, local_db: str, tmp_path: Path
    ) -> None:
        result = siaga(
            "import", str(write_csv(tmp_path / "bad.csv", *BAD)), "--kind", "submissions"
        )
        assert result.exit_code == 1, result.output
        assert table_value(result.stdout, "Status") == "failed"
        assert table_value(result.stdout, "Baris bermasalah (rows with errors)") == "3"
        error_rows = _error_rows(result.stdout)
        assert set(error_rows) == {"2", "3", "4"}
        assert "period_not_open" in error_rows["4"]
        assert "nothing was written" in result.stdout
        assert count(local_db, Submission) == 0

    def test_file_errors_exit_2(self, local_db: str, tmp_path: Path) -> None:
        empty = tmp_path / "empty.csv"
        empty.write_bytes(b"")
        result = siaga("import", str(empty), "--kind", "submissions")
        assert result.exit_code == 2, result.output
        assert "import_file_empty" in result.stderr

        wrong = tmp_path / "wrong.csv"
        wrong.write_text("periode,wilayah\n2023-Q4,64.72\n", encoding="utf-8")
        result = siaga("import", str(wrong), "--kind", "submissions")
        assert result.exit_code == 2, result.output
        assert "import_header_invalid" in result.stderr
        assert count(local_db, Submission) == 0

    def test_idempotency_key_returns_the_first_result(self, local_db: str, tmp_path: Path) -> None:
        path = write_csv(tmp_path / "a.csv", *GOOD)
        first = siaga("import", str(path), "--kind", "submissions", "--idempotency-key", "q4-1")
        assert first.exit_code == 0, first.output
        again = siaga("import", str(path), "--kind", "submissions", "--idempotency-key", "q4-1")
        assert again.exit_code == 0, again.output
        assert "the first result" in again.stdout
        assert table_value(again.stdout, "Batch") == table_value(first.stdout, "Batch")
        assert table_value(again.stdout, "Baru (created)") == "3"
        assert count(local_db, ImportBatch) == 1

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--kind", "jawaban"], "--kind"),
            (["--kind", "submissions", "--url", "http://127.0.0.1:9"], "--api-key"),
        ],
        ids=["unknown-kind", "url-without-key"],
    )
    def test_bad_options_exit_2(
        self,
        local_db: str,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        args: list[str],
        message: str,
    ) -> None:
        monkeypatch.delenv("SIAGA_API_KEY", raising=False)
        result = siaga("import", str(write_csv(tmp_path / "a.csv", *GOOD)), *args)
        assert result.exit_code == 2
        assert message in result.output


def _all(model: type[T]) -> Callable[[AsyncSession], Awaitable[list[T]]]:
    async def work(session: AsyncSession) -> list[T]:
        return list((await session.scalars(select(model))).all())

    return work


def _error_rows(output: str) -> dict[str, str]:
    """Row number -> the text of its lines in the errors table."""
    rows: dict[str, str] = {}
    current = ""
    section = output[output.index("Kesalahan (errors)") :]
    for line in section.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if len(cells) < 4:
            continue
        if cells[0]:
            current = cells[0]
        rows[current] = rows.get(current, "") + " ".join(cells[1:])
    return rows


# ---- remote mode -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("import_cli_remote")) as live:
        yield live


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("SIAGA_API_KEY", raising=False)


class TestRemote:
    def test_dry_run_then_real_import_over_http(
        self, server: LiveServer, tmp_path: Path, wide: None
    ) -> None:
        path = write_csv(tmp_path / "answers.csv", f"{OPEN_PERIOD},64,{COUNT},5,,submitted")
        remote = ["--url", server.base_url, "--api-key", server.api_key]
        dry = siaga("import", str(path), "--kind", "submissions", "--dry-run", *remote)
        assert dry.exit_code == 0, dry.output
        assert table_value(dry.stdout, "Baru (created)") == "1"
        assert ("64", COUNT) not in answers(server.database_url)

        real = siaga("import", str(path), "--kind", "submissions", *remote)
        assert real.exit_code == 0, real.output
        assert answers(server.database_url)[("64", COUNT)] == (5.0, "", "submitted")

        again = siaga("import", str(path), "--kind", "submissions", *remote)
        assert again.exit_code == 0, again.output
        assert table_value(again.stdout, "Tetap (unchanged)") == "1"

    def test_retry_with_an_idempotency_key_returns_the_first_batch(
        self, server: LiveServer, tmp_path: Path, wide: None
    ) -> None:
        path = write_csv(tmp_path / "a.csv", f"{OPEN_PERIOD},64,{PERCENT},12.5,,draft")
        remote = ["--url", server.base_url, "--api-key", server.api_key]
        key = ["--idempotency-key", "sistem-x-2023-q4-1"]
        first = siaga("import", str(path), "--kind", "submissions", *remote, *key)
        assert first.exit_code == 0, first.output
        assert "the first result" not in first.stdout
        batches = count(server.database_url, ImportBatch)

        again = siaga("import", str(path), "--kind", "submissions", *remote, *key)
        assert again.exit_code == 0, again.output
        assert "the first result" in again.stdout
        assert table_value(again.stdout, "Batch") == table_value(first.stdout, "Batch")
        assert table_value(again.stdout, "Baru (created)") == "1"  # the first run's counts
        assert count(server.database_url, ImportBatch) == batches

        # The same key for another file is a conflict, not a silent replay.
        other = write_csv(tmp_path / "b.csv", f"{OPEN_PERIOD},64,{PERCENT},13,,draft")
        reused = siaga("import", str(other), "--kind", "submissions", *remote, *key)
        assert reused.exit_code == 2, reused.output
        assert "HTTP 409" in reused.stderr and "idempotency_key_reused" in reused.stderr

    def test_api_key_from_the_environment_and_row_errors(
        self, server: LiveServer, tmp_path: Path, wide: None, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SIAGA_API_KEY", server.api_key)
        before = answers(server.database_url)
        path = write_csv(tmp_path / "bad.csv", *BAD)
        result = siaga("import", str(path), "--kind", "submissions", "--url", server.base_url)
        assert result.exit_code == 1, result.output
        assert set(_error_rows(result.stdout)) == {"2", "3", "4"}
        assert answers(server.database_url) == before

    def test_http_errors_exit_2(self, server: LiveServer, tmp_path: Path, wide: None) -> None:
        path = write_csv(tmp_path / "a.csv", *GOOD)
        result = siaga(
            "import",
            str(path),
            "--kind",
            "submissions",
            "--url",
            server.base_url,
            "--api-key",
            "sgk_wrong",
        )
        assert result.exit_code == 2, result.output
        assert "HTTP 401" in result.stderr

        binary = tmp_path / "binary.csv"
        binary.write_bytes(b"\x00\x01PK\x03\x04" * 100)
        result = siaga(
            "import",
            str(binary),
            "--kind",
            "submissions",
            "--url",
            server.base_url,
            "--api-key",
            server.api_key,
        )
        assert result.exit_code == 2, result.output
        assert "HTTP 415" in result.stderr

    def test_unreachable_server_exits_2(self, tmp_path: Path, wide: None) -> None:
        path = write_csv(tmp_path / "a.csv", *GOOD)
        result = siaga(
            "import",
            str(path),
            "--kind",
            "submissions",
            "--url",
            "http://127.0.0.1:9",
            "--api-key",
            "x",
        )
        assert result.exit_code == 2
        assert "cannot reach" in result.stderr


class TestClient:
    def test_upload_is_streamed_with_progress(self, server: LiveServer, tmp_path: Path) -> None:
        # Larger than httpx's 64 KiB read size, so the file goes in several chunks; blank
        # lines are skipped by the importer.
        path = tmp_path / "big.csv"
        row = f"{OPEN_PERIOD},{CITY},{LEVEL},2,,draft"
        path.write_text(f"{HEADER}\n{row}\n" + "\n" * 150_000, encoding="utf-8")
        seen: list[int] = []
        response = post_import(
            path,
            kind="submissions",
            base_url=server.base_url,
            api_key=server.api_key,
            dry_run=True,
            on_progress=seen.append,
        )
        assert response.ok, response.body
        assert response.body["counts"]["rows"] == 1
        size = path.stat().st_size
        assert seen[-1] == size
        sent = [n for n in seen if n > 0]
        assert len(sent) >= 2 and sent == sorted(sent)

    def test_answers_that_are_not_the_api_raise(self, tmp_path: Path) -> None:
        path = write_csv(tmp_path / "a.csv", *GOOD)
        proxy_page = httpx.MockTransport(lambda request: httpx.Response(502, text="<html>Bad"))
        with (
            httpx.Client(transport=proxy_page) as client,
            pytest.raises(ImportClientError, match="502"),
        ):
            post_import(path, kind="submissions", base_url="http://x", api_key="k", client=client)

    @pytest.mark.parametrize(
        "base",
        ["https://siaga.go.id", "https://siaga.go.id/", "https://siaga.go.id/api/v1"],
    )
    def test_imports_url(self, base: str) -> None:
        assert imports_url(base) == "https://siaga.go.id/api/v1/imports"
