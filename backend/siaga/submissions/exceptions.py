from __future__ import annotations

from siaga.core.errors import AppError, Conflict, NotFound


class AnswerNotFound(NotFound):
    code = "answer_not_found"
    message = "Jawaban tidak ditemukan (answer not found)"


class PeriodNotOpen(Conflict):
    code = "period_not_open"
    message = "Periode tidak sedang dibuka; jawaban tidak dapat diubah (period is not open)"


class InvalidTransition(Conflict):
    code = "invalid_state"


class EvidenceMissing(Conflict):
    code = "evidence_required"
    message = (
        "Indikator ini mewajibkan bukti dukung: unggah minimal satu berkas sebelum mengirim "
        "(this indicator requires at least one evidence file)"
    )


class PreconditionRequired(AppError):
    status_code = 428
    code = "precondition_required"
    message = (
        "Kirim header If-Match berisi ETag jawaban untuk mengubahnya "
        "(send If-Match with the answer's ETag)"
    )


class PreconditionFailed(AppError):
    status_code = 412
    code = "precondition_failed"
    message = (
        "Jawaban telah diubah orang lain; muat ulang lalu coba lagi "
        "(the answer changed since you read it)"
    )


class CreatedConcurrently(Conflict):
    # A lost race, not a forgotten If-Match: the answer did not exist when the request
    # arrived, so the client could not have sent its ETag.
    code = "created_concurrently"
    message = (
        "Jawaban ini baru saja dibuat oleh permintaan lain; muat ulang lalu ubah dengan "
        "If-Match (the answer was created by another request meanwhile; reload it and send "
        "If-Match)"
    )


class CopiedConcurrently(Conflict):
    code = "copied_concurrently"
    message = (
        "Jawaban periode ini baru saja dibuat oleh permintaan lain yang berjalan bersamaan; "
        "tidak ada yang disalin (another request created this period's answers meanwhile; "
        "nothing was copied)"
    )
