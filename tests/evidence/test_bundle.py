"""A Pemda's evidence for a period as one ZIP with a manifest of hashes."""

from __future__ import annotations

import csv
import hashlib
import io
import random
import zipfile
from datetime import UTC, datetime

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.csvstyle import INDONESIAN, RFC4180
from siaga.core.storage import LocalStorage, key_for_sha256
from siaga.evidence.bundle import MANIFEST, MANIFEST_COLUMNS, Entry, write_zip
from siaga.models import AuditEvent
from tests.evidence import files
from tests.evidence.conftest import Headers, LoginAs, World, create_draft, stored_files, upload
from tests.helpers import API, assert_error


def _url(world: World, period: str | None = None, region: str | None = None) -> str:
    return f"{API}/evidence/{period or world.period.code}/{region or world.city.code}.zip"


def _manifest(archive: zipfile.ZipFile, delimiter: str = ",") -> list[dict[str, str]]:
    text = archive.read(MANIFEST).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))
    assert tuple(rows[0]) == MANIFEST_COLUMNS
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


async def _attach_three(client: httpx.AsyncClient, world: World, headers: Headers) -> None:
    await create_draft(client, world, headers)
    await create_draft(client, world, headers, world.other_indicator)
    for indicator, content, name in (
        (world.indicator, files.drawn_pdf(1, "a"), "Laporan.pdf"),
        # The same name twice in one indicator: both kept, the second renamed.
        (world.indicator, files.drawn_pdf(1, "b"), "Laporan.pdf"),
        (world.other_indicator, files.png("c"), "=foto.png"),
    ):
        response = await upload(client, world.upload_url(indicator), headers, content, name)
        assert response.status_code == 201, response.text


