from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from siaga.core.errors import AppError, Conflict, NotFound


class ImportFileInvalid(AppError):
    """The file as a whole cannot be imported: empty, wrong header, unreadable."""

    status_code = 422
    code = "import_file_invalid"
    message = "Berkas impor tidak sah (the import file is not valid)"


def file_invalid(message_id: str, message_en: str, **detail: Any) -> ImportFileInvalid:
    return ImportFileInvalid(
        f"{message_id} ({message_en})",
        details=[{"message": message_id, "message_en": message_en, **detail}],
    )


def _id_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # Indonesian groups thousands with a dot


@dataclass(frozen=True)
class Limit:
    """One bound on what an import file may hold, named in both languages for the error."""

    key: str
    maximum: int
    what_id: str
    what_en: str

    def check(self, found: int) -> None:
        if found > self.maximum:
            raise ImportTooLarge(self, found)


class ImportTooLarge(AppError):
    """The file is within the upload limit but holds more than one import may read."""

    status_code = 413
    code = "import_too_large"
    message = "Isi berkas impor melebihi batas (the import file holds more than allowed)"

    def __init__(self, limit: Limit, found: int) -> None:
        message_id = f"{limit.what_id} melebihi batas {_id_number(limit.maximum)}"
        message_en = f"{limit.what_en} exceeds the limit of {limit.maximum:,}"
        super().__init__(
            f"Isi berkas impor terlalu besar: {message_id} "
            f"(the import file holds too much: {message_en})",
            details=[
                {
                    "limit": limit.key,
                    "maximum": limit.maximum,
                    "found": found,
                    "message": message_id,
                    "message_en": message_en,
                }
            ],
        )


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


# Seconds a client is asked to wait before sending an import again after a 409 below.
IMPORT_RETRY_AFTER = 5


class ImportInProgress(Conflict):
    """The same caller's import under this Idempotency-Key has not finished yet."""

    code = "import_in_progress"
    message = (
        "Impor dengan Idempotency-Key ini masih berjalan; kirim ulang sebentar lagi untuk "
        "mendapatkan hasilnya (an import with this Idempotency-Key is still running; send "
        "it again shortly to get its result)"
    )

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": str(IMPORT_RETRY_AFTER)})


class ImportConflict(Conflict):
    """Another transaction wrote the same rows while this import ran (a unique key clash)."""

    code = "import_conflict"
    message = (
        "Data yang sama diubah oleh impor atau pengguna lain selama impor ini berjalan; "
        "tidak ada yang diimpor, kirim ulang berkasnya (the same data was changed by another "
        "import or user while this import ran; nothing was imported, send the file again)"
    )

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": str(IMPORT_RETRY_AFTER)})
