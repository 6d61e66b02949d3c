"""Evidence files on a recommendation's follow-up over HTTP: upload (the answers' rules:
size, type by content, empty, duplicates, limit), who may (the follow-up's people; 404
outside the scope), the read model, download headers, removal (not while done), content
shared with answers' files, and the audit trail."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.storage import LocalStorage, key_for_sha256
from siaga.evidence import files as evidence_files
from siaga.models import AuditEvent, EvidenceBlob, RecommendationEvidence
from tests.evidence import files
from tests.evidence.conftest import staging_files, stored_files, upload
from tests.helpers import API, assert_error
from tests.reporting.conftest import SECTIONS, Chain, answer_all, report_url
from tests.reporting.test_recommendations import NOTE, LoginAs, made, rec_url, recs_url

Headers = dict[str, str]


@pytest.fixture(autouse=True)
def storage(app: FastAPI, tmp_path: Path) -> Iterator[LocalStorage]:
    """This test's evidence store, in its own directory."""
    storage = LocalStorage(tmp_path / "evidence")
    app.state.evidence_storage = storage
    yield storage
    del app.state.evidence_storage


def evidence_url(rec_id: int, file_id: str = "") -> str:
    return f"{API}/recommendations/{rec_id}/evidence" + (f"/{file_id}" if file_id else "")


async def _count(session: AsyncSession, model: type) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


async def _recommendation(client: httpx.AsyncClient, chain: Chain, login_as: LoginAs) -> Any:
    return await made(client, await login_as(chain.coordinator))


async def _attached(
    client: httpx.AsyncClient, rec_id: int, headers: Headers, content: bytes, name: str = "a.pdf"
) -> dict[str, Any]:
    response = await upload(client, evidence_url(rec_id), headers, content, name)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


