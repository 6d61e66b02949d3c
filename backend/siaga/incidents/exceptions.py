from __future__ import annotations

from siaga.auth.exceptions import AuditedRefusal, Forbidden
from siaga.core.errors import AppError, Conflict, InvalidInput, NotFound
from siaga.submissions.workflow import Problem


class IncidentNotFound(NotFound):
    code = "incident_not_found"
    message = "Laporan cepat tidak ditemukan (incident not found)"


class IncidentFileNotFound(NotFound):
    code = "incident_file_not_found"
    message = "Berkas laporan cepat tidak ditemukan (incident file not found)"


class IncidentFileContentMissing(NotFound):
    code = "evidence_content_missing"
    message = (
        "Isi berkas tidak ada di penyimpanan; hubungi administrator (the stored file is missing)"
    )


class EscalatedAbove(AuditedRefusal):
    code = "escalated_above"


class IncidentInvalidState(Conflict):
    code = "invalid_state"


class EscalationAtTop(Conflict):
    code = "escalation_at_top"


class DuplicateIncidentFile(Conflict):
    code = "duplicate_evidence"
    message = (
        "Berkas yang sama sudah dilampirkan pada laporan cepat ini "
        "(this file is already attached to the incident)"
    )


class TooManyIncidentFiles(Conflict):
    code = "too_many_files"

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"Satu laporan cepat paling banyak memuat {limit} berkas "
            f"(an incident holds at most {limit} files)",
            details=[{"limit": limit}],
        )


class UnreadableImage(InvalidInput):
    code = "unreadable_image"
    message = (
        "Foto tidak dapat dibaca; unggah ulang dari galeri atau kamera "
        "(the photo cannot be read; upload it again)"
    )


class InvalidRegion(InvalidInput):
    code = "invalid_region"


class LocationIncomplete(InvalidInput):
    code = "location_incomplete"


class LocationOutsideIndonesia(InvalidInput):
    code = "location_outside_indonesia"


class LocationOutsideRegion(InvalidInput):
    code = "location_outside_region"


class OccurredInFuture(InvalidInput):
    code = "occurred_in_future"


class OccurredTooEarly(InvalidInput):
    code = "occurred_too_early"


_INPUT: dict[str, type[InvalidInput]] = {
    "invalid_region": InvalidRegion,
    "location_incomplete": LocationIncomplete,
    "location_outside_indonesia": LocationOutsideIndonesia,
    "location_outside_region": LocationOutsideRegion,
    "occurred_in_future": OccurredInFuture,
    "occurred_too_early": OccurredTooEarly,
}
_CONFLICTS: dict[str, type[Conflict]] = {
    "invalid_state": IncidentInvalidState,
    "escalation_at_top": EscalationAtTop,
}


def http_error(problem: Problem, number: str | None, region: str | None) -> AppError:
    """The contract's error for a refusal of incidents.rules: 403 for who, 409 for the
    incident's state, 422 for what the caller sent (naming the field)."""
    message = problem.message
    if problem.code == "forbidden":
        return Forbidden(message)
    if problem.code == "escalated_above":
        return EscalatedAbove(
            message,
            entity_type="incident",
            entity_id=number or "",
            region_code=region,
            details=[dict(problem.details)],
        )
    if problem.code in _CONFLICTS:
        return _CONFLICTS[problem.code](message, details=[dict(problem.details)])
    error = _INPUT.get(problem.code, InvalidInput)
    return error(
        message,
        details=[{"field": problem.field, "message": problem.message_en, **problem.details}],
    )
