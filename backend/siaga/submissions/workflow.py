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
- Separation of duties: nobody reviews their own region's answers. A review needs the
  reviewer's scope to lie strictly above the answer's region (a national scope is above
  every region): the province's verifier reviews its regencies and cities, a national
  verifier the province's own answers. It holds for administrators too.
- An accepted Pemda report locks its answers for the period: no edit, file, transition
  or import changes them (409 report_accepted) until the acceptance is withdrawn. The
  callers look the report up (under a row lock, reporting/rules.py) and pass
  `report_accepted`; an edit that changes nothing stays a no-op.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from siaga.core.security import Capability, strictly_below
from siaga.events.catalogue import EventType, SubmissionEventData
from siaga.models import ReviewDecision, SubmissionStatus

# The audit row's shape lives in trail.py, values and refusals in values.py (one idea
# per file); both are re-exported here so that every writer still asks one module.
from siaga.submissions.trail import ENTITY_ID_MAX_LENGTH as ENTITY_ID_MAX_LENGTH
from siaga.submissions.trail import AuditEntry as AuditEntry
from siaga.submissions.trail import answer_label as answer_label
from siaga.submissions.trail import audit_entry as audit_entry
from siaga.submissions.values import ALLOWED as ALLOWED
from siaga.submissions.values import COUNT_MAX as COUNT_MAX
from siaga.submissions.values import LEVEL_MAX as LEVEL_MAX
from siaga.submissions.values import NO_WORDS as NO_WORDS
from siaga.submissions.values import YES_WORDS as YES_WORDS
from siaga.submissions.values import Problem as Problem
from siaga.submissions.values import Refused as Refused
from siaga.submissions.values import invalid_value as invalid_value
from siaga.submissions.values import parse_value as parse_value

DRAFT = SubmissionStatus.DRAFT
SUBMITTED = SubmissionStatus.SUBMITTED
VERIFIED = SubmissionStatus.VERIFIED
RETURNED = SubmissionStatus.RETURNED

EDITABLE = frozenset({DRAFT, RETURNED})
NARRATIVE_MAX_LENGTH = 5000
REASON_MIN_LENGTH = 15
REASON_MAX_LENGTH = 2000

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


# -- edits -----------------------------------------------------------------------------


def not_editable(status: SubmissionStatus) -> Problem:
    return Problem(
        "invalid_state",
        "status",
        f"Jawaban berstatus {status.value} tidak dapat diubah",
        "only draft or returned answers can be changed",
        {"status": status.value, "allowed_from": sorted(s.value for s in EDITABLE)},
    )


def report_locked() -> Problem:
    return Problem(
        "report_accepted",
        None,
        "Laporan Pemda periode ini sudah diterima; jawabannya terkunci",
        "the Pemda's report for this period is accepted; its answers are locked",
    )


def check_report(report_accepted: bool) -> Problem | None:
    """None unless the Pemda's report for the answer's period is accepted."""
    return report_locked() if report_accepted else None


def check_editable(status: SubmissionStatus) -> Problem | None:
    """None when files and values of an answer in this state may change."""
    return None if status in EDITABLE else not_editable(status)


def edit(
    answer: Answer, value: float | None, narrative: str, *, report_accepted: bool = False
) -> Answer | None:
    """The answer after changing its value and narrative (version + 1), or None when
    nothing changes. Raises Refused(report_accepted) under an accepted report,
    Refused(invalid_state) for a submitted or verified answer."""
    if (answer.value, answer.narrative) == (value, narrative):
        return None
    problem = check_report(report_accepted) or check_editable(answer.status)
    if problem is not None:
        raise Refused(problem)
    return replace(answer, value=value, narrative=narrative, version=answer.version + 1)


def touch(answer: Answer, *, report_accepted: bool = False) -> Answer:
    """The answer after a file was attached or removed: a new version, same values.
    Raises Refused(report_accepted) or Refused(invalid_state) unless it may change."""
    problem = check_report(report_accepted) or check_editable(answer.status)
    if problem is not None:
        raise Refused(problem)
    return replace(answer, version=answer.version + 1)


# -- transitions -----------------------------------------------------------------------


def may_take(action: Action, capabilities: frozenset[Capability]) -> bool:
    return TRANSITIONS[action].capability in capabilities


def check_separation(action: Action, scope: str | None, region: str | None) -> Problem | None:
    """None when a caller scoped to `scope` (None: the nation) may take `action` on an
    answer of `region`: always for submit; for a review only on a region strictly below
    its scope. An unknown region (None) is refused: a review must say whose answer it is."""
    if TRANSITIONS[action].capability != Capability.REVIEW:
        return None
    if region is not None and strictly_below(scope, region):
        return None
    return Problem(
        "own_region",
        None,
        "Jawaban wilayah Anda sendiri tidak dapat Anda verifikasi, kembalikan, atau buka "
        "kembali; jawaban ini diperiksa verifikator satu tingkat di atas",
        "you may not review your own region's answers; a verifier one level up reviews them",
        {"region": region, "scope": scope},
    )


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
    scope: str | None = None,
    region: str | None = None,
    report_accepted: bool = False,
) -> Answer:
    """The answer after the transition (version + 1). Raises Refused with the first
    problem: forbidden, own_region, report_accepted, invalid_state, value_required,
    evidence_required, reason_required. `scope` is the caller's scope root (None: the
    nation) and `region` the answer's region; a review without `region` is refused
    (check_separation)."""
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
    problem = check_separation(action, scope, region) or check_report(report_accepted)
    if problem is None:
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


# -- history, audit and events ---------------------------------------------------------


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


# The event each transition emits (siaga.events); the import emits `submitted` for the
# rows it submits.
EVENT_OF: Mapping[Action, EventType] = {
    "submit": EventType.SUBMISSION_SUBMITTED,
    "verify": EventType.SUBMISSION_VERIFIED,
    "return": EventType.SUBMISSION_RETURNED,
    "reopen": EventType.SUBMISSION_REOPENED,
}


def event_data(
    keys: tuple[str, str, str],
    agency: str | None,
    before: Answer | None,
    after: Answer,
    actor: str,
    reason: str | None,
    at: datetime,
) -> SubmissionEventData:
    """What receivers learn of a transition: the answer's natural key (period, region,
    indicator) and its new state; `before` None for an answer the change created."""
    period, region, indicator = keys
    return SubmissionEventData(
        period=period,
        region=region,
        indicator=indicator,
        agency=agency,
        status=after.status,
        previous_status=None if before is None else before.status,
        version=after.version,
        late=after.is_late,
        reason=reason or None,
        actor=actor,
        occurred_at=at,
    )
