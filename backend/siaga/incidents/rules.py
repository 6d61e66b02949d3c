"""The rules of a quick incident report (laporan cepat), in one place: pure functions over
plain values (no database, no HTTP, no clock), like reporting/rules.py.

- States: reported -> acknowledged -> handling -> resolved -> closed, one step at a
  time, each with a note; a resolved incident may go back to handling (the calm did not
  hold). Closed is final. Any other step answers 409 `invalid_state`.
- Levels: an incident starts with the Pemda that filed it (`pemda`), is escalated with a
  reason to its province (`province`), then to the Ministry (`national`). A province's
  own incident goes from `pemda` straight to `national`. An escalation goes one level
  above both where the incident is and where the escalating caller stands: the Pemda
  raises it to the province; the province, acting on a Pemda's incident or on one it
  holds, raises it to the Ministry (never to itself). Only open incidents (reported,
  acknowledged, handling) are escalated; escalating keeps the state, so an escalated
  incident that nobody acknowledged is still waiting to be acknowledged.
- Overdue: an incident still `reported` (not acknowledged) after the window its severity
  allows from filing: kritis 1 h, tinggi 4 h, sedang 24 h, rendah 72 h.
- Who files: the Pemda's own Kesbangpol (its coordinator, or an operator of its
  Kesbangpol agency), for exactly that Pemda, and an administrator whose scope holds it
  (an incident phoned in). Nobody else: verifiers, other agencies' operators, viewers
  and API keys are refused (403); a region the caller may not file for is answered as
  unknown (422 `invalid_region`), as for agencies.
- Who handles: the incident is *held* at its level. At `pemda` it is held by the
  Pemda's Kesbangpol and by every supervisor over the Pemda (a verifier or an
  administrator whose scope holds it: the province may acknowledge and act at once,
  without waiting for an escalation). At `province` only by supervisors whose scope is
  the province or the nation; at `national` only by national ones. The holders take the
  steps and escalate; once it has moved up, the Pemda (and, after the Ministry took it,
  the province) may still add notes and files but no longer change its state (403
  `escalated_above`). Viewers, operators of other agencies and API keys only read.
- Notes without a step and files: whoever took part at any level (the Pemda's
  Kesbangpol, supervisors over it), until the incident is closed.
- Where and when a filing says it happened: incidents/checks.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from siaga.core.roles import Role
from siaga.core.security import Capability, in_subtree
from siaga.models import IncidentLevel, IncidentSeverity, IncidentState
from siaga.submissions.workflow import Problem

REPORTED = IncidentState.REPORTED
ACKNOWLEDGED = IncidentState.ACKNOWLEDGED
HANDLING = IncidentState.HANDLING
RESOLVED = IncidentState.RESOLVED
CLOSED = IncidentState.CLOSED

PEMDA = IncidentLevel.PEMDA
PROVINCE = IncidentLevel.PROVINCE
NATIONAL = IncidentLevel.NATIONAL

# Where each state may go next (an update naming another state is refused).
STEPS: Mapping[IncidentState, frozenset[IncidentState]] = {
    REPORTED: frozenset({ACKNOWLEDGED}),
    ACKNOWLEDGED: frozenset({HANDLING}),
    HANDLING: frozenset({RESOLVED}),
    RESOLVED: frozenset({CLOSED, HANDLING}),
    CLOSED: frozenset(),
}
OPEN = frozenset({REPORTED, ACKNOWLEDGED, HANDLING})

ACKNOWLEDGE_WITHIN: Mapping[IncidentSeverity, timedelta] = {
    IncidentSeverity.KRITIS: timedelta(hours=1),
    IncidentSeverity.TINGGI: timedelta(hours=4),
    IncidentSeverity.SEDANG: timedelta(hours=24),
    IncidentSeverity.RENDAH: timedelta(hours=72),
}

NOTE_MIN_LENGTH = 3
NOTE_MAX_LENGTH = 5000
NUMBER_PREFIX = "LC"
# LC/<Kemendagri code>/<year>/<sequence, at least four digits>.
NUMBER_PATTERN = r"LC/[0-9]{2}(?:\.[0-9]{2,4}){0,3}/[0-9]{4}/[0-9]{4,9}"
_NUMBER = re.compile(NUMBER_PATTERN)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who asks: role (None for an API key), capabilities, scope root (None: the
    nation), and whether the caller's agency is a Kesbangpol."""

    role: Role | None
    capabilities: frozenset[Capability]
    scope: str | None
    kesbangpol: bool = False


