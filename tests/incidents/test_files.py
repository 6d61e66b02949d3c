"""Photos and documents of an incident: the answers' upload rules (type by content, size
limit, shared blobs), the photo's embedded location stripped unless kept, downloads only
in the incident's scope, and a shared blob surviving the removal of an answer's file."""

from __future__ import annotations

import hashlib
import io
import uuid
from datetime import date
from pathlib import Path

import httpx
import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.filetypes import JPEG, PNG
from siaga.core.storage import LocalStorage, key_for_sha256
from siaga.incidents import photos
from siaga.models import (
    AgencyType,
    AuditEvent,
    EvidenceBlob,
    EvidenceFile,
    IncidentFile,
    Indicator,
    PeriodState,
    Submission,
)
from tests.evidence import files
from tests.fixtures.factories import create_framework, create_period
from tests.helpers import API, assert_error
from tests.incidents.conftest import LoginAs, World, file, step, url

GPS_IFD = 0x8825


def geotagged_jpeg(orientation: int = 1, *, trailer: bytes = b"") -> bytes:
    """A small photo with a camera make, an orientation, GPS coordinates (Samarinda) and
    an XMP packet, plus whatever a phone appended after the picture."""
    exif = Image.Exif()
    exif[0x010F] = "Kamera Uji"
    exif[0x0112] = orientation
    exif[GPS_IFD] = {1: "S", 2: (0.0, 29.0, 41.0), 3: "E", 4: (117.0, 8.0, 37.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 30, 30)).save(
        buffer, "JPEG", exif=exif.tobytes(), xmp=b"<x:xmpmeta>GPSLatitude 0,29.7S</x:xmpmeta>"
    )
    return buffer.getvalue() + trailer


def geotagged_png() -> bytes:
    exif = Image.Exif()
    exif[GPS_IFD] = {1: "S", 2: (0.0, 29.0, 41.0)}
    buffer = io.BytesIO()
    image = Image.new("RGB", (32, 16), (10, 120, 10))
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Location", "-0.4948,117.1436")
    image.save(buffer, "PNG", exif=exif.tobytes(), pnginfo=info)
    return buffer.getvalue()


async def _upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    number: str,
    content: bytes,
    filename: str = "foto.jpg",
    *,
    keep_location: bool = False,
) -> httpx.Response:
    query = "?keep_location=true" if keep_location else ""
    return await client.post(
        url(number, "evidence") + query,
        content=files.multipart(content, filename, content_type="image/jpeg"),
        headers={**headers, "Content-Type": files.CONTENT_TYPE},
    )


def _stored(storage: LocalStorage, sha256: str) -> bytes:
    return (storage.root / key_for_sha256(sha256)).read_bytes()


class TestStripping:
    def test_jpeg_loses_gps_xmp_and_trailer_keeps_picture_and_orientation(
        self, tmp_path: Path
    ) -> None:
        source, target = tmp_path / "a.jpg", tmp_path / "b.jpg"
        source.write_bytes(geotagged_jpeg(6, trailer=b"\xff\xd8 second image GPS"))
        photos.strip_location(source, target, JPEG)
        cleaned = target.read_bytes()
        with Image.open(target) as image:
            image.load()
            assert image.size == (64, 48)
            assert dict(image.getexif()) == {0x0112: 6}
            assert image.getexif().get_ifd(GPS_IFD) == {}
            assert "xmp" not in image.info
        assert b"GPSLatitude" not in cleaned and b"Kamera Uji" not in cleaned
        assert cleaned.endswith(b"\xff\xd9")

    def test_upright_jpeg_keeps_no_exif_at_all(self, tmp_path: Path) -> None:
        source, target = tmp_path / "a.jpg", tmp_path / "b.jpg"
        source.write_bytes(geotagged_jpeg(1))
        photos.strip_location(source, target, JPEG)
        assert b"Exif\x00\x00" not in target.read_bytes()

    def test_png_loses_exif_and_text(self, tmp_path: Path) -> None:
        source, target = tmp_path / "a.png", tmp_path / "b.png"
        source.write_bytes(geotagged_png())
        photos.strip_location(source, target, PNG)
        with Image.open(target) as image:
            image.load()
            assert image.size == (32, 16)
            assert dict(image.getexif()) == {}
            assert "Location" not in image.info
        assert b"117.1436" not in target.read_bytes()

    @pytest.mark.parametrize(
        "data",
        [
            b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01",  # cut short
            b"\xff\xd8\xff" + b"not a jpeg at all" * 10,
        ],
    )
    def test_a_broken_jpeg_is_unreadable(self, tmp_path: Path, data: bytes) -> None:
        source = tmp_path / "a.jpg"
        source.write_bytes(data)
        with pytest.raises(photos.Unreadable):
            photos.strip_location(source, tmp_path / "b.jpg", JPEG)


