from __future__ import annotations

from siaga.auth.exceptions import AuditedRefusal, Forbidden
from siaga.core.errors import AppError, Conflict, InvalidInput, NotFound
from siaga.submissions.workflow import Problem


class AnswerNotFound(NotFound):
    code = "answer_not_found"
    message = "Jawaban tidak ditemukan (answer not found)"


class PeriodNotOpen(Conflict):
    code = "period_not_open"
    message = "Periode tidak sedang dibuka; jawaban tidak dapat diubah (period is not open)"


class ReportAccepted(Conflict):
    code = "report_accepted"
    message = (
        "Laporan Pemda periode ini sudah diterima; jawabannya terkunci (the Pemda's report "
        "for this period is accepted; its answers are locked)"
    )


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


class OwnRegion(AuditedRefusal):
    """Separation of duties (workflow.check_separation): a review of an answer of the
    reviewer's own region, or of a region not below it."""

    code = "own_region"
    message = (
        "Jawaban wilayah Anda sendiri tidak dapat Anda verifikasi, kembalikan, atau buka "
        "kembali; jawaban ini diperiksa verifikator satu tingkat di atas (you may not review "
        "your own region's answers; a verifier one level up reviews them)"
    )


def http_error(
    problem: Problem, indicator_code: str | None = None, *, answer: str | None = None
) -> AppError:
    """The contract's error for a workflow refusal: the same status and code on every
    route (the import turns the same Problem into a row error instead). `answer` is the
    answer's label, which a refusal that is audited names."""
    if problem.code == "forbidden":
        return Forbidden()
    if problem.code == "own_region":
        region = problem.details.get("region")
        return OwnRegion(
            entity_type="submission",
            entity_id=answer or str(region),
            region_code=region,
            details=[{"region": region, "scope": problem.details.get("scope")}],
        )
    if problem.code == "evidence_required":
        return EvidenceMissing()
    if problem.code == "report_accepted":
        return ReportAccepted()
    if problem.code == "invalid_state":
        return InvalidTransition(problem.message, details=[dict(problem.details)])
    if problem.code == "value_required":
        return InvalidInput(
            problem.message, details=[{"field": "value", "message": "required to submit"}]
        )
    if problem.code == "invalid_value":
        return InvalidInput(
            f"Nilai tidak sah untuk indikator {indicator_code}: {problem.message}",
            details=[{"field": problem.field, "message": problem.message_en, **problem.details}],
        )
    return InvalidInput(
        problem.message, details=[{"field": problem.field, "message": problem.message_en}]
    )