@dataclass(frozen=True, slots=True)
class Case:
    """An incident as the rules see it."""

    region: str
    state: IncidentState
    level: IncidentLevel
    severity: IncidentSeverity
    reported_at: datetime


def number(region: str, year: int, seq: int) -> str:
    return f"{NUMBER_PREFIX}/{region}/{year}/{seq:04d}"


def is_number(text: str) -> bool:
    return _NUMBER.fullmatch(text) is not None


def province_of(region: str) -> str:
    return region.split(".", 1)[0]


def acknowledge_by(severity: IncidentSeverity, reported_at: datetime) -> datetime:
    """When the incident must be acknowledged by."""
    return reported_at + ACKNOWLEDGE_WITHIN[severity]


def is_overdue(case: Case, now: datetime) -> bool:
    return case.state == REPORTED and now > acknowledge_by(case.severity, case.reported_at)


def acknowledged_late(
    severity: IncidentSeverity, reported_at: datetime, acknowledged_at: datetime | None
) -> bool:
    return acknowledged_at is not None and acknowledged_at > acknowledge_by(severity, reported_at)


def notifies_province_at_once(severity: IncidentSeverity) -> bool:
    """A kritis incident reaches the province as soon as it is filed, escalated or not."""
    return severity == IncidentSeverity.KRITIS


def next_level(level: IncidentLevel, region: str) -> IncidentLevel | None:
    """One level up: the province, then the Ministry; a province's own incident goes to
    the Ministry at once; None at the top."""
    if level == PEMDA:
        return PROVINCE if "." in region else NATIONAL
    if level == PROVINCE:
        return NATIONAL
    return None


_RANK = {PEMDA: 0, PROVINCE: 1, NATIONAL: 2}


def caller_level(caller: Caller, region: str) -> IncidentLevel:
    """The level the caller itself stands at for an incident of `region`: the nation, the
    province above the region, or the Pemda (its own region, or anything narrower)."""
    if caller.scope is None:
        return NATIONAL
    if caller.scope != region and caller.scope == province_of(region):
        return PROVINCE
    return PEMDA


def escalation_target(caller: Caller, case: Case) -> IncidentLevel | None:
    """Where an escalation by the caller takes the incident: one level above both where
    it is and where the caller stands (the province escalating a Pemda's incident sends
    it to the Ministry, not to itself); None when nothing is above."""
    level = max(case.level, caller_level(caller, case.region), key=_RANK.__getitem__)
    return next_level(level, case.region)


def _level_root(level: IncidentLevel, region: str) -> str | None:
    """The scope root of whoever holds an incident of `region` at `level`."""
    if level == PEMDA:
        return region
    if level == PROVINCE:
        return province_of(region)
    return None


def is_pemda_kesbangpol(caller: Caller, region: str) -> bool:
    if caller.scope != region:
        return False
    return caller.role == Role.COORDINATOR or (caller.role == Role.OPERATOR and caller.kesbangpol)


def is_supervisor(caller: Caller, region: str) -> bool:
    """A verifier or an administrator (REVIEW) whose scope holds the region."""
    return (
        caller.role is not None
        and Capability.REVIEW in caller.capabilities
        and in_subtree(caller.scope, region)
    )


def files_somewhere(caller: Caller) -> bool:
    """Whether the caller's role files incidents at all (for 403 before the region)."""
    if caller.role == Role.COORDINATOR:
        return True
    if caller.role == Role.OPERATOR:
        return caller.kesbangpol
    return caller.role is not None and Capability.ADMIN in caller.capabilities


def may_file(caller: Caller, region: str) -> bool:
    if is_pemda_kesbangpol(caller, region):
        return True
    return (
        caller.role is not None
        and Capability.ADMIN in caller.capabilities
        and in_subtree(caller.scope, region)
    )


