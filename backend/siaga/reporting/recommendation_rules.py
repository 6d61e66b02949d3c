"""The rules of a report's recommendations, pure like reporting/rules.py (no database,
no HTTP, no clock).

- Who makes them: whoever writes the report (rules.may_write: the Pemda's coordinator,
  an administrator over it), while the report is a draft or returned and its period
  open: a recommendation is part of what the Pemda sends up.
- Who follows them up (status and note): the same, and the operators of the responsible
  agency, who do the work and report on it. Nobody else; never an API key. Follow-up
  goes on whatever the report's state or the period's: it happens after the report is
  accepted, often in the next period.
- Status: open, in_progress, done, in any order, except that leaving done (reopening)
  needs a note saying why in the same request, and done needs a note saying what was
  done (the note sent or the one already there).
- Evidence files (the letter, minutes, photos of what was done): attached by whoever
  follows up, in any status and whatever the report's state, like the note. Removed by
  them too, but not while the recommendation is done: its files are then the proof the
  Pemda's report and the level above rely on, so taking one away means reopening first,
  with a note saying why (an audited change of status, not a silent deletion).
- Overdue: not done and past the due date, the due day ending at midnight in the
  Pemda's zone (as deadlines do). Lists compute it in SQL with `local_today`.
- Carried: a recommendation not done carries into the Pemda's later reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from siaga.core.roles import Role
from siaga.models import RecommendationStatus
from siaga.reporting.rules import Caller, may_write
from siaga.submissions.workflow import Problem

OPEN = RecommendationStatus.OPEN
IN_PROGRESS = RecommendationStatus.IN_PROGRESS
DONE = RecommendationStatus.DONE

TEXT_MAX_LENGTH = 2_000
FOLLOW_UP_MAX_LENGTH = 4_000


@dataclass(frozen=True, slots=True)
class FollowUp:
    status: RecommendationStatus
    follow_up: str
    done_at: datetime | None = None


def may_create(caller: Caller, region: str) -> bool:
    return may_write(caller, region)


def may_follow_up(
    caller: Caller, region: str, caller_agency_id: int | None, agency_id: int
) -> bool:
    if may_write(caller, region):
        return True
    return caller.role == Role.OPERATOR and caller_agency_id == agency_id


def forbidden() -> Problem:
    return Problem(
        "forbidden",
        None,
        "Hanya koordinator Pemda atau operator perangkat daerah penanggung jawab yang dapat "
        "menindaklanjuti rekomendasi ini",
        "only the Pemda's coordinator or the responsible agency's operators may follow up "
        "this recommendation",
    )


def check_agency(found: bool, code: str) -> Problem | None:
    """`found`: the agency is an active agency of the report's Pemda."""
    if found:
        return None
    return Problem(
        "invalid_agency",
        "agency",
        "Perangkat daerah penanggung jawab harus perangkat daerah aktif Pemda ini",
        "the responsible agency must be an active agency of this Pemda",
        {"agency": code},
    )


def check_due(due_on: date, period_start: date) -> Problem | None:
    if due_on >= period_start:
        return None
    return Problem(
        "due_before_period",
        "due_on",
        f"Tenggat tidak boleh sebelum awal periode ({period_start.isoformat()})",
        f"the due date may not be before the period starts ({period_start.isoformat()})",
        {"due_on": due_on.isoformat(), "period_start": period_start.isoformat()},
    )


def check_evidence_removal(status: RecommendationStatus) -> Problem | None:
    if status != DONE:
        return None
    return Problem(
        "invalid_state",
        None,
        "Bukti rekomendasi yang sudah selesai tidak dapat dihapus; buka kembali "
        "rekomendasinya dengan catatan mengapa, lalu hapus berkasnya",
        "the evidence of a done recommendation cannot be removed; reopen it with a note "
        "saying why first",
        {"status": status.value},
    )


def _note_required(message_id: str, message_en: str) -> Problem:
    return Problem("follow_up_required", "follow_up", message_id, message_en)


def check_change(
    before: FollowUp, status: RecommendationStatus | None, note: str | None
) -> Problem | None:
    """None when the change is allowed: `status` and `note` as sent (None: unchanged)."""
    target = before.status if status is None else status
    if before.status == DONE and target != DONE and not (note or "").strip():
        return _note_required(
            "Tuliskan catatan tindak lanjut mengapa rekomendasi yang selesai dibuka kembali",
            "reopening a done recommendation needs a follow-up note saying why",
        )
    after_note = before.follow_up if note is None else note
    if target == DONE and not after_note.strip():
        return _note_required(
            "Tuliskan catatan tindak lanjut tentang apa yang telah dilakukan",
            "a done recommendation needs a follow-up note saying what was done",
        )
    return None


def take(
    before: FollowUp, status: RecommendationStatus | None, note: str | None, now: datetime
) -> FollowUp:
    """The follow-up after the change (already allowed by check_change)."""
    target = before.status if status is None else status
    done_at = before.done_at
    if target == DONE and before.status != DONE:
        done_at = now
    elif target != DONE:
        done_at = None
    return FollowUp(target, before.follow_up if note is None else note, done_at)


def local_today(now: datetime, time_zone: str) -> date:
    """The date in the Pemda's zone: a due day is over once this is past it."""
    return now.astimezone(ZoneInfo(time_zone)).date()


def is_overdue(status: RecommendationStatus, due_on: date, today: date) -> bool:
    return status != DONE and due_on < today
