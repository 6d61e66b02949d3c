"""The rules of an answer's life, in one place: pure functions over plain values.

Every writer of answers (PUT, the transitions, bulk verify, copy-previous, the
submissions import, evidence upload and removal, the demo seed) asks this module and
nothing else decides. It touches no database, no HTTP and no clock: the caller passes
the time and the deadline's cut-off instant, so the same input gives the same verdict on
every path, and the rules can be tested exhaustively (tests/submissions/test_workflow.py).

A refusal is a `Problem` value, not an HTTP error: the service turns it into the
contract's error response, the import into a row error, each in its own words, with the
same code. The documented rules:

- Only draft and returned answers change. An edit that changes nothing is accepted in
  any state and records nothing (a re-sent PUT or a re-imported file is a no-op).
- Values are parsed by one parser per answer type: yes_no takes true/false, 1/0 and
  the words ya/tidak, yes/no, true/false; level a whole number 0-4; percent a number
  0-100; count a whole number 0-1,000,000. Text cells may write decimals with a comma
  (75,5). An empty cell or null is "no value yet".
- Submitting needs a value, and at least one evidence file where the indicator
  requires it. The first submission decides lateness for good: late when it happens at
  or after the cut-off (midnight after the deadline day, in the Pemda's zone).
- Verify and return take a submitted answer, reopen a verified one; all three need the
  review capability, submit the answer capability. Return and reopen need a reason a
  person can act on (REASON_MIN_LENGTH characters after trimming).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from datetime import datetime
from typing import Any, Literal

from siaga.core.security import Capability
from siaga.models import AnswerType, ReviewDecision, SubmissionStatus

DRAFT = SubmissionStatus.DRAFT
SUBMITTED = SubmissionStatus.SUBMITTED
VERIFIED = SubmissionStatus.VERIFIED
RETURNED = SubmissionStatus.RETURNED

EDITABLE = frozenset({DRAFT, RETURNED})
COUNT_MAX = 1_000_000
LEVEL_MAX = 4
NARRATIVE_MAX_LENGTH = 5000
REASON_MIN_LENGTH = 15
REASON_MAX_LENGTH = 2000
YES_WORDS = ("ya", "yes", "true", "1")
NO_WORDS = ("tidak", "no", "false", "0")

Action = Literal["submit", "verify", "return", "reopen"]
ACTIONS: tuple[Action, ...] = ("submit", "verify", "return", "reopen")

# What a version in the answer's history says happened (SubmissionVersion.action).
CREATED = "created"
UPDATED = "updated"
COPIED = "copied"
IMPORTED = "imported"
EVIDENCE_ADDED = "evidence_added"
EVIDENCE_REMOVED = "evidence_removed"


@dataclass(frozen=True, slots=True)
class Rule:
    """One transition: who may take it, from which states, to which state."""

    action: Action
    capability: Capability
    sources: frozenset[SubmissionStatus]
    target: SubmissionStatus
    recorded_as: str  # the history version's action
    decision: ReviewDecision | None  # the review it records, if any
    needs_reason: bool


TRANSITIONS: Mapping[Action, Rule] = {
    "submit": Rule("submit", Capability.ANSWER, EDITABLE, SUBMITTED, "submitted", None, False),
    "verify": Rule(
        "verify",
        Capability.REVIEW,
        frozenset({SUBMITTED}),
        VERIFIED,
        "verified",
        ReviewDecision.VERIFIED,
        False,
    ),
    "return": Rule(
        "return",
        Capability.REVIEW,
        frozenset({SUBMITTED}),
        RETURNED,
        "returned",
        ReviewDecision.RETURNED,
        True,
    ),
    "reopen": Rule(
        "reopen",
        Capability.REVIEW,
        frozenset({VERIFIED}),
        RETURNED,
        "reopened",
        ReviewDecision.REOPENED,
        True,
    ),
}


@dataclass(frozen=True, slots=True)
class Problem:
    """Why the workflow refuses: a stable code, the field at fault, and texts in both
    languages (allowed forms for a value, or the whole message otherwise)."""

    code: str
    field: str | None
    message_id: str
    message_en: str
    details: Mapping[str, Any] = dataclass_field(default_factory=dict)

    @property
    def message(self) -> str:
        return f"{self.message_id} ({self.message_en})"


class Refused(Exception):
    """Raised by the functions that return a new state; carries the Problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Answer:
    """An answer's state, as the workflow sees it."""

    value: float | None
    narrative: str
    status: SubmissionStatus
    version: int
    first_submitted_at: datetime | None = None
    submitted_at: datetime | None = None
    verified_at: datetime | None = None
    is_late: bool = False


