"""PDF evidence shown as pictures of its pages, rendered here with PDFium.

Why not the browser's own viewer in a frame: phones do not show a PDF inside a page
(Android's Chrome offers a download, Safari shows a first page that cannot scroll), and a
framed viewer must be allowed to run in a document of ours. A PNG shows on every screen,
runs nothing, and needs no exception to the framing rules. The PDF itself stays
available, inline in a tab of its own and as a download.

PDFium is not thread-safe: every call into it holds one lock per process, so a process
renders one page at a time. Page images are bounded in pixels whatever size the page
claims, so a crafted page cannot make a bitmap of gigabytes.
"""

from __future__ import annotations

import io
import logging
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, TypeVar

import pypdfium2 as pdfium
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from siaga.core.filetypes import PDF
from siaga.core.security import Principal
from siaga.core.storage import ObjectMissing, Storage
from siaga.evidence import repository
from siaga.evidence.exceptions import (
    EvidenceContentMissing,
    EvidenceNotFound,
    PageNotFound,
    PreviewUnavailable,
)
from siaga.submissions import service as answers
from siaga.submissions.exceptions import AnswerNotFound
from siaga.submissions.service import Keys

logger = logging.getLogger(__name__)

# A4 at 150 dpi: sharp on a phone's 3x screen at 390 px, readable on a desktop.
MAX_WIDTH = 1240
MAX_HEIGHT = 1754
# Never enlarge a small page (a receipt) beyond this, it would only blur.
MAX_SCALE = 3.0
# Files this small are read into memory; larger ones go through a temporary file.
_IN_MEMORY = 4 * 1024 * 1024
_PDFIUM = threading.Lock()

T = TypeVar("T")


@dataclass(frozen=True)
class PageImage:
    png: bytes
    page: int
    pages: int


async def _pdf_key(session: AsyncSession, principal: Principal, evidence_id: str) -> str:
    """The storage key of a PDF evidence file the caller may read."""
    row = await repository.get_file_with_answer(session, evidence_id)
    if row is None:
        raise EvidenceNotFound()
    file, storage_key, period, region, indicator = row
    try:
        await answers.load(
            session, principal, Keys(period=period, region=region, indicator=indicator)
        )
    except AnswerNotFound:
        # Outside the caller's scope: indistinguishable from a file that never existed.
        raise EvidenceNotFound() from None
    if file.content_type != PDF.content_type:
        raise PreviewUnavailable()
    return str(storage_key)


def _spooled(chunks: Iterator[bytes]) -> IO[bytes]:
    handle = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY)  # noqa: SIM115 - returned
    for chunk in chunks:
        handle.write(chunk)
    handle.seek(0)
    return handle


def _open(storage: Storage, key: str) -> IO[bytes]:
    try:
        return _spooled(storage.open_chunks(key))
    except ObjectMissing:
        logger.error("evidence preview: stored object %s is missing", key)
        raise EvidenceContentMissing() from None


def _scale(width: float, height: float) -> float:
    if width <= 0 or height <= 0:
        raise PreviewUnavailable()
    return min(MAX_WIDTH / width, MAX_HEIGHT / height, MAX_SCALE)


def _count(handle: IO[bytes]) -> int:
    with _PDFIUM:
        try:
            document = pdfium.PdfDocument(handle)
        except pdfium.PdfiumError as exc:
            # Encrypted or damaged: the browser may still manage, the download stays.
            logger.info("evidence preview: PDFium cannot open the file: %s", exc)
            raise PreviewUnavailable() from None
        try:
            return len(document)
        finally:
            document.close()


def _render(handle: IO[bytes], page_number: int) -> PageImage:
    with _PDFIUM:
        try:
            document = pdfium.PdfDocument(handle)
        except pdfium.PdfiumError as exc:
            logger.info("evidence preview: PDFium cannot open the file: %s", exc)
            raise PreviewUnavailable() from None
        try:
            pages = len(document)
            if not 1 <= page_number <= pages:
                raise PageNotFound(page_number, pages)
            page = document[page_number - 1]
            try:
                width, height = page.get_size()
                bitmap = page.render(scale=_scale(width, height), may_draw_forms=True)
                image = bitmap.to_pil()
            except pdfium.PdfiumError as exc:
                logger.info("evidence preview: PDFium cannot draw page %d: %s", page_number, exc)
                raise PreviewUnavailable() from None
            finally:
                page.close()
        finally:
            document.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return PageImage(png=buffer.getvalue(), page=page_number, pages=pages)


def _with_file(storage: Storage, key: str, work: Callable[[IO[bytes]], T]) -> T:
    handle = _open(storage, key)
    try:
        return work(handle)
    finally:
        handle.close()


async def page_count(
    session: AsyncSession, storage: Storage, principal: Principal, evidence_id: str
) -> int:
    """How many pages the PDF has; 404 for other types and files PDFium cannot read."""
    key = await _pdf_key(session, principal, evidence_id)
    return await run_in_threadpool(_with_file, storage, key, _count)


async def page_image(
    session: AsyncSession,
    storage: Storage,
    principal: Principal,
    evidence_id: str,
    page: int,
) -> PageImage:
    """One page of the PDF as a PNG (1-based page numbers)."""
    key = await _pdf_key(session, principal, evidence_id)
    return await run_in_threadpool(_with_file, storage, key, lambda h: _render(h, page))
