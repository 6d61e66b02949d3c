"""Where the worker runs: `siaga worker` (once, or until SIGTERM) and inside `siaga
serve`'s lifespan unless SIAGA_WORKER=external."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor
from siaga.events import outbox as outbox_module
from siaga.events.catalogue import EventType, SubmissionEventData
from siaga.models import Notification, OutboxEvent, RegionLevel, Role
from tests.auth.support import Committed
from tests.cli.test_cli import database_file, in_db, migrated_template, siaga
from tests.fixtures.client import build_app
from tests.fixtures.factories import create_agency, create_region, create_user

__all__ = ["database_file", "migrated_template"]
ROOT = Path(__file__).resolve().parents[2]


async def _returned_answer(session: AsyncSession) -> None:
    """An operator, and an answer of its agency returned: one item for its inbox."""
    city = await create_region(session, code="64.72", level=RegionLevel.CITY)
    agency = await create_agency(session, region=city)
    operator = await create_user(session, role=Role.OPERATOR, agency=agency, region=city)
    data = SubmissionEventData.model_validate(
        {
            "period": "2023-Q4",
            "region": "64.72",
            "indicator": "Y.01",
            "agency": agency.code,
            "status": "returned",
            "previous_status": "submitted",
            "version": 3,
            "late": False,
            "reason": "Bukti belum lengkap, mohon lampirkan SK",
            "actor": "verifikator.64",
            "occurred_at": "2024-01-05T03:00:00Z",
        }
    )
    actor = Actor(label="verifikator.64")
    outbox_module.emit(session, EventType.SUBMISSION_RETURNED, data, region="64.72", actor=actor)
    assert operator.id is not None


async def _counts(session: AsyncSession) -> tuple[int, int]:
    pending = await session.scalar(
        select(func.count()).select_from(OutboxEvent).where(OutboxEvent.processed_at.is_(None))
    )
    items = await session.scalar(select(func.count()).select_from(Notification))
    return int(pending or 0), int(items or 0)


def test_worker_once(database_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIAGA_ENV", "test")
    in_db(_returned_answer)
    assert in_db(_counts) == (1, 0)
    result = siaga("worker", "--once")
    assert result.exit_code == 0, result.output
    assert "1 peristiwa diproses" in result.output
    assert in_db(_counts) == (0, 1)
    again = siaga("worker", "--once")
    assert "0 peristiwa diproses" in again.output


def test_worker_runs_until_sigterm(database_file: Path) -> None:
    in_db(_returned_answer)
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'backend'}{os.pathsep}{ROOT}",
        "SIAGA_DATABASE_URL": f"sqlite:///{database_file}",
        "SIAGA_WORKER_POLL_SECONDS": "0.1",
        "SIAGA_LOG_FORMAT": "text",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "siaga.cli", "worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while in_db(_counts) != (0, 1):
            assert process.poll() is None, process.communicate()[0]
            assert time.monotonic() < deadline, "the worker delivered nothing"
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert "outbox worker stopped" in output


@pytest.mark.parametrize("mode", ["internal", "external"])
async def test_serve_runs_the_worker_unless_external(
    committed: Committed, committed_database_url: str, tmp_path: Path, mode: str
) -> None:
    app = build_app(
        committed_database_url,
        worker=mode,
        worker_poll_seconds=0.05,
        storage_dir=tmp_path / "evidence",
    )
    try:
        async with app.router.lifespan_context(app):
            async with committed.session() as session:
                await _returned_answer(session)
            # Internal: delivered within a few polls. External: ten polls pass, nothing.
            expected = (0, 1) if mode == "internal" else (1, 0)
            for _ in range(100 if mode == "internal" else 10):
                await asyncio.sleep(0.05)
                async with committed.session() as session:
                    counts = await _counts(session)
                if counts == (0, 1):
                    break
            assert counts == expected
    finally:
        await app.state.engine.dispose()
