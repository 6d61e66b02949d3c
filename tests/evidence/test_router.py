"""Evidence upload, download and delete through the API."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.storage import LocalStorage, key_for_sha256
from siaga.evidence.service import MAX_FILES_PER_ANSWER
from siaga.models import AuditEvent, EvidenceBlob, EvidenceFile, PeriodState, SubmissionVersion
from tests.evidence import files
from tests.evidence.conftest import (
    Headers,
    LoginAs,
    World,
    create_draft,
    staging_files,
    stored_files,
    upload,
)
from tests.helpers import API, assert_error

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT_TYPE = "application/vnd.oasis.opendocument.text"


async def _count(session: AsyncSession, model: type) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


class TestUpload:
    async def test_anonymous_is_401(
        self, anon_client: httpx.AsyncClient, world: World, storage: LocalStorage
    ) -> None:
        response = await upload(anon_client, world.upload_url(), {}, files.pdf())
        assert_error(response, 401, "not_authenticated")
        assert stored_files(storage) == []

    async def test_viewer_is_403(
        self, anon_client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        response = await upload(
            anon_client, world.upload_url(), await login_as(world.viewer), files.pdf()
        )
        assert_error(response, 403, "forbidden")

    @pytest.mark.parametrize(
        ("make", "filename", "content_type"),
        [
            (files.pdf, "laporan.pdf", "application/pdf"),
            (files.jpeg, "foto.jpg", "image/jpeg"),
            (files.png, "layar.png", "image/png"),
            (files.xlsx, "tabel.xlsx", XLSX_TYPE),
            (files.docx, "surat.docx", DOCX_TYPE),
            (files.odt, "notulen.odt", ODT_TYPE),
        ],
    )
    async def test_each_accepted_type(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        storage: LocalStorage,
        world: World,
        operator_headers: Headers,
        make: object,
        filename: str,
        content_type: str,
    ) -> None:
        assert callable(make)
        content: bytes = make("each")
        etag = await create_draft(anon_client, world, operator_headers)
        # The client claims octet-stream: only the content decides.
        response = await upload(
            anon_client,
            world.upload_url(),
            operator_headers,
            content,
            filename,
            content_type="application/octet-stream",
        )
        assert response.status_code == 201, response.text
        body = response.json()
        evidence = body["evidence"]
        sha = hashlib.sha256(content).hexdigest()
        assert evidence["content_type"] == content_type
        assert evidence["name"] == filename
        assert evidence["size"] == len(content)
        assert evidence["sha256"] == sha
        assert evidence["uploaded_by"] == world.operator.username
        assert evidence["url"] == f"/api/v1/evidence/{evidence['id']}"
        assert body["answer_etag"] == response.headers["etag"] != etag
        assert storage.read_bytes(key_for_sha256(sha)) == content
        assert staging_files(storage) == []

        download = await anon_client.get(
            f"{API}/evidence/{evidence['id']}", headers=operator_headers
        )
        assert download.status_code == 200
        assert download.content == content
        assert download.headers["content-type"] == content_type

    async def test_answer_lists_the_file_and_history_records_its_hash(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: World,
        operator_headers: Headers,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        response = await upload(anon_client, world.upload_url(), operator_headers, files.pdf())
        evidence = response.json()["evidence"]

        answer = (await anon_client.get(world.answer_url(), headers=operator_headers)).json()
        assert [e["id"] for e in answer["evidence"]] == [evidence["id"]]
        assert answer["version"] == 2
        history = (
            await anon_client.get(world.answer_url() + "/history", headers=operator_headers)
        ).json()["items"]
        assert [(h["version"], h["action"], h["evidence_hashes"]) for h in history] == [
            (1, "created", []),
            (2, "evidence_added", [evidence["sha256"]]),
        ]
        events = (
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "evidence.upload"))
        ).all()
        assert len(events) == 1
        assert events[0].after is not None
        assert events[0].after["sha256"] == evidence["sha256"]

    @pytest.mark.parametrize(
        ("content", "filename", "content_type"),
        [
            (files.html(), "laporan.pdf", "application/pdf"),
            (files.elf(), "laporan.pdf", "application/pdf"),
            (files.pe(), "setup.pdf", "application/pdf"),
            (files.plain_zip(), "tabel.xlsx", XLSX_TYPE),
            (b"just some text\n", "catatan.docx", DOCX_TYPE),
        ],
        ids=["html", "elf", "pe", "zip", "text"],
    )
    async def test_other_content_is_415_whatever_its_name(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        storage: LocalStorage,
        world: World,
        operator_headers: Headers,
        content: bytes,
        filename: str,
        content_type: str,
    ) -> None:
        etag = await create_draft(anon_client, world, operator_headers)
        response = await upload(
            anon_client,
            world.upload_url(),
            operator_headers,
            content,
            filename,
            content_type=content_type,
        )
        assert_error(response, 415, "unsupported_media_type")
        # No stored object, no staging file, no half-written answer.
        assert stored_files(storage) == []
        answer = await anon_client.get(world.answer_url(), headers=operator_headers)
        assert answer.headers["etag"] == etag
        assert answer.json()["evidence"] == []
        assert await _count(session, EvidenceBlob) == 0

    async def test_same_file_twice_on_one_answer_is_409(
        self,
        anon_client: httpx.AsyncClient,
        storage: LocalStorage,
        world: World,
        operator_headers: Headers,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        first = await upload(anon_client, world.upload_url(), operator_headers, files.pdf())
        assert first.status_code == 201
        again = await upload(
            anon_client, world.upload_url(), operator_headers, files.pdf(), "lagi.pdf"
        )
        assert_error(again, 409, "duplicate_evidence")
        assert staging_files(storage) == []
        assert len(stored_files(storage)) == 1
        answer = (await anon_client.get(world.answer_url(), headers=operator_headers)).json()
        assert len(answer["evidence"]) == 1
        assert answer["etag"] == first.headers["etag"]

    async def test_same_file_on_two_answers_is_stored_once(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        storage: LocalStorage,
        world: World,
        operator_headers: Headers,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        await create_draft(anon_client, world, operator_headers, world.other_indicator)
        a = await upload(anon_client, world.upload_url(), operator_headers, files.pdf("x"))
        b = await upload(
            anon_client,
            world.upload_url(world.other_indicator),
            operator_headers,
            files.pdf("x"),
            "salinan.pdf",
        )
        assert a.status_code == b.status_code == 201
        assert a.json()["evidence"]["id"] != b.json()["evidence"]["id"]
        assert a.json()["evidence"]["sha256"] == b.json()["evidence"]["sha256"]
        assert await _count(session, EvidenceBlob) == 1
        assert await _count(session, EvidenceFile) == 2
        assert len(stored_files(storage)) == 1

    async def test_more_than_the_limit_of_files_is_409(
        self,
        anon_client: httpx.AsyncClient,
        storage: LocalStorage,
        world: World,
        operator_headers: Headers,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        for n in range(MAX_FILES_PER_ANSWER):
            response = await upload(
                anon_client, world.upload_url(), operator_headers, files.png(str(n))
            )
            assert response.status_code == 201, response.text
        response = await upload(
            anon_client, world.upload_url(), operator_headers, files.png("one more")
        )
        error = assert_error(response, 409, "too_many_files")
        assert error["details"] == [{"limit": MAX_FILES_PER_ANSWER}]
        assert len(stored_files(storage)) == MAX_FILES_PER_ANSWER

    @pytest.mark.parametrize(
        ("sent", "stored"),
        [
            ("../../etc/passwd.pdf", "passwd.pdf"),
            ("..\\..\\Windows\\system32\\laporan.pdf", "laporan.pdf"),
            ("C:\\Users\\budi\\Desktop\\Bukti Rapat.PDF", "Bukti Rapat.pdf"),
            ("lap\x07or\x1ban\u202egpj.exe.pdf", "laporangpj.exe.pdf"),
            ("   spasi    berlebih   .pdf", "spasi berlebih.pdf"),
            ("..", "bukti.pdf"),
            ("", "bukti.pdf"),
            ("tanpa ekstensi", "tanpa ekstensi.pdf"),
            ("gambar.png", "gambar.png.pdf"),
            ('kutip"dan;koma.pdf', "kutip_dan;koma.pdf"),
            ("Café déjà vu.pdf", "Café déjà vu.pdf"),
        ],
    )
    async def test_file_names_are_made_safe(
        self,
        anon_client: httpx.AsyncClient,
        world: World,
        operator_headers: Headers,
        sent: str,
        stored: str,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        response = await upload(
            anon_client, world.upload_url(), operator_headers, files.pdf(), sent
        )
        assert response.status_code == 201, response.text
        assert response.json()["evidence"]["name"] == stored

    async def test_long_name_kept_to_200_characters_with_its_extension(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: World,
        operator_headers: Headers,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        long_name = "laporan-" + "ü" * 288 + ".xlsx"  # 301 characters
        response = await upload(
            anon_client, world.upload_url(), operator_headers, files.xlsx(), long_name
        )
        assert response.status_code == 201, response.text
        name = response.json()["evidence"]["name"]
        assert len(name) == 200
        assert name.endswith(".xlsx") and name.startswith("laporan-ü")
        stored = await session.scalar(select(EvidenceFile.original_name))
        assert stored == name

        download = await anon_client.get(
            response.json()["evidence"]["url"], headers=operator_headers
        )
        disposition = download.headers["content-disposition"]
        assert disposition.isascii()
        assert disposition.startswith('attachment; filename="laporan-')
        assert f"filename*=UTF-8''{quote(name, safe='')}" in disposition

    async def test_hostile_name_gives_a_safe_content_disposition(
        self,
        anon_client: httpx.AsyncClient,
        world: World,
        operator_headers: Headers,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        response = await upload(
            anon_client,
            world.upload_url(),
            operator_headers,
            files.pdf(),
            '..\\a"b\x01;\u202ec d.pdf',
        )
        download = await anon_client.get(
            response.json()["evidence"]["url"], headers=operator_headers
        )
        disposition = download.headers["content-disposition"]
        assert disposition == (
            "attachment; filename=\"a_b_c d.pdf\"; filename*=UTF-8''a_b%3Bc%20d.pdf"
        )

    async def test_missing_file_field_is_422(
        self, anon_client: httpx.AsyncClient, world: World, operator_headers: Headers
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        body = files.multipart_parts(("note", "", b"hello"))
        response = await anon_client.post(
            world.upload_url(),
            content=body,
            headers={**operator_headers, "Content-Type": files.CONTENT_TYPE},
        )
        assert_error(response, 422, "invalid_input")

    async def test_two_files_is_422(
        self,
        anon_client: httpx.AsyncClient,
        storage: LocalStorage,
        world: World,
        operator_headers: Headers,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        body = files.multipart_parts(
            ("file", "a.pdf", files.pdf("a")), ("file", "b.pdf", files.pdf("b"))
        )
        response = await anon_client.post(
            world.upload_url(),
            content=body,
            headers={**operator_headers, "Content-Type": files.CONTENT_TYPE},
        )
        assert_error(response, 422, "invalid_input")
        assert stored_files(storage) == []

    @pytest.mark.parametrize(
        "content_type",
        ["application/pdf", "multipart/form-data", "application/json", None],
    )
    async def test_not_multipart_is_422(
        self,
        anon_client: httpx.AsyncClient,
        world: World,
        operator_headers: Headers,
        content_type: str | None,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        headers = dict(operator_headers)
        if content_type:
            headers["Content-Type"] = content_type
        response = await anon_client.post(world.upload_url(), content=files.pdf(), headers=headers)
        assert_error(response, 422, "invalid_input")

    async def test_truncated_body_is_422_and_leaves_nothing(
        self,
        anon_client: httpx.AsyncClient,
        storage: LocalStorage,
        world: World,
        operator_headers: Headers,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        body = files.multipart(files.pdf())[:-20]
        response = await anon_client.post(
            world.upload_url(),
            content=body,
            headers={**operator_headers, "Content-Type": files.CONTENT_TYPE},
        )
        assert_error(response, 422, "invalid_input")
        assert stored_files(storage) == []


class TestUploadScope:
    async def test_operator_of_another_agency_is_404_before_upload(
        self,
        anon_client: httpx.AsyncClient,
        world: World,
        operator_headers: Headers,
        login_as: LoginAs,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        body = files.CountingBody(256 * 1024)
        for user in (world.other_agency_operator, world.foreign_operator):
            response = await anon_client.post(
                world.upload_url(),
                content=body,
                headers={**await login_as(user), "Content-Type": files.CONTENT_TYPE},
            )
            assert_error(response, 404, "answer_not_found")
        assert body.chunks_pulled == 0

    async def test_no_answer_yet_starts_the_draft(
        self, anon_client: httpx.AsyncClient, world: World, operator_headers: Headers
    ) -> None:
        # Evidence may come before the value (tests/submissions/test_operator_tasks.py).
        response = await upload(anon_client, world.upload_url(), operator_headers, files.pdf())
        assert response.status_code == 201, response.text
        answer = await anon_client.get(world.answer_url(), headers=operator_headers)
        assert (answer.json()["status"], answer.headers["etag"]) == (
            "draft",
            response.json()["answer_etag"],
        )

    async def test_closed_period_is_409(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: World,
        operator_headers: Headers,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        world.period.state = PeriodState.CLOSED
        await session.flush()
        response = await upload(anon_client, world.upload_url(), operator_headers, files.pdf())
        assert_error(response, 409, "period_not_open")

    async def test_submitted_answer_is_409(
        self, anon_client: httpx.AsyncClient, world: World, operator_headers: Headers
    ) -> None:
        etag = await create_draft(anon_client, world, operator_headers)
        submitted = await anon_client.post(
            world.answer_url() + "/submit", headers={**operator_headers, "If-Match": etag}
        )
        assert submitted.status_code == 200, submitted.text
        response = await upload(anon_client, world.upload_url(), operator_headers, files.pdf())
        assert_error(response, 409, "invalid_state")

    async def test_admin_may_upload(
        self, client: httpx.AsyncClient, world: World, operator_headers: Headers
    ) -> None:
        await create_draft(client, world, operator_headers)
        response = await upload(client, world.upload_url(), {}, files.pdf())
        assert response.status_code == 201, response.text


class TestUploadSize:
    @pytest.fixture(autouse=True)
    def one_mib_limit(self, app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(app.state.settings, "max_upload_mb", 1)

    async def test_declared_length_over_limit_is_413_before_reading(
        self,
        anon_client: httpx.AsyncClient,
        storage: LocalStorage,
        world: World,
        operator_headers: Headers,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        body = files.CountingBody(5 * 1024 * 1024)
        response = await anon_client.post(
            world.upload_url(),
            content=body,
            headers={
                **operator_headers,
                "Content-Type": files.CONTENT_TYPE,
                "Content-Length": str(5 * 1024 * 1024 + 300),
            },
        )
        error = assert_error(response, 413, "too_large")
        assert error["details"] == [{"limit_bytes": 1024 * 1024}]
        assert body.chunks_pulled == 0
        assert stored_files(storage) == []

    async def test_declared_length_checked_before_the_answer(
        self, anon_client: httpx.AsyncClient, world: World, operator_headers: Headers
    ) -> None:
        # No answer exists: the size is refused first, without touching the database.
        response = await anon_client.post(
            world.upload_url(),
            content=files.multipart(files.pdf() + b"0" * (2 * 1024 * 1024)),
            headers={**operator_headers, "Content-Type": files.CONTENT_TYPE},
        )
        assert_error(response, 413, "too_large")

    async def test_chunked_body_stops_being_read_at_the_limit(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        storage: LocalStorage,
        world: World,
        operator_headers: Headers,
    ) -> None:
        etag = await create_draft(anon_client, world, operator_headers)
        body = files.CountingBody(50 * 1024 * 1024, chunk=64 * 1024)
        response = await anon_client.post(
            world.upload_url(),
            content=body,
            headers={**operator_headers, "Content-Type": files.CONTENT_TYPE},
        )
        assert_error(response, 413, "too_large")
        # 1 MiB is 16 chunks of 64 KiB; the 17th passes the limit and stops the read.
        assert body.pulled <= 1024 * 1024 + 64 * 1024
        assert body.chunks_pulled <= 18
        assert stored_files(storage) == []
        answer = await anon_client.get(world.answer_url(), headers=operator_headers)
        assert answer.headers["etag"] == etag
        assert await _count(session, EvidenceFile) == 0

    async def test_exactly_the_limit_is_accepted(
        self, anon_client: httpx.AsyncClient, world: World, operator_headers: Headers
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        content = files.pdf()
        content += b"0" * (1024 * 1024 - len(content))
        response = await upload(anon_client, world.upload_url(), operator_headers, content)
        assert response.status_code == 201, response.text
        assert response.json()["evidence"]["size"] == 1024 * 1024

    async def test_one_byte_over_is_413(
        self,
        anon_client: httpx.AsyncClient,
        storage: LocalStorage,
        world: World,
        operator_headers: Headers,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        content = files.pdf()
        content += b"0" * (1024 * 1024 + 1 - len(content))
        response = await upload(anon_client, world.upload_url(), operator_headers, content)
        assert_error(response, 413, "too_large")
        assert stored_files(storage) == []


class TestDownload:
    @pytest.fixture
    async def evidence_url(
        self, anon_client: httpx.AsyncClient, world: World, operator_headers: Headers
    ) -> str:
        await create_draft(anon_client, world, operator_headers)
        response = await upload(
            anon_client, world.upload_url(), operator_headers, files.pdf("dl"), "Laporan Q4.pdf"
        )
        assert response.status_code == 201, response.text
        url: str = response.json()["evidence"]["url"]
        return url

    async def test_anonymous_is_401(
        self, anon_client: httpx.AsyncClient, evidence_url: str
    ) -> None:
        assert_error(await anon_client.get(evidence_url), 401, "not_authenticated")

    async def test_headers(
        self, anon_client: httpx.AsyncClient, evidence_url: str, operator_headers: Headers
    ) -> None:
        response = await anon_client.get(evidence_url, headers=operator_headers)
        assert response.status_code == 200
        assert response.content == files.pdf("dl")
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["content-length"] == str(len(files.pdf("dl")))
        assert response.headers["x-content-type-options"] == "nosniff"
        # A download is never framed and never runs anything, whatever it holds.
        assert response.headers["content-security-policy"] == (
            "sandbox; default-src 'none'; frame-ancestors 'none'"
        )
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["cache-control"].startswith("private")
        assert response.headers["content-disposition"] == (
            "attachment; filename=\"Laporan Q4.pdf\"; filename*=UTF-8''Laporan%20Q4.pdf"
        )

    async def test_inline_for_pdf(
        self, anon_client: httpx.AsyncClient, evidence_url: str, operator_headers: Headers
    ) -> None:
        response = await anon_client.get(
            evidence_url, params={"inline": "true"}, headers=operator_headers
        )
        assert response.headers["content-disposition"].startswith("inline; ")

    async def test_never_inline_for_office_files(
        self, anon_client: httpx.AsyncClient, world: World, operator_headers: Headers
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        response = await upload(
            anon_client, world.upload_url(), operator_headers, files.docx(), "surat.docx"
        )
        download = await anon_client.get(
            response.json()["evidence"]["url"], params={"inline": "true"}, headers=operator_headers
        )
        assert download.headers["content-disposition"].startswith("attachment; ")

    async def test_viewer_and_verifier_in_scope_may_read(
        self, anon_client: httpx.AsyncClient, world: World, evidence_url: str, login_as: LoginAs
    ) -> None:
        for user in (world.viewer, world.verifier, world.colleague):
            response = await anon_client.get(evidence_url, headers=await login_as(user))
            assert response.status_code == 200, user.username
            assert response.content == files.pdf("dl")

    async def test_outside_scope_is_404_like_nonexistent(
        self, anon_client: httpx.AsyncClient, world: World, evidence_url: str, login_as: LoginAs
    ) -> None:
        for user in (world.foreign_operator, world.other_agency_operator, world.foreign_viewer):
            response = await anon_client.get(evidence_url, headers=await login_as(user))
            assert_error(response, 404, "evidence_not_found")
        missing = await anon_client.get(
            f"{API}/evidence/00000000-0000-4000-8000-000000000000",
            headers=await login_as(world.viewer),
        )
        assert_error(missing, 404, "evidence_not_found")

    async def test_lost_object_is_404_not_500(
        self,
        anon_client: httpx.AsyncClient,
        storage: LocalStorage,
        evidence_url: str,
        operator_headers: Headers,
    ) -> None:
        for path in stored_files(storage):
            path.unlink()
        response = await anon_client.get(evidence_url, headers=operator_headers)
        assert_error(response, 404, "evidence_content_missing")


class TestDelete:
    async def _attach(
        self, client: httpx.AsyncClient, world: World, headers: Headers, content: bytes
    ) -> dict[str, str]:
        response = await upload(client, world.upload_url(), headers, content)
        assert response.status_code == 201, response.text
        evidence: dict[str, str] = response.json()["evidence"]
        return evidence

    async def test_anonymous_401_viewer_403(
        self,
        anon_client: httpx.AsyncClient,
        world: World,
        operator_headers: Headers,
        login_as: LoginAs,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        evidence = await self._attach(anon_client, world, operator_headers, files.pdf())
        assert_error(await anon_client.delete(evidence["url"]), 401, "not_authenticated")
        response = await anon_client.delete(evidence["url"], headers=await login_as(world.viewer))
        assert_error(response, 403, "forbidden")

    async def test_delete_from_draft_removes_file_blob_and_object(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        storage: LocalStorage,
        world: World,
        operator_headers: Headers,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        kept = await self._attach(anon_client, world, operator_headers, files.png("kept"))
        gone = await self._attach(anon_client, world, operator_headers, files.pdf("gone"))
        assert len(stored_files(storage)) == 2

        response = await anon_client.delete(gone["url"], headers=operator_headers)
        assert response.status_code == 204
        assert response.content == b""

        assert_error(
            await anon_client.get(gone["url"], headers=operator_headers), 404, "evidence_not_found"
        )
        assert [p.name for p in stored_files(storage)] == [kept["sha256"]]
        assert await _count(session, EvidenceBlob) == 1
        answer = (await anon_client.get(world.answer_url(), headers=operator_headers)).json()
        assert [e["id"] for e in answer["evidence"]] == [kept["id"]]
        assert answer["etag"] == response.headers["etag"]
        history = (
            await anon_client.get(world.answer_url() + "/history", headers=operator_headers)
        ).json()["items"]
        assert [(h["action"], h["evidence_hashes"]) for h in history][-1] == (
            "evidence_removed",
            [kept["sha256"]],
        )
        versions = await _count(session, SubmissionVersion)
        assert versions == 4  # created, two uploads, one removal
        events = (
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "evidence.delete"))
        ).all()
        assert [e.before["evidence_id"] for e in events if e.before] == [gone["id"]]

    async def test_shared_content_stays_while_another_answer_uses_it(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        storage: LocalStorage,
        world: World,
        operator_headers: Headers,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        await create_draft(anon_client, world, operator_headers, world.other_indicator)
        first = await self._attach(anon_client, world, operator_headers, files.pdf("shared"))
        second = await upload(
            anon_client,
            world.upload_url(world.other_indicator),
            operator_headers,
            files.pdf("shared"),
        )
        assert second.status_code == 201
        response = await anon_client.delete(first["url"], headers=operator_headers)
        assert response.status_code == 204
        assert await _count(session, EvidenceBlob) == 1
        assert len(stored_files(storage)) == 1
        download = await anon_client.get(second.json()["evidence"]["url"], headers=operator_headers)
        assert download.content == files.pdf("shared")

    async def test_delete_from_returned_answer(
        self,
        anon_client: httpx.AsyncClient,
        world: World,
        operator_headers: Headers,
        login_as: LoginAs,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        evidence = await self._attach(anon_client, world, operator_headers, files.pdf())
        etag = (await anon_client.get(world.answer_url(), headers=operator_headers)).headers["etag"]
        submitted = await anon_client.post(
            world.answer_url() + "/submit", headers={**operator_headers, "If-Match": etag}
        )
        returned = await anon_client.post(
            world.answer_url() + "/return",
            json={"reason": "Bukti kurang jelas"},
            headers={**await login_as(world.verifier), "If-Match": submitted.headers["etag"]},
        )
        assert returned.status_code == 200, returned.text
        response = await anon_client.delete(evidence["url"], headers=operator_headers)
        assert response.status_code == 204

    @pytest.mark.parametrize("state", ["submitted", "verified"])
    async def test_submitted_or_verified_is_409(
        self,
        anon_client: httpx.AsyncClient,
        storage: LocalStorage,
        world: World,
        operator_headers: Headers,
        login_as: LoginAs,
        state: str,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        evidence = await self._attach(anon_client, world, operator_headers, files.pdf())
        etag = (await anon_client.get(world.answer_url(), headers=operator_headers)).headers["etag"]
        response = await anon_client.post(
            world.answer_url() + "/submit", headers={**operator_headers, "If-Match": etag}
        )
        if state == "verified":
            response = await anon_client.post(
                world.answer_url() + "/verify",
                headers={**await login_as(world.verifier), "If-Match": response.headers["etag"]},
            )
        assert response.json()["status"] == state
        deleted = await anon_client.delete(evidence["url"], headers=operator_headers)
        assert_error(deleted, 409, "invalid_state")
        assert len(stored_files(storage)) == 1
        download = await anon_client.get(evidence["url"], headers=operator_headers)
        assert download.status_code == 200

    async def test_closed_period_is_409(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: World,
        operator_headers: Headers,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        evidence = await self._attach(anon_client, world, operator_headers, files.pdf())
        world.period.state = PeriodState.CLOSED
        await session.flush()
        deleted = await anon_client.delete(evidence["url"], headers=operator_headers)
        assert_error(deleted, 409, "period_not_open")

    async def test_outside_scope_is_404(
        self,
        anon_client: httpx.AsyncClient,
        world: World,
        operator_headers: Headers,
        login_as: LoginAs,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        evidence = await self._attach(anon_client, world, operator_headers, files.pdf())
        for user in (world.foreign_operator, world.other_agency_operator):
            response = await anon_client.delete(evidence["url"], headers=await login_as(user))
            assert_error(response, 404, "evidence_not_found")
        assert (await anon_client.get(evidence["url"], headers=operator_headers)).status_code == 200
