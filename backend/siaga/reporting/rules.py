"""The rules of a Pemda report's life, in one place: pure functions over plain values
(no database, no HTTP, no clock), like the answers' workflow (submissions/workflow.py),
whose reason rule and lateness rule they reuse.

- States: draft -> submitted -> accepted, or submitted -> returned (with a reason) ->
  submitted again; an acceptance may be withdrawn (accepted -> submitted, with a reason).
  Only draft and returned reports are written.
- Who writes and submits: the coordinator of exactly that Pemda, and an administrator
  whose scope holds the Pemda (a Kesbangpol may have no coordinator account yet); never
  a verifier, operator, viewer or API key.
- Who accepts, returns and withdraws an acceptance: a reviewer (verifier, or an
  administrator, both holding REVIEW) whose scope is exactly one level up: the
  province for its regencies and cities, the nation for a province's own report. Its
  own region is refused as `own_region`; any other level as `not_one_level_up`.
- Submitting needs the narrative and the signatory complete, every applicable answer
  submitted or verified and, for a province, every regency and city report accepted.
  The first submission gives the receipt number and decides lateness for good (at or
  after the cut-off: midnight after the deadline day in the Pemda's zone);
  resubmitting after a return keeps both.
- Accepting needs the answers still complete (a verifier may have returned one since the
  report was sent): an accepted report always stands on sent answers.
- Withdrawing an acceptance is refused while the report one level up (the province's
  own report, for a regency or city) is accepted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from siaga.core.roles import Role
from siaga.core.security import Capability, in_subtree
from siaga.models import ReportState
from siaga.submissions.workflow import REASON_MAX_LENGTH, REASON_MIN_LENGTH, Problem, is_late

DRAFT = ReportState.DRAFT
SUBMITTED = ReportState.SUBMITTED
ACCEPTED = ReportState.ACCEPTED
RETURNED = ReportState.RETURNED
EDITABLE = frozenset({DRAFT, RETURNED})

Action = Literal["submit", "accept", "return", "unaccept"]
ACTIONS: tuple[Action, ...] = ("submit", "accept", "return", "unaccept")
REVIEW_ACTIONS = frozenset({"accept", "return", "unaccept"})


@dataclass(frozen=True, slots=True)
class Rule:
    sources: frozenset[ReportState]
    target: ReportState
    needs_reason: bool


TRANSITIONS: Mapping[Action, Rule] = {
    "submit": Rule(EDITABLE, SUBMITTED, False),
    "accept": Rule(frozenset({SUBMITTED}), ACCEPTED, False),
    "return": Rule(frozenset({SUBMITTED}), RETURNED, True),
    "unaccept": Rule(frozenset({ACCEPTED}), SUBMITTED, True),
}

# Receipt: TT (tanda terima) / Pemda code / period / the n-th receipt given in that
# period, nationally, in order of arrival. Pemda and period alone make it unique (one
# report each); the ordinal says how early it came.
RECEIPT_PREFIX = "TT"
SECTIONS = ("situation", "risks", "obstacles", "conclusion")
SIGNATORY = ("name", "nip", "position")


@dataclass(frozen=True, slots=True)
class Report:
    """A report's state, as the rules see it."""

    state: ReportState
    version: int
    receipt_number: str | None = None
    first_submitted_at: datetime | None = None
    submitted_at: datetime | None = None
    is_late: bool = False


@dataclass(frozen=True, slots=True)
class Caller:
    """Who asks: role (None for an API key), capabilities and scope root (None: the
    nation)."""

    role: Role | None
    capabilities: frozenset[Capability]
    scope: str | None


def parent_of(region: str) -> str | None:
    """The region one level up: `64` for `64.72`, the nation (None) for a province."""
    head, _, _ = region.rpartition(".")
    return head or None


def may_write(caller: Caller, region: str) -> bool:
    """Whether the caller writes and submits this Pemda's report."""
    if caller.role == Role.COORDINATOR:
        return caller.scope == region
    return Capability.ADMIN in caller.capabilities and in_subtree(caller.scope, region)


def forbidden(action: str) -> Problem:
    return Problem(
        "forbidden",
        None,
        "Peran Anda tidak boleh melakukan tindakan ini pada laporan Pemda",
        f"your role may not {action} this Pemda report",
    )


