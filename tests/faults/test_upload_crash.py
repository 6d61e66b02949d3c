"""A server killed in the middle of an evidence upload leaves no rows, no stored object,
and (after the next start cleans up) no staging file."""

from __future__ import annotations

import os
import time
from pathlib import Path

import httpx

from tests.evidence import files
from tests.faults.answers import answer_state, editable_answers
from tests.faults.server import Deployment, Server, running
from tests.faults.slow_upload import SlowUpload, wait_for_staging

FILE_SIZE = 16 * 1024 * 1024
SENT_BEFORE_CRASH = 6 * 1024 * 1024
# Older than the age at which startup removes staging files (15 minutes).
LONG_AGO = 20 * 60


async def test_killed_upload_leaves_nothing_behind(
    deployment: Deployment, server_log: Path
) -> None:
    (answer,) = await editable_answers(deployment)
    server = Server(deployment, server_log)
    server.start()
    try:
        headers = server.login(answer.operator)
        objects_before = deployment.stored_files()
        state_before = await answer_state(deployment, answer.submission_id)

        upload = SlowUpload(server, answer.url, headers, FILE_SIZE)
        try:
            upload.send_until(SENT_BEFORE_CRASH)
            # The server is provably in the middle of receiving the body.
            leftover = wait_for_staging(deployment, 2 * 1024 * 1024)
            server.kill()
        finally:
            upload.close()
    finally:
        server.stop()

    # What the crash left: a partial staging file, and nothing else.
    assert leftover.exists() and leftover.stat().st_size < FILE_SIZE
    assert deployment.stored_files() == objects_before
    assert await answer_state(deployment, answer.submission_id) == state_before

    # The leftover has aged past the cutoff; another worker's upload has just begun.
    os.utime(leftover, (time.time() - LONG_AGO, time.time() - LONG_AGO))
    in_flight = deployment.staging_dir / "upload-in-flight"
    in_flight.write_bytes(b"%PDF-1.4\n")

    with running(deployment, server_log) as restarted:
        # Startup removed the crash's staging file, not the live one.
        assert not leftover.exists()
        assert deployment.staging_files() == [in_flight]
        assert deployment.stored_files() == objects_before
        assert await answer_state(deployment, answer.submission_id) == state_before

        # And the answer takes the file once it is sent whole.
        headers = restarted.login(answer.operator)
        content = files.pdf("after the crash") + b"x" * (1024 * 1024)
        async with httpx.AsyncClient(base_url=restarted.base_url, timeout=60) as client:
            response = await client.post(
                f"{answer.url}/evidence",
                content=files.multipart(content, "laporan.pdf"),
                headers={**headers, "Content-Type": files.CONTENT_TYPE},
            )
        assert response.status_code == 201, response.text
        state_after = await answer_state(deployment, answer.submission_id)
        assert state_after["files"] == state_before["files"] + 1
        assert state_after["version"] == state_before["version"] + 1
        assert len(deployment.stored_files() - objects_before) == 1
        assert deployment.staging_files() == [in_flight]
