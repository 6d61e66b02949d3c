"""Evidence shown in the browser: inline files may be framed by our own pages only and run
nothing; PDFs are drawn as page images that any screen shows."""

from __future__ import annotations

import io

import httpx
import pytest
from PIL import Image

from siaga.core.storage import LocalStorage
from siaga.evidence import preview
from tests.evidence import files
from tests.evidence.conftest import (
    Headers,
    LoginAs,
    World,
    create_draft,
    stored_files,
    upload,
)
from tests.helpers import API, assert_error

NO_SUCH_ID = "00000000-0000-4000-8000-000000000000"


async def _attach(
    client: httpx.AsyncClient,
    world: World,
    headers: Headers,
    content: bytes,
    name: str,
    content_type: str = "application/pdf",
) -> str:
    response = await upload(
        client, world.upload_url(), headers, content, name, content_type=content_type
    )
    assert response.status_code == 201, response.text
    url: str = response.json()["evidence"]["url"]
    return url


@pytest.fixture
async def pdf_url(anon_client: httpx.AsyncClient, world: World, operator_headers: Headers) -> str:
    await create_draft(anon_client, world, operator_headers)
    return await _attach(
        anon_client, world, operator_headers, files.drawn_pdf(3, "pv"), "Notulen rapat.pdf"
    )


def _csp(response: httpx.Response) -> dict[str, str]:
    policy = response.headers["content-security-policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in policy.split(";")
        if part.strip()
    }