class TestEvidenceZip:
    async def test_files_by_indicator_with_a_manifest_of_their_hashes(
        self,
        anon_client: httpx.AsyncClient,
        world: World,
        operator_headers: Headers,
        login_as: LoginAs,
        storage: LocalStorage,
    ) -> None:
        await _attach_three(anon_client, world, operator_headers)
        response = await anon_client.get(_url(world), headers=await login_as(world.verifier))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/zip"
        assert response.headers["content-disposition"] == (
            f'attachment; filename="siaga-bukti-{world.city.code}-{world.period.code}.zip"'
        )
        assert response.headers["x-frame-options"] == "DENY"
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        assert archive.testzip() is None
        a, b = f"{world.indicator}/Laporan.pdf", f"{world.indicator}/Laporan (2).pdf"
        c = f"{world.other_indicator}/=foto.png"
        assert archive.namelist() == [a, b, c, MANIFEST]
        manifest = _manifest(archive)
        assert [row["file"] for row in manifest] == [a, b, c]
        assert [row["original_name"] for row in manifest] == [
            "Laporan.pdf",
            "Laporan.pdf",
            "'=foto.png",  # a spreadsheet must not read it as a formula
        ]
        for row, name in zip(manifest, (a, b, c), strict=True):
            content = archive.read(name)
            # The hash in the manifest is that of the file in the ZIP and of the stored blob.
            assert row["sha256"] == hashlib.sha256(content).hexdigest()
            assert (storage.root / key_for_sha256(row["sha256"])).read_bytes() == content
            assert row["size"] == str(len(content))
            assert row["uploaded_by"] == world.operator.username
            assert row["status"] == "ok"
            uploaded = datetime.fromisoformat(row["uploaded_at"].replace("Z", "+00:00"))
            assert uploaded.tzinfo == UTC
        assert [row["content_type"] for row in manifest] == [
            "application/pdf",
            "application/pdf",
            "image/png",
        ]
        assert {row["indicator"] for row in manifest} == {world.indicator, world.other_indicator}
        assert all(row["agency"] for row in manifest)

    async def test_indonesian_manifest(
        self,
        anon_client: httpx.AsyncClient,
        world: World,
        operator_headers: Headers,
    ) -> None:
        await _attach_three(anon_client, world, operator_headers)
        response = await anon_client.get(
            _url(world), params={"locale": "id"}, headers=operator_headers
        )
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        text = archive.read(MANIFEST).decode("utf-8")
        assert text.splitlines()[0] == "\ufeff" + ";".join(MANIFEST_COLUMNS)
        assert len(_manifest(archive, ";")) == 3

    async def test_is_audited(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: World,
        operator_headers: Headers,
        login_as: LoginAs,
    ) -> None:
        await _attach_three(anon_client, world, operator_headers)
        response = await anon_client.get(_url(world), headers=await login_as(world.viewer))
        assert response.status_code == 200
        event = (
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "evidence.export"))
        ).one()
        assert event.actor_user_id == world.viewer.id
        assert event.entity_id == world.city.code
        assert event.region_code == world.city.code
        assert event.after is not None
        assert event.after["period"] == world.period.code
        assert event.after["files"] == 3

    async def test_empty_set_is_a_zip_with_only_the_manifest(
        self, anon_client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        response = await anon_client.get(
            _url(world, period=world.closed_period.code), headers=await login_as(world.viewer)
        )
        assert response.status_code == 200
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        assert archive.namelist() == [MANIFEST]
        assert _manifest(archive) == []

    async def test_only_answers_the_caller_may_read(
        self,
        anon_client: httpx.AsyncClient,
        world: World,
        operator_headers: Headers,
        login_as: LoginAs,
    ) -> None:
        await _attach_three(anon_client, world, operator_headers)
        # Same Pemda, an agency that answers none of these indicators.
        response = await anon_client.get(
            _url(world), headers=await login_as(world.other_agency_operator)
        )
        assert response.status_code == 200
        assert zipfile.ZipFile(io.BytesIO(response.content)).namelist() == [MANIFEST]

    async def test_outside_scope_and_unknown_codes_are_404(
        self,
        anon_client: httpx.AsyncClient,
        world: World,
        operator_headers: Headers,
        login_as: LoginAs,
    ) -> None:
        await _attach_three(anon_client, world, operator_headers)
        for user in (world.foreign_viewer, world.foreign_operator):
            response = await anon_client.get(_url(world), headers=await login_as(user))
            assert_error(response, 404, "region_not_found")
        assert_error(
            await anon_client.get(_url(world, region="99.99"), headers=operator_headers),
            404,
            "region_not_found",
        )
        assert_error(
            await anon_client.get(_url(world, period="2001-Q1"), headers=operator_headers),
            404,
            "period_not_found",
        )

    async def test_bad_input(
        self, anon_client: httpx.AsyncClient, world: World, operator_headers: Headers
    ) -> None:
        assert_error(await anon_client.get(_url(world)), 401, "not_authenticated")
        for url in (
            _url(world, period="x" * 21),
            _url(world, region="9" * 21),
            _url(world) + "?locale=fr",
        ):
            assert_error(await anon_client.get(url, headers=operator_headers), 422, "invalid_input")

    async def test_lost_object_is_named_missing_not_a_broken_zip(
        self,
        anon_client: httpx.AsyncClient,
        world: World,
        operator_headers: Headers,
        storage: LocalStorage,
    ) -> None:
        await _attach_three(anon_client, world, operator_headers)
        lost = next(p for p in stored_files(storage) if p.read_bytes().startswith(b"\x89PNG"))
        lost.unlink()
        response = await anon_client.get(_url(world), headers=operator_headers)
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        assert archive.testzip() is None
        assert len(archive.namelist()) == 3
        statuses = [(row["file"], row["status"]) for row in _manifest(archive)]
        assert statuses[2] == ("", "missing")
        assert [s for _, s in statuses[:2]] == ["ok", "ok"]


class TestWriteZip:
    def test_streams_in_pieces_never_the_whole_file(self, storage: LocalStorage) -> None:
        content = random.Random(16).randbytes(1_280_000)  # nothing deflate can shrink
        sha = hashlib.sha256(content).hexdigest()
        storage.put_bytes(key_for_sha256(sha), content)
        entry = Entry(
            indicator="D1.01",
            agency="Kesbangpol",
            original_name="../../etc/passwd",
            size=len(content),
            sha256=sha,
            content_type="application/pdf",
            uploaded_at=datetime(2023, 11, 2, 3, 4, 5),
            uploaded_by=None,
            storage_key=key_for_sha256(sha),
        )
        pieces = [piece for piece in write_zip(storage, [entry], RFC4180) if piece]
        # Handed on as read (64 KiB reads), not collected: many pieces, none near the file.
        assert len(pieces) > 10
        assert max(len(piece) for piece in pieces) < 256 * 1024
        archive = zipfile.ZipFile(io.BytesIO(b"".join(pieces)))
        # Separators and `..` cannot climb out of the indicator's folder.
        assert archive.namelist() == ["D1.01/_.._etc_passwd", MANIFEST]
        assert archive.read("D1.01/_.._etc_passwd") == content
        assert archive.getinfo("D1.01/_.._etc_passwd").date_time == (2023, 11, 2, 3, 4, 4)

    def test_indonesian_style_in_the_manifest(self, storage: LocalStorage) -> None:
        archive = zipfile.ZipFile(io.BytesIO(b"".join(write_zip(storage, [], INDONESIAN))))
        assert (
            archive.read(MANIFEST).decode("utf-8") == "\ufeff" + ";".join(MANIFEST_COLUMNS) + "\r\n"
        )
