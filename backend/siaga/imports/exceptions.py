from __future__ import annotations

from siaga.core.errors import AppError, Conflict, NotFound


class ImportFileInvalid(AppError):
    """The file as a whole cannot be imported: empty, wrong header, unreadable."""

    status_code = 422
    code = "import_file_invalid"
    message = "Berkas impor tidak sah (the import file is not valid)"


class UnsupportedImportFile(AppError):
    status_code = 415
    code = "unsupported_media_type"
    message = (
        "Jenis berkas tidak didukung; unggah CSV (UTF-8) atau XLSX "
        "(unsupported file type: CSV in UTF-8 or XLSX only)"
    )


class ImportNotFound(NotFound):
    code = "import_not_found"
    message = "Impor tidak ditemukan (import batch not found)"


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    message = (
        "Idempotency-Key ini sudah dipakai untuk berkas atau jenis impor lain "
        "(this Idempotency-Key was already used for another file or import kind)"
    )


class KindNotAllowed(AppError):
    status_code = 403
    code = "forbidden"
    message = (
        "Hanya administrator nasional yang dapat mengimpor indikator "
        "(only a national administrator may import indicators)"
    )
