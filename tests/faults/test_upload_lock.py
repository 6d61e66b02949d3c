"""A slow evidence upload does not hold the answer: edits and submission go ahead while
the body streams, and the upload then attaches to the answer as it has become, or is
refused if the answer can no longer change."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.evidence import files
from tests.faults.answers import answer_state, editable_answers, valid_value
from tests.faults.server import Deployment, running
from tests.faults.slow_upload import SlowUpload, wait_for_staging

FILE_SIZE = 4 * 1024 * 1024
HALF = FILE_SIZE // 2
# Had the upload kept its row lock, the edit would wait until the upload ends.
EDIT_TIMEOUT = httpx.Timeout(30.0)


async def test_edit_and_submit_proceed_while_an_upload_streams(
    deployment: Deployment, server_log: Path
) -> None:
    (answer,) = await editable_answers(deployment)
    with running(deployment, server_log) as server:
        headers = server.login(answer.operator)
        async with httpx.AsyncClient(
            base_url=server.base_url, headers=headers, timeout=EDIT_TIMEOUT
        ) as client:
            # The answer needs a value and a file before it can be submitted.
            etag = (await client.get(answer.url)).headers["etag"]
            put = await client.put(
                answer.url,
                json={"value": valid_value(answer.answer_type, 1), "narrative": "awal"},
                headers={"If-Match": etag},
            )
            assert put.status_code == 200, put.text
            first = await client.post(
                f"{answer.url}/evidence",
                content=files.multipart(files.pdf("pertama")),
                headers={"Content-Type": files.CONTENT_TYPE},
            )
            assert first.status_code == 201, first.text

            # 1. An edit while an upload is half-way: it applies at once.
            upload = SlowUpload(server, answer.url, headers, FILE_SIZE)
            try:
                upload.send_until(HALF)
                wait_for_staging(deployment, HALF // 2)
                before_edit = await answer_state(deployment, answer.submission_id)
                edit = await client.put(
                    answer.url,
                    json={"value": valid_value(answer.answer_type, 2), "narrative": "diubah"},
                    headers={"If-Match": first.json()["answer_etag"]},
                )
                assert edit.status_code == 200, edit.text
                status, body = upload.finish()
            finally:
                upload.close()
            # The file attaches to the edited answer: one version after the edit's.
            assert status == 201, body
            after = await answer_state(deployment, answer.submission_id)
            assert after["version"] == before_edit["version"] + 2
            assert after["files"] == before_edit["files"] + 1
            current = (await client.get(answer.url)).json()
            assert current["narrative"] == "diubah"
            assert current["etag"] == body["answer_etag"]

            # 2. The answer is submitted while another upload streams: the upload is
            # refused once it arrives, and leaves nothing behind.
            objects = deployment.stored_files()
            upload = SlowUpload(server, answer.url, headers, FILE_SIZE)
            try:
                upload.send_until(HALF)
                wait_for_staging(deployment, HALF // 2)
                submit = await client.post(
                    f"{answer.url}/submit", headers={"If-Match": current["etag"]}
                )
                assert submit.status_code == 200, submit.text
                before_refusal = await answer_state(deployment, answer.submission_id)
                status, body = upload.finish()
            finally:
                upload.close()
            assert status == 409, body
            assert body["error"]["code"] == "invalid_state"
            assert await answer_state(deployment, answer.submission_id) == before_refusal
            assert deployment.stored_files() == objects
            assert deployment.staging_files() == []