class TestUpload:
    async def test_photo_is_stored_without_its_location(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        storage: LocalStorage,
        world: World,
        login_as: LoginAs,
    ) -> None:
        coordinator = await login_as(world.coordinator)
        number = (await file(anon_client, coordinator))["number"]
        original = geotagged_jpeg()
        response = await _upload(anon_client, coordinator, number, original)
        assert response.status_code == 201, response.text
        uploaded = response.json()["file"]
        assert (uploaded["name"], uploaded["location_kept"]) == ("foto.jpg", False)
        row = await session.scalar(select(IncidentFile).where(IncidentFile.id == uploaded["id"]))
        assert row is not None
        assert row.blob_sha256 != hashlib.sha256(original).hexdigest()
        stored = _stored(storage, row.blob_sha256)
        assert (
            stored
            == (
                await anon_client.get(uploaded["url"].removeprefix(""), headers=coordinator)
            ).content
        )
        with Image.open(io.BytesIO(stored)) as image:
            assert image.getexif().get_ifd(GPS_IFD) == {}
        # Nothing of the upload is left in staging.
        assert not list(storage.staging_dir.iterdir())
        shown = (await anon_client.get(url(number), headers=coordinator)).json()
        assert [f["id"] for f in shown["files"]] == [uploaded["id"]]
        assert shown["timeline"][-1]["kind"] == "file"
        audit = await session.scalar(
            select(AuditEvent).where(AuditEvent.action == "incident.evidence_upload")
        )
        assert audit is not None and audit.entity_id == number
        assert audit.after is not None and audit.after["file"]["location_kept"] is False

    async def test_reporter_may_keep_the_location(
        self,
        anon_client: httpx.AsyncClient,
        storage: LocalStorage,
        world: World,
        login_as: LoginAs,
    ) -> None:
        coordinator = await login_as(world.coordinator)
        number = (await file(anon_client, coordinator))["number"]
        original = geotagged_jpeg()
        response = await _upload(anon_client, coordinator, number, original, keep_location=True)
        assert response.status_code == 201, response.text
        assert response.json()["file"]["location_kept"] is True
        assert _stored(storage, hashlib.sha256(original).hexdigest()) == original

    @pytest.mark.parametrize(
        ("content", "name"),
        [(files.pe(), "foto.jpg"), (files.html(), "laporan.pdf"), (files.plain_zip(), "a.docx")],
    )
    async def test_disguised_files_are_refused_and_nothing_stored(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        storage: LocalStorage,
        world: World,
        login_as: LoginAs,
        content: bytes,
        name: str,
    ) -> None:
        coordinator = await login_as(world.coordinator)
        number = (await file(anon_client, coordinator))["number"]
        response = await _upload(anon_client, coordinator, number, content, name)
        assert_error(response, 415, "unsupported_media_type")
        assert await session.scalar(select(func.count()).select_from(IncidentFile)) == 0
        assert await session.scalar(select(func.count()).select_from(EvidenceBlob)) == 0
        assert [p for p in storage.root.rglob("*") if p.is_file()] == []

    async def test_broken_photo_is_refused(
        self, anon_client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        coordinator = await login_as(world.coordinator)
        number = (await file(anon_client, coordinator))["number"]
        response = await _upload(anon_client, coordinator, number, b"\xff\xd8\xff" + b"x" * 50)
        assert_error(response, 422, "unreadable_image")

    async def test_documents_duplicates_and_closed_incidents(
        self, anon_client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        coordinator = await login_as(world.coordinator)
        number = (await file(anon_client, coordinator))["number"]
        pdf = files.pdf("berita acara")
        assert (await _upload(anon_client, coordinator, number, pdf, "ba.pdf")).status_code == 201
        assert_error(
            await _upload(anon_client, coordinator, number, pdf, "ba.pdf"),
            409,
            "duplicate_evidence",
        )
        for state in ("acknowledged", "handling", "resolved", "closed"):
            await step(anon_client, coordinator, number, state)
        assert_error(
            await _upload(anon_client, coordinator, number, files.pdf("lain"), "x.pdf"),
            409,
            "invalid_state",
        )

    async def test_who_may_attach(
        self, anon_client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        number = (await file(anon_client, await login_as(world.coordinator)))["number"]
        verifier = await login_as(world.verifier)
        assert (
            await _upload(anon_client, verifier, number, files.pdf("provinsi"), "p.pdf")
        ).status_code == 201
        assert_error(
            await _upload(anon_client, await login_as(world.viewer), number, files.pdf("v")),
            403,
            "forbidden",
        )
        assert_error(
            await _upload(
                anon_client, await login_as(world.foreign_coordinator), number, files.pdf("f")
            ),
            404,
            "incident_not_found",
        )


async def test_download_only_in_scope(
    anon_client: httpx.AsyncClient, world: World, login_as: LoginAs
) -> None:
    coordinator = await login_as(world.coordinator)
    number = (await file(anon_client, coordinator))["number"]
    uploaded = (await _upload(anon_client, coordinator, number, geotagged_jpeg())).json()["file"]
    viewer = await anon_client.get(uploaded["url"], headers=await login_as(world.viewer))
    assert viewer.status_code == 200
    assert viewer.headers["content-type"] == "image/jpeg"
    assert viewer.headers["x-content-type-options"] == "nosniff"
    inline = await anon_client.get(uploaded["url"] + "?inline=true", headers=coordinator)
    assert inline.headers["content-disposition"].startswith("inline")
    assert_error(
        await anon_client.get(uploaded["url"], headers=await login_as(world.foreign_coordinator)),
        404,
        "incident_not_found",
    )
    other = (await file(anon_client, coordinator))["number"]
    wrong = f"{url(other)}/evidence/{uploaded['id']}"
    assert_error(await anon_client.get(wrong, headers=coordinator), 404, "incident_file_not_found")


async def test_shared_blob_survives_an_answers_file_removal(
    session: AsyncSession,
    storage: LocalStorage,
    anon_client: httpx.AsyncClient,
    world: World,
    login_as: LoginAs,
) -> None:
    """An answer and an incident may hold the same content (one blob): removing the
    answer's file keeps the blob, and its object, for the incident."""
    coordinator = await login_as(world.coordinator)
    number = (await file(anon_client, coordinator))["number"]
    pdf = files.pdf("bersama")
    uploaded = (await _upload(anon_client, coordinator, number, pdf, "ba.pdf")).json()["file"]
    sha = hashlib.sha256(pdf).hexdigest()
    kesbangpol = await session.scalar(select(AgencyType).where(AgencyType.code == "kesbangpol"))
    framework = await create_framework(
        session, dimensions=1, indicators_per_dimension=1, agency_type=kesbangpol
    )
    period = await create_period(
        session,
        framework=framework,
        code="2024-Q1",
        start_date=date(2024, 1, 1),
        end_date=date(2024, 3, 31),
        deadline=date(2099, 1, 10),
        state=PeriodState.OPEN,
    )
    indicator = await session.scalar(
        select(Indicator).where(Indicator.framework_id == framework.id)
    )
    assert indicator is not None
    answer = Submission(
        period_id=period.id, region_id=world.city.id, indicator_id=indicator.id, value=1
    )
    session.add(answer)
    await session.flush()
    evidence = EvidenceFile(
        id=str(uuid.uuid4()),
        submission_id=answer.id,
        blob_sha256=sha,
        original_name="ba.pdf",
        content_type="application/pdf",
        size=len(pdf),
    )
    session.add(evidence)
    await session.flush()
    deleted = await anon_client.delete(
        f"{API}/evidence/{evidence.id}", headers=await login_as(world.operator)
    )
    assert deleted.status_code == 204, deleted.text
    assert await session.get(EvidenceBlob, sha, populate_existing=True) is not None
    again = await anon_client.get(uploaded["url"], headers=coordinator)
    assert again.status_code == 200 and again.content == pdf