def takes_part(caller: Caller, region: str) -> bool:
    """May add notes and files: the Pemda's Kesbangpol and the supervisors over it."""
    return is_pemda_kesbangpol(caller, region) or is_supervisor(caller, region)


def holds(caller: Caller, case: Case) -> bool:
    """May take the steps and escalate at the incident's current level."""
    if case.level == PEMDA:
        return takes_part(caller, case.region)
    if caller.role is None or Capability.REVIEW not in caller.capabilities:
        return False
    root = _level_root(case.level, case.region)
    return caller.scope is None if root is None else in_subtree(caller.scope, root)


def forbidden(action: str) -> Problem:
    return Problem(
        "forbidden",
        None,
        "Peran Anda tidak boleh melakukan tindakan ini pada laporan cepat",
        f"your role may not {action} this incident report",
    )


def _escalated_above(case: Case) -> Problem:
    where_id = "Kementerian" if case.level == NATIONAL else "provinsi"
    where_en = "the Ministry" if case.level == NATIONAL else "the province"
    return Problem(
        "escalated_above",
        None,
        f"Kejadian ini sudah dieskalasi ke {where_id}; Anda masih dapat menambah catatan "
        "dan berkas",
        f"this incident has been escalated to {where_en}; you may still add notes and files",
        {"level": case.level.value},
    )


def invalid_step(state: IncidentState, target: IncidentState) -> Problem:
    allowed = sorted(s.value for s in STEPS[state])
    return Problem(
        "invalid_state",
        "state",
        f"Laporan cepat berstatus {state.value} tidak dapat menjadi {target.value}",
        f"a {state.value} incident cannot become {target.value}; "
        f"allowed: {', '.join(allowed) or 'none (closed)'}",
        {"state": state.value, "target": target.value, "allowed": allowed},
    )


def _closed() -> Problem:
    return Problem(
        "invalid_state",
        "state",
        "Laporan cepat sudah ditutup; tidak ada perubahan lagi",
        "the incident is closed and takes no further changes",
        {"state": CLOSED.value, "allowed": []},
    )


def check_update(caller: Caller, case: Case, target: IncidentState | None) -> Problem | None:
    """None when the caller may add this update: a step to `target`, or (None, or the
    current state) a note alone."""
    if not takes_part(caller, case.region):
        return forbidden("update")
    if case.state == CLOSED:
        return _closed()
    if target is None or target == case.state:
        return None
    if not holds(caller, case):
        return _escalated_above(case)
    if target not in STEPS[case.state]:
        return invalid_step(case.state, target)
    return None


def check_escalate(caller: Caller, case: Case) -> Problem | None:
    if not takes_part(caller, case.region):
        return forbidden("escalate")
    if case.state not in OPEN:
        return Problem(
            "invalid_state",
            "state",
            f"Laporan cepat berstatus {case.state.value} tidak dapat dieskalasi",
            f"a {case.state.value} incident cannot be escalated; only open ones can",
            {"state": case.state.value, "allowed_from": sorted(s.value for s in OPEN)},
        )
    if escalation_target(caller, case) is None:
        return Problem(
            "escalation_at_top",
            None,
            "Laporan cepat sudah di tingkat Kementerian; tidak dapat dieskalasi lagi",
            "the incident is already with the Ministry; it cannot go higher",
            {"level": case.level.value},
        )
    if not holds(caller, case):
        return _escalated_above(case)
    return None


def check_file(caller: Caller, case: Case) -> Problem | None:
    if not takes_part(caller, case.region):
        return forbidden("attach files to")
    if case.state == CLOSED:
        return _closed()
    return None


def next_steps(caller: Caller, case: Case) -> list[IncidentState]:
    """The states the caller may move the incident to now (for the SPA's buttons)."""
    if not takes_part(caller, case.region) or not holds(caller, case):
        return []
    return sorted(STEPS[case.state], key=list(IncidentState).index)


def may_escalate(caller: Caller, case: Case) -> bool:
    return check_escalate(caller, case) is None