class TestUpload:
    async def test_operator_attaches_and_every_reader_sees_and_downloads_it(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        storage: LocalStorage,
        chain: Chain,
        login_as: LoginAs,
    ) -> None:
        world = chain.world
        rec = await _recommendation(anon_client, chain, login_as)
        operator = await login_as(world.operator)
        content = files.pdf("notulen")
        response = await upload(
            anon_client,
            evidence_url(rec["id"]),
            operator,
            content,
            "Notulen rapat.pdf",
            content_type="application/octet-stream",
        )
        assert response.status_code == 201, response.text
        body = response.json()
        sha = hashlib.sha256(content).hexdigest()
        assert (body["name"], body["content_type"], body["size"], body["sha256"]) == (
            "Notulen rapat.pdf",
            "application/pdf",
            len(content),
            sha,
        )
        assert body["uploaded_by"] == world.operator.username
        assert body["url"] == f"/api/v1/recommendations/{rec['id']}/evidence/{body['id']}"
        assert storage.read_bytes(key_for_sha256(sha)) == content
        assert staging_files(storage) == []
        # In the read model, wherever the recommendation is read; the follow-up's ETag
        # (status and note) is unchanged, so a note being written is not made stale.
        listed = (await anon_client.get(recs_url(), headers=operator)).json()["items"][0]
        assert [(e["id"], e["uploaded_by"]) for e in listed["evidence"]] == [
            (body["id"], world.operator.username)
        ]
        assert (listed["etag"], listed["version"]) == (rec["etag"], 1)
        report = (await anon_client.get(report_url(), headers=operator)).json()
        assert report["recommendations"][0]["evidence"] == listed["evidence"]
        # Any reader of the report downloads it, as a typed attachment that cannot run.
        for reader in (world.viewer, world.other_operator, chain.national_verifier):
            download = await anon_client.get(body["url"], headers=await login_as(reader))
            assert download.status_code == 200, download.text
            assert download.content == content
        headers = download.headers
        assert headers["content-type"] == "application/pdf"
        assert headers["content-length"] == str(len(content))
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["content-security-policy"].startswith("sandbox")
        assert headers["cache-control"] == "private, no-store"
        assert headers["content-disposition"] == (
            "attachment; filename=\"Notulen rapat.pdf\"; filename*=UTF-8''Notulen%20rapat.pdf"
        )
        inline = await anon_client.get(body["url"] + "?inline=true", headers=operator)
        assert inline.headers["content-disposition"].startswith("inline;")
        assert inline.headers["x-frame-options"] == "SAMEORIGIN"
        event = await session.scalar(
            select(AuditEvent).where(AuditEvent.action == "evidence.upload")
        )
        assert event is not None
        assert (event.entity_type, event.entity_id, event.region_code) == (
            "recommendation",
            str(rec["id"]),
            "64.72",
        )
        assert event.after is not None and event.after["sha256"] == sha
        assert event.actor_user_id == world.operator.id

    async def test_coordinator_and_administrator_too_and_after_acceptance(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, chain: Chain, login_as: LoginAs
    ) -> None:
        coordinator = await login_as(chain.coordinator)
        rec = await made(anon_client, coordinator)
        await _attached(anon_client, rec["id"], coordinator, files.png("foto"), "foto.png")
        admin = await login_as(chain.province_admin)
        await _attached(anon_client, rec["id"], admin, files.docx("surat"), "surat.docx")
        # Follow-up goes on after the report is accepted, and its evidence with it.
        await answer_all(session, chain.world.period, chain.world.city)
        await anon_client.put(report_url(), json=SECTIONS, headers=coordinator)
        assert (
            await anon_client.post(report_url(action="submit"), headers=coordinator)
        ).status_code == 200
        verifier = await login_as(chain.world.verifier)
        assert (
            await anon_client.post(report_url(action="accept"), headers=verifier)
        ).status_code == 200
        operator = await login_as(chain.world.operator)
        await _attached(anon_client, rec["id"], operator, files.jpeg("lapangan"), "lapangan.jpg")
        listed = (await anon_client.get(recs_url(), headers=operator)).json()["items"][0]
        assert [e["name"] for e in listed["evidence"]] == ["foto.png", "surat.docx", "lapangan.jpg"]

    @pytest.mark.parametrize(
        ("content", "name"),
        [(files.pe(), "laporan.pdf"), (files.html(), "notulen.pdf"), (files.plain_zip(), "t.xlsx")],
        ids=["exe", "html", "zip"],
    )
    async def test_disguised_files_are_415(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        storage: LocalStorage,
        chain: Chain,
        login_as: LoginAs,
        content: bytes,
        name: str,
    ) -> None:
        rec = await _recommendation(anon_client, chain, login_as)
        operator = await login_as(chain.world.operator)
        response = await upload(anon_client, evidence_url(rec["id"]), operator, content, name)
        assert_error(response, 415, "unsupported_media_type")
        assert stored_files(storage) == []
        assert await _count(session, RecommendationEvidence) == 0
        assert await _count(session, EvidenceBlob) == 0

    async def test_empty_malformed_duplicate_and_too_many(
        self,
        anon_client: httpx.AsyncClient,
        storage: LocalStorage,
        chain: Chain,
        login_as: LoginAs,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        rec = await _recommendation(anon_client, chain, login_as)
        operator = await login_as(chain.world.operator)
        url = evidence_url(rec["id"])
        empty = assert_error(await upload(anon_client, url, operator, b""), 422, "invalid_input")
        assert empty["details"][0]["field"] == "file"
        not_multipart = await anon_client.post(url, json={"file": "x"}, headers=operator)
        assert_error(not_multipart, 422, "invalid_input")
        await _attached(anon_client, rec["id"], operator, files.pdf("sekali"))
        again = await upload(anon_client, url, operator, files.pdf("sekali"), "lagi.pdf")
        error = assert_error(again, 409, "duplicate_evidence")
        assert "rekomendasi" in error["message"]
        monkeypatch.setattr(evidence_files, "MAX_FILES", 2)
        await _attached(anon_client, rec["id"], operator, files.pdf("dua"))
        full = assert_error(
            await upload(anon_client, url, operator, files.pdf("tiga")), 409, "too_many_files"
        )
        assert full["details"] == [{"limit": 2}]
        assert len(stored_files(storage)) == 2

    async def test_oversize_is_413_before_and_while_reading(
        self,
        app: FastAPI,
        anon_client: httpx.AsyncClient,
        storage: LocalStorage,
        chain: Chain,
        login_as: LoginAs,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(app.state.settings, "max_upload_mb", 1)
        rec = await _recommendation(anon_client, chain, login_as)
        operator = await login_as(chain.world.operator)
        declared = files.CountingBody(5 * 1024 * 1024)
        response = await anon_client.post(
            evidence_url(rec["id"]),
            content=declared,
            headers={
                **operator,
                "Content-Type": files.CONTENT_TYPE,
                "Content-Length": str(5 * 1024 * 1024 + 300),
            },
        )
        error = assert_error(response, 413, "too_large")
        assert error["details"] == [{"limit_bytes": 1024 * 1024}]
        assert declared.chunks_pulled == 0
        chunked = files.CountingBody(50 * 1024 * 1024)
        response = await anon_client.post(
            evidence_url(rec["id"]),
            content=chunked,
            headers={**operator, "Content-Type": files.CONTENT_TYPE},
        )
        assert_error(response, 413, "too_large")
        assert chunked.pulled <= 1024 * 1024 + 64 * 1024
        assert stored_files(storage) == []


class TestWho:
    async def test_the_follow_up_people_only_and_404_outside(
        self, anon_client: httpx.AsyncClient, session: AsyncSession, chain: Chain, login_as: LoginAs
    ) -> None:
        world = chain.world
        rec = await _recommendation(anon_client, chain, login_as)
        kept = await _attached(
            anon_client, rec["id"], await login_as(world.operator), files.pdf("bukti")
        )
        url = evidence_url(rec["id"])
        assert_error(await upload(anon_client, url, {}, files.pdf("x")), 401, "not_authenticated")
        # Readers of the report who do not follow this one up: another agency's operator
        # of the Pemda, verifiers, viewers.
        for user in (world.other_operator, world.verifier, world.viewer, chain.national_verifier):
            headers = await login_as(user)
            assert_error(await upload(anon_client, url, headers, files.pdf("x")), 403, "forbidden")
            assert_error(await anon_client.delete(kept["url"], headers=headers), 403, "forbidden")
        # Another Pemda's coordinator and operator, the province's coordinator: not found.
        for user in (chain.foreign_coordinator, world.foreign_operator, chain.province_coordinator):
            headers = await login_as(user)
            for response in (
                await upload(anon_client, url, headers, files.pdf("x")),
                await anon_client.get(kept["url"], headers=headers),
                await anon_client.delete(kept["url"], headers=headers),
            ):
                assert_error(response, 404, "recommendation_not_found")
        operator = await login_as(world.operator)
        # A file is only found through its own recommendation.
        other = await made(anon_client, await login_as(chain.coordinator), text="Lain")
        wrong = evidence_url(other["id"], kept["id"])
        assert_error(await anon_client.get(wrong, headers=operator), 404, "evidence_not_found")
        assert_error(await anon_client.delete(wrong, headers=operator), 404, "evidence_not_found")
        unknown = evidence_url(rec["id"], "00000000-0000-0000-0000-000000000000")
        assert_error(await anon_client.get(unknown, headers=operator), 404, "evidence_not_found")
        assert_error(
            await upload(anon_client, evidence_url(999_999), operator, files.pdf("x")),
            404,
            "recommendation_not_found",
        )
        assert await _count(session, RecommendationEvidence) == 1


class TestDelete:
    async def test_removes_file_blob_and_object_and_is_audited(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        storage: LocalStorage,
        chain: Chain,
        login_as: LoginAs,
    ) -> None:
        rec = await _recommendation(anon_client, chain, login_as)
        operator = await login_as(chain.world.operator)
        kept = await _attached(anon_client, rec["id"], operator, files.png("tetap"), "tetap.png")
        gone = await _attached(anon_client, rec["id"], operator, files.pdf("hapus"))
        # The coordinator may remove the operator's file: both follow it up.
        response = await anon_client.delete(gone["url"], headers=await login_as(chain.coordinator))
        assert response.status_code == 204, response.text
        missing = await anon_client.get(gone["url"], headers=operator)
        assert_error(missing, 404, "evidence_not_found")
        assert [p.name for p in stored_files(storage)] == [kept["sha256"]]
        assert await _count(session, EvidenceBlob) == 1
        listed = (await anon_client.get(recs_url(), headers=operator)).json()["items"][0]
        assert [e["id"] for e in listed["evidence"]] == [kept["id"]]
        events = (
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.entity_type == "recommendation")
                .order_by(AuditEvent.id)
            )
        ).all()
        assert [e.action for e in events] == [
            "recommendation.create",
            "evidence.upload",
            "evidence.upload",
            "evidence.delete",
        ]
        assert events[-1].before is not None and events[-1].before["evidence_id"] == gone["id"]
        assert events[-1].actor_user_id == chain.coordinator.id

    async def test_not_while_done_until_reopened(
        self, anon_client: httpx.AsyncClient, chain: Chain, login_as: LoginAs
    ) -> None:
        rec = await _recommendation(anon_client, chain, login_as)
        operator = await login_as(chain.world.operator)
        proof = await _attached(anon_client, rec["id"], operator, files.pdf("bukti"))
        done = await anon_client.patch(
            rec_url(rec["id"]), json={"status": "done", "follow_up": NOTE}, headers=operator
        )
        assert done.status_code == 200, done.text
        error = assert_error(
            await anon_client.delete(proof["url"], headers=operator), 409, "invalid_state"
        )
        assert error["details"] == [{"status": "done"}]
        # A late document may still be added to a done recommendation.
        await _attached(anon_client, rec["id"], operator, files.pdf("susulan"))
        reopened = await anon_client.patch(
            rec_url(rec["id"]),
            json={"status": "in_progress", "follow_up": "Bukti salah unggah, diganti."},
            headers=operator,
        )
        assert reopened.status_code == 200, reopened.text
        assert (await anon_client.delete(proof["url"], headers=operator)).status_code == 204

    async def test_content_shared_with_an_answer_stays(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        storage: LocalStorage,
        chain: Chain,
        login_as: LoginAs,
    ) -> None:
        """One blob per content for answers and recommendations alike: deleting either
        file leaves the content while the other still uses it."""
        rec = await _recommendation(anon_client, chain, login_as)
        operator = await login_as(chain.world.operator)
        content = files.pdf("bersama")
        answer_upload = await upload(
            anon_client, f"{API}/submissions/2023-Q4/64.72/L.01/evidence", operator, content
        )
        assert answer_upload.status_code == 201, answer_upload.text
        ours = await _attached(anon_client, rec["id"], operator, content)
        assert await _count(session, EvidenceBlob) == 1
        answer_file = answer_upload.json()["evidence"]["url"]
        deleted = await anon_client.delete(answer_file, headers=operator)
        assert deleted.status_code == 204, deleted.text
        assert await _count(session, EvidenceBlob) == 1
        assert (await anon_client.get(ours["url"], headers=operator)).content == content
        assert (await anon_client.delete(ours["url"], headers=operator)).status_code == 204
        assert await _count(session, EvidenceBlob) == 0
        assert stored_files(storage) == []