def check_reviewer(caller: Caller, region: str) -> Problem | None:
    """None when the caller may accept, return or withdraw an acceptance of `region`'s
    report: REVIEW, and a scope exactly one level up."""
    if Capability.REVIEW not in caller.capabilities:
        return forbidden("review")
    if caller.scope == region:
        return Problem(
            "own_region",
            None,
            "Laporan wilayah Anda sendiri tidak dapat Anda terima atau kembalikan; "
            "laporan ini diperiksa satu tingkat di atas",
            "you may not accept or return your own region's report; the level above does",
            {"region": region, "scope": caller.scope},
        )
    if caller.scope != parent_of(region):
        return Problem(
            "not_one_level_up",
            None,
            "Laporan Pemda diterima atau dikembalikan oleh verifikator tepat satu tingkat "
            "di atasnya (provinsi untuk kabupaten/kota, Kementerian untuk provinsi)",
            "a Pemda report is accepted or returned by a verifier exactly one level up "
            "(the province for its regencies and cities, the Ministry for a province)",
            {"region": region, "scope": caller.scope, "expected_scope": parent_of(region)},
        )
    return None


def check_transition(action: Action, state: ReportState) -> Problem | None:
    rule = TRANSITIONS[action]
    if state in rule.sources:
        return None
    allowed = sorted(s.value for s in rule.sources)
    return Problem(
        "invalid_state",
        "state",
        f"Laporan berstatus {state.value} tidak dapat di-{action}",
        f"a {state.value} report cannot be {action}ed; allowed from: {', '.join(allowed)}",
        {"state": state.value, "allowed_from": allowed},
    )


def check_editable(state: ReportState) -> Problem | None:
    if state in EDITABLE:
        return None
    return Problem(
        "invalid_state",
        "state",
        f"Laporan berstatus {state.value} tidak dapat diubah",
        "only draft or returned reports can be changed",
        {"state": state.value, "allowed_from": sorted(s.value for s in EDITABLE)},
    )


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


def check_content(sections: Mapping[str, str], signatory: Mapping[str, str]) -> Problem | None:
    """What a report needs before it is sent: every section and the whole signatory."""
    missing = [f"{name}" for name in SECTIONS if not sections.get(name, "").strip()]
    missing += [f"signatory.{name}" for name in SIGNATORY if not signatory.get(name, "").strip()]
    if not missing:
        return None
    return Problem(
        "report_incomplete",
        missing[0],
        "Lengkapi semua bagian laporan dan penanda tangan sebelum mengirim",
        "fill in every section and the signatory before submitting",
        {"missing": missing},
    )


def answers_incomplete(missing: Sequence[Mapping[str, Any]]) -> Problem | None:
    """`missing`: the applicable answers not submitted nor verified (indicator, agency,
    status or None when not started)."""
    if not missing:
        return None
    return Problem(
        "answers_incomplete",
        None,
        f"{len(missing)} jawaban belum dikirim atau diverifikasi",
        f"{len(missing)} applicable answers are not submitted or verified",
        {"missing": list(missing)},
    )


def reports_pending(pending: Sequence[Mapping[str, Any]]) -> Problem | None:
    """`pending`: a province's regencies and cities whose report is not accepted."""
    if not pending:
        return None
    return Problem(
        "reports_pending",
        None,
        f"{len(pending)} laporan kabupaten/kota belum diterima",
        f"{len(pending)} regency and city reports are not accepted yet",
        {"pending": list(pending)},
    )


def check_unaccept(parent_accepted: bool) -> Problem | None:
    if not parent_accepted:
        return None
    return Problem(
        "parent_report_accepted",
        None,
        "Laporan provinsi sudah diterima; batalkan penerimaannya terlebih dahulu",
        "the province's report is accepted; its acceptance must be withdrawn first",
    )


def receipt_number(region: str, period: str, ordinal: int) -> str:
    return f"{RECEIPT_PREFIX}/{region}/{period}/{ordinal:04d}"


def take(
    report: Report,
    action: Action,
    *,
    now: datetime,
    cutoff: datetime,
    receipt: str | None = None,
) -> Report:
    """The report after the transition (version + 1), the transition already allowed
    (check_transition and the preconditions). A first submission takes `receipt` and its
    lateness against `cutoff`; a later one keeps both."""
    rule = TRANSITIONS[action]
    changes: dict[str, Any] = {"state": rule.target, "version": report.version + 1}
    if action == "submit":
        if report.first_submitted_at is None:
            changes["first_submitted_at"] = now
            changes["is_late"] = is_late(now, cutoff)
            changes["receipt_number"] = receipt
        changes["submitted_at"] = now
    return replace(report, **changes)
