from __future__ import annotations

from siaga.auth.exceptions import AuditedRefusal, Forbidden
from siaga.core.errors import AppError, Conflict, InvalidInput, NotFound
from siaga.evidence.exceptions import DuplicateEvidence
from siaga.submissions.workflow import Problem


class ReportNotFound(NotFound):
    code = "report_not_found"
    message = "Laporan Pemda tidak ditemukan (report not found)"


class ReportPreconditionRequired(AppError):
    status_code = 428
    code = "precondition_required"
    message = (
        "Kirim header If-Match berisi ETag laporan untuk mengubahnya "
        "(send If-Match with the report's ETag)"
    )


class ReportPreconditionFailed(AppError):
    status_code = 412
    code = "precondition_failed"
    message = (
        "Laporan telah diubah orang lain; muat ulang lalu coba lagi "
        "(the report changed since you read it)"
    )


class ReportCreatedConcurrently(Conflict):
    code = "created_concurrently"
    message = (
        "Laporan ini baru saja dibuat oleh permintaan lain; muat ulang lalu ubah dengan "
        "If-Match (the report was created by another request meanwhile)"
    )


class ReportOwnRegion(AuditedRefusal):
    code = "own_region"


class NotOneLevelUp(AuditedRefusal):
    code = "not_one_level_up"


class ReportInvalidState(Conflict):
    code = "invalid_state"


class AnswersIncomplete(Conflict):
    code = "answers_incomplete"


class ReportsPending(Conflict):
    code = "reports_pending"


class ParentReportAccepted(Conflict):
    code = "parent_report_accepted"


class ReportIncomplete(InvalidInput):
    code = "report_incomplete"


_AUDITED: dict[str, type[AuditedRefusal]] = {
    "own_region": ReportOwnRegion,
    "not_one_level_up": NotOneLevelUp,
}
_CONFLICTS: dict[str, type[Conflict]] = {
    "invalid_state": ReportInvalidState,
    "parent_report_accepted": ParentReportAccepted,
}


def http_error(problem: Problem, label: str) -> AppError:
    """The contract's error for a refusal of reporting.rules: 403 for who, 409 for the
    report's or the answers' state, 422 for what the caller sent."""
    message = problem.message
    if problem.code == "forbidden":
        return Forbidden(message)
    if problem.code in _AUDITED:
        return _AUDITED[problem.code](
            message,
            entity_type="report",
            entity_id=label,
            region_code=problem.details.get("region"),
            details=[dict(problem.details)],
        )
    if problem.code == "answers_incomplete":
        return AnswersIncomplete(message, details=list(problem.details["missing"]))
    if problem.code == "reports_pending":
        return ReportsPending(message, details=list(problem.details["pending"]))
    if problem.code in _CONFLICTS:
        return _CONFLICTS[problem.code](message, details=[dict(problem.details)])
    if problem.code == "report_incomplete":
        return ReportIncomplete(
            message,
            details=[{"field": f, "message": "required"} for f in problem.details["missing"]],
        )
    return InvalidInput(message, details=[{"field": problem.field, "message": problem.message_en}])


class RecommendationNotFound(NotFound):
    code = "recommendation_not_found"
    message = "Rekomendasi tidak ditemukan (recommendation not found)"


class RecommendationPreconditionFailed(AppError):
    status_code = 412
    code = "precondition_failed"
    message = (
        "Rekomendasi telah diubah orang lain; muat ulang lalu coba lagi "
        "(the recommendation changed since you read it)"
    )


class DuplicateRecommendationEvidence(DuplicateEvidence):
    # The answers' code (duplicate_evidence), in the recommendation's words.
    message = (
        "Berkas yang sama sudah dilampirkan pada rekomendasi ini "
        "(this file is already attached to the recommendation)"
    )


class InvalidAgency(InvalidInput):
    code = "invalid_agency"


class DueBeforePeriod(InvalidInput):
    code = "due_before_period"


class FollowUpRequired(InvalidInput):
    code = "follow_up_required"


_RECOMMENDATION_INPUT: dict[str, type[InvalidInput]] = {
    "invalid_agency": InvalidAgency,
    "due_before_period": DueBeforePeriod,
    "follow_up_required": FollowUpRequired,
}


def recommendation_error(problem: Problem, label: str) -> AppError:
    """The contract's error for a refusal of reporting.recommendation_rules: 422 naming
    the field for what the caller sent, else as the report's refusals."""
    if problem.code in _RECOMMENDATION_INPUT:
        return _RECOMMENDATION_INPUT[problem.code](
            problem.message,
            details=[{"field": problem.field, "message": problem.message_en, **problem.details}],
        )
    return http_error(problem, label)