def new_draft(value: float | None, narrative: str) -> Answer:
    return Answer(value=value, narrative=narrative, status=DRAFT, version=1)


# -- values ----------------------------------------------------------------------------

# (Indonesian, English) description of what each type accepts.
ALLOWED: Mapping[AnswerType, tuple[str, str]] = {
    AnswerType.YES_NO: ("isi ya atau tidak", "ya/tidak, yes/no, true/false or 1/0 (yes_no)"),
    AnswerType.LEVEL: ("bilangan bulat 0-4 (tingkat)", "a whole number 0-4 (level)"),
    AnswerType.PERCENT: ("angka 0-100 (persen)", "a number 0-100 (percent)"),
    AnswerType.COUNT: (
        "bilangan bulat 0-1000000 (jumlah)",
        "a whole number 0-1000000 (count)",
    ),
}


def invalid_value(answer_type: AnswerType) -> Problem:
    allowed_id, allowed_en = ALLOWED[answer_type]
    return Problem(
        "invalid_value",
        "value",
        allowed_id,
        allowed_en,
        {"answer_type": answer_type.value},
    )


def _number(text: str) -> float | None:
    text = text.strip()
    # float() also reads "1_000" and non-ASCII digits, which no spreadsheet means as a number.
    if not text.isascii() or "_" in text:
        return None
    # Indonesian spreadsheets write decimals with a comma (75,5); no thousands separators.
    if "," in text and "." not in text and text.count(",") == 1:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def parse_value(answer_type: AnswerType, raw: object) -> float | None:
    """The stored number for a value given as JSON (None, bool, int, float) or as a
    spreadsheet cell (str); None means no value yet. Raises Refused(invalid_value)."""
    if raw is None:
        return None
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            return None
        if answer_type == AnswerType.YES_NO:
            lowered = text.lower()
            if lowered in YES_WORDS:
                return 1.0
            if lowered in NO_WORDS:
                return 0.0
            raise Refused(invalid_value(answer_type))
        number = _number(text)
    elif isinstance(raw, bool):
        if answer_type != AnswerType.YES_NO:
            raise Refused(invalid_value(answer_type))
        return 1.0 if raw else 0.0
    elif isinstance(raw, int | float):
        try:
            number = float(raw) if math.isfinite(raw) else None
        except OverflowError:  # an int beyond any float
            number = None
    else:
        number = None
    if number is None or not _in_range(answer_type, number):
        raise Refused(invalid_value(answer_type))
    return number + 0.0  # -0.0 is stored as 0.0


def _in_range(answer_type: AnswerType, number: float) -> bool:
    if answer_type == AnswerType.YES_NO:
        return number in (0.0, 1.0)
    if answer_type == AnswerType.PERCENT:
        return 0 <= number <= 100
    upper = LEVEL_MAX if answer_type == AnswerType.LEVEL else COUNT_MAX
    return number == int(number) and 0 <= number <= upper


# -- edits -----------------------------------------------------------------------------


def not_editable(status: SubmissionStatus) -> Problem:
    return Problem(
        "invalid_state",
        "status",
        f"Jawaban berstatus {status.value} tidak dapat diubah",
        "only draft or returned answers can be changed",
        {"status": status.value, "allowed_from": sorted(s.value for s in EDITABLE)},
    )


def check_editable(status: SubmissionStatus) -> Problem | None:
    """None when files and values of an answer in this state may change."""
    return None if status in EDITABLE else not_editable(status)


def edit(answer: Answer, value: float | None, narrative: str) -> Answer | None:
    """The answer after changing its value and narrative (version + 1), or None when
    nothing changes. Raises Refused(invalid_state) for a submitted or verified answer."""
    if (answer.value, answer.narrative) == (value, narrative):
        return None
    problem = check_editable(answer.status)
    if problem is not None:
        raise Refused(problem)
    return replace(answer, value=value, narrative=narrative, version=answer.version + 1)


def touch(answer: Answer) -> Answer:
    """The answer after a file was attached or removed: a new version, same values.
    Raises Refused(invalid_state) unless the answer is editable."""
    problem = check_editable(answer.status)
    if problem is not None:
        raise Refused(problem)
    return replace(answer, version=answer.version + 1)


