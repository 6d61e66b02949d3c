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
