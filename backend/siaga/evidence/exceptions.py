from __future__ import annotations

from siaga.core.errors import Conflict, NotFound
from siaga.core.uploads import StorageFull


class EvidenceNotFound(NotFound):
    code = "evidence_not_found"
    message = "Berkas bukti tidak ditemukan (evidence not found)"


class EvidenceContentMissing(NotFound):
    code = "evidence_content_missing"
    message = (
        "Isi berkas bukti tidak ada di penyimpanan; hubungi administrator "
        "(the stored file is missing)"
    )


class DuplicateEvidence(Conflict):
    code = "duplicate_evidence"
    message = (
        "Berkas yang sama sudah dilampirkan pada jawaban ini "
        "(this file is already attached to the answer)"
    )


class TooManyFiles(Conflict):
    code = "too_many_files"

    def __init__(self, limit: int, *, holder: tuple[str, str] = ("Satu jawaban", "an answer")):
        """`holder`: what holds the files, in Indonesian and English."""
        super().__init__(
            f"{holder[0]} paling banyak memuat {limit} berkas bukti "
            f"({holder[1]} holds at most {limit} evidence files)",
            details=[{"limit": limit}],
        )


class EvidenceStorageFull(StorageFull):
    message = (
        "Penyimpanan berkas bukti penuh; berkas tidak disimpan, coba lagi nanti atau "
        "hubungi administrator (evidence storage is full; the file was not stored)"
    )


class PreviewUnavailable(NotFound):
    code = "evidence_preview_unavailable"
    message = (
        "Pratinjau tidak tersedia untuk berkas ini; unduh berkasnya "
        "(no preview for this file: download it)"
    )


class PageNotFound(NotFound):
    code = "evidence_page_not_found"

    def __init__(self, page: int, pages: int) -> None:
        super().__init__(
            f"Halaman {page} tidak ada; berkas ini {pages} halaman "
            f"(page {page} does not exist: the file has {pages} pages)",
            details=[{"page": page, "pages": pages}],
        )