class TestInlineHeaders:
    async def test_inline_pdf_may_be_framed_by_our_pages_only_and_runs_nothing(
        self, anon_client: httpx.AsyncClient, pdf_url: str, operator_headers: Headers
    ) -> None:
        response = await anon_client.get(
            pdf_url, params={"inline": "true"}, headers=operator_headers
        )
        assert response.status_code == 200
        assert response.headers["content-disposition"].startswith("inline; ")
        assert response.headers["content-type"] == "application/pdf"
        csp = _csp(response)
        assert csp["frame-ancestors"] == "'self'"
        assert csp["default-src"] == "'none'"
        assert "script-src" not in csp  # nothing loosens default-src 'none'
        # No sandbox: Chromium's PDF viewer never finishes loading in a sandboxed document.
        assert "sandbox" not in csp
        assert response.headers["x-frame-options"] == "SAMEORIGIN"
        assert response.headers["x-content-type-options"] == "nosniff"

    async def test_inline_image_has_the_same_policy(
        self,
        anon_client: httpx.AsyncClient,
        world: World,
        operator_headers: Headers,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        url = await _attach(
            anon_client, world, operator_headers, files.png("i"), "foto.png", "image/png"
        )
        response = await anon_client.get(url, params={"inline": "true"}, headers=operator_headers)
        assert response.headers["content-type"] == "image/png"
        assert _csp(response)["frame-ancestors"] == "'self'"
        assert response.headers["x-frame-options"] == "SAMEORIGIN"

    async def test_download_and_office_files_asked_inline_keep_deny(
        self,
        anon_client: httpx.AsyncClient,
        world: World,
        pdf_url: str,
        operator_headers: Headers,
    ) -> None:
        office = await _attach(
            anon_client,
            world,
            operator_headers,
            files.docx("h"),
            "surat.docx",
            "application/octet-stream",
        )
        asked_inline = await anon_client.get(
            office, params={"inline": "true"}, headers=operator_headers
        )
        download = await anon_client.get(pdf_url, headers=operator_headers)
        for response in (asked_inline, download):
            assert response.headers["content-disposition"].startswith("attachment; ")
            csp = _csp(response)
            assert "sandbox" in csp
            assert csp["frame-ancestors"] == "'none'"
            assert response.headers["x-frame-options"] == "DENY"

    async def test_every_other_response_keeps_deny(
        self, anon_client: httpx.AsyncClient, pdf_url: str, operator_headers: Headers
    ) -> None:
        for response in (
            await anon_client.get(f"{API}/healthz"),
            await anon_client.get(f"{API}/auth/me", headers=operator_headers),
            await anon_client.get(f"{pdf_url}/pages", headers=operator_headers),
            await anon_client.get(f"{pdf_url}/pages/1", headers=operator_headers),
            await anon_client.get(f"{API}/evidence/{NO_SUCH_ID}", headers=operator_headers),
            await anon_client.get("/"),
        ):
            assert response.headers["x-frame-options"] == "DENY", response.url
            assert _csp(response)["frame-ancestors"] == "'none'", response.url


class TestPages:
    async def test_count(
        self, anon_client: httpx.AsyncClient, pdf_url: str, operator_headers: Headers
    ) -> None:
        response = await anon_client.get(f"{pdf_url}/pages", headers=operator_headers)
        assert response.status_code == 200
        assert response.json() == {"count": 3}

    async def test_page_is_a_png_of_the_page(
        self, anon_client: httpx.AsyncClient, pdf_url: str, operator_headers: Headers
    ) -> None:
        response = await anon_client.get(f"{pdf_url}/pages/2", headers=operator_headers)
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/png"
        assert response.headers["x-page-count"] == "3"
        assert _csp(response)["default-src"] == "'none'"
        assert response.headers["cache-control"].startswith("private")
        image = Image.open(io.BytesIO(response.content)).convert("RGB")
        # A 200 x 100 pt page is enlarged (never past MAX_SCALE) and keeps its shape.
        assert image.size == (600, 300)
        # The black box of the left half, white paper on the right.
        assert image.getpixel((150, 150)) == (0, 0, 0)
        assert image.getpixel((450, 150)) == (255, 255, 255)

    async def test_large_page_is_bounded_in_pixels(
        self, anon_client: httpx.AsyncClient, world: World, operator_headers: Headers
    ) -> None:
        # A page of 200 x 100 metres claims a bitmap of terapixels at print size.
        huge = files.drawn_pdf(1, "big").replace(b"[0 0 200 100]", b"[0 0 14400 7200]")
        await create_draft(anon_client, world, operator_headers)
        url = await _attach(anon_client, world, operator_headers, huge, "besar.pdf")
        response = await anon_client.get(f"{url}/pages/1", headers=operator_headers)
        assert response.status_code == 200
        width, height = Image.open(io.BytesIO(response.content)).size
        assert width <= preview.MAX_WIDTH and height <= preview.MAX_HEIGHT
        assert width == preview.MAX_WIDTH

    @pytest.mark.parametrize("page", ["0", "4", "-1", "x", "100001"])
    async def test_bad_page_numbers(
        self, anon_client: httpx.AsyncClient, pdf_url: str, operator_headers: Headers, page: str
    ) -> None:
        response = await anon_client.get(f"{pdf_url}/pages/{page}", headers=operator_headers)
        if page == "4":
            error = assert_error(response, 404, "evidence_page_not_found")
            assert error["details"] == [{"page": 4, "pages": 3}]
        else:
            assert_error(response, 422, "invalid_input")

    async def test_not_a_pdf_has_no_pages(
        self, anon_client: httpx.AsyncClient, world: World, operator_headers: Headers
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        url = await _attach(
            anon_client, world, operator_headers, files.jpeg("p"), "foto.jpg", "image/jpeg"
        )
        for path in ("/pages", "/pages/1"):
            response = await anon_client.get(url + path, headers=operator_headers)
            assert_error(response, 404, "evidence_preview_unavailable")

    async def test_pdf_pdfium_cannot_read_is_404_not_500(
        self, anon_client: httpx.AsyncClient, world: World, operator_headers: Headers
    ) -> None:
        # Starts like a PDF (so it was accepted), but holds no document.
        await create_draft(anon_client, world, operator_headers)
        url = await _attach(
            anon_client, world, operator_headers, b"%PDF-1.4\n" + b"\x00" * 64, "x.pdf"
        )
        for path in ("/pages", "/pages/1"):
            response = await anon_client.get(url + path, headers=operator_headers)
            assert_error(response, 404, "evidence_preview_unavailable")

    async def test_lost_object_is_404_not_500(
        self,
        anon_client: httpx.AsyncClient,
        storage: LocalStorage,
        pdf_url: str,
        operator_headers: Headers,
    ) -> None:
        for path in stored_files(storage):
            path.unlink()
        response = await anon_client.get(f"{pdf_url}/pages/1", headers=operator_headers)
        assert_error(response, 404, "evidence_content_missing")

    async def test_scope(
        self,
        anon_client: httpx.AsyncClient,
        world: World,
        pdf_url: str,
        login_as: LoginAs,
    ) -> None:
        assert_error(await anon_client.get(f"{pdf_url}/pages"), 401, "not_authenticated")
        for user in (world.viewer, world.verifier, world.colleague):
            response = await anon_client.get(f"{pdf_url}/pages/1", headers=await login_as(user))
            assert response.status_code == 200, user.username
        for user in (world.foreign_operator, world.other_agency_operator, world.foreign_viewer):
            headers = await login_as(user)
            for path in ("/pages", "/pages/1"):
                response = await anon_client.get(pdf_url + path, headers=headers)
                assert_error(response, 404, "evidence_not_found")
        missing = await anon_client.get(
            f"{API}/evidence/{NO_SUCH_ID}/pages", headers=await login_as(world.viewer)
        )
        assert_error(missing, 404, "evidence_not_found")