# -- transitions -----------------------------------------------------------------------


def may_take(action: Action, capabilities: frozenset[Capability]) -> bool:
    return TRANSITIONS[action].capability in capabilities


def check_transition(action: Action, status: SubmissionStatus) -> Problem | None:
    rule = TRANSITIONS[action]
    if status in rule.sources:
        return None
    allowed = sorted(s.value for s in rule.sources)
    return Problem(
        "invalid_state",
        "status",
        f"Tidak dapat {action} jawaban berstatus {status.value}",
        f"allowed from: {', '.join(allowed)}",
        {"status": status.value, "allowed_from": allowed},
    )


def check_submit(
    value: float | None, evidence_required: bool, evidence_files: int
) -> Problem | None:
    """What an answer needs before it is sent: a value, and evidence where required."""
    if value is None:
        return Problem(
            "value_required",
            "value",
            "Isi nilai jawaban sebelum mengirim",
            "a value is required to submit",
        )
    if evidence_required and evidence_files == 0:
        return Problem(
            "evidence_required",
            "evidence",
            "Indikator ini mewajibkan bukti dukung: unggah minimal satu berkas sebelum mengirim",
            "this indicator requires at least one evidence file",
        )
    return None


def check_reason(action: Action, reason: str | None) -> Problem | None:
    if not TRANSITIONS[action].needs_reason:
        return None
    if reason is not None and REASON_MIN_LENGTH <= len(reason.strip()) <= REASON_MAX_LENGTH:
        return None
    return Problem(
        "reason_required",
        "reason",
        f"Tuliskan alasan {REASON_MIN_LENGTH}-{REASON_MAX_LENGTH} karakter",
        f"a reason of {REASON_MIN_LENGTH} to {REASON_MAX_LENGTH} characters is required",
    )


def is_late(now: datetime, cutoff: datetime) -> bool:
    """Late when sent at or after the cut-off (the first instant after the deadline day
    in the Pemda's zone: regions.time_zones.deadline_cutoff)."""
    return now >= cutoff


def take(
    answer: Answer,
    action: Action,
    *,
    capabilities: frozenset[Capability],
    now: datetime,
    cutoff: datetime,
    evidence_required: bool = False,
    evidence_files: int = 0,
    reason: str | None = None,
) -> Answer:
    """The answer after the transition (version + 1). Raises Refused with the first
    problem: forbidden, invalid_state, value_required, evidence_required, reason_required."""
    rule = TRANSITIONS[action]
    if not may_take(action, capabilities):
        raise Refused(
            Problem(
                "forbidden",
                None,
                "Peran Anda tidak boleh melakukan tindakan ini",
                f"your role may not {action} answers",
            )
        )
    problem = check_transition(action, answer.status)
    if problem is None and action == "submit":
        problem = check_submit(answer.value, evidence_required, evidence_files)
    if problem is None:
        problem = check_reason(action, reason)
    if problem is not None:
        raise Refused(problem)
    changes: dict[str, Any] = {"status": rule.target, "version": answer.version + 1}
    if action == "submit":
        if answer.first_submitted_at is None:
            changes["first_submitted_at"] = now
            changes["is_late"] = is_late(now, cutoff)
        changes["submitted_at"] = now
    elif action == "verify":
        changes["verified_at"] = now
    elif action == "reopen":
        changes["verified_at"] = None
    return replace(answer, **changes)


# -- history and audit -----------------------------------------------------------------


def snapshot(answer: Answer, **extra: Any) -> dict[str, Any]:
    """The answer as history and audit record it: one format on every path. `extra`
    adds context (reason, import_batch, from_period)."""
    return {
        "value": answer.value,
        "narrative": answer.narrative,
        "status": answer.status.value,
        "version": answer.version,
        **{key: value for key, value in extra.items() if value is not None},
    }


def answer_label(period: str, region: str, indicator: str) -> str:
    """The audit entity id of an answer: its natural key."""
    return f"{period}/{region}/{indicator}"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """What an answer's audit row says; the writers only transport it (one row through
    audit.service.record, many through the import's bulk COPY)."""

    action: str  # submission.create, submission.update, submission.submit, ...
    entity_id: str
    region_code: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    entity_type: str = "submission"


ENTITY_ID_MAX_LENGTH = 120


def audit_entry(
    action: str,
    label: str,
    region_code: str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    return AuditEntry(action, label[:ENTITY_ID_MAX_LENGTH], region_code, before, after)
