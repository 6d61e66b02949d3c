"""reporting.rules, pure: who may act on which report, the state machine, receipts and
lateness."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from siaga.core.roles import Role
from siaga.core.security import ROLE_CAPABILITIES, Capability
from siaga.models import ReportState
from siaga.reporting import rules

NOW = datetime(2024, 1, 11, 16, tzinfo=UTC)
province = st.sampled_from(["64", "63", "11"])
region = st.one_of(
    province, st.builds(lambda p, c: f"{p}.{c}", province, st.sampled_from(["01", "72"]))
)
scope = st.one_of(st.none(), region)


def caller(role: Role, scope: str | None) -> rules.Caller:
    return rules.Caller(role, ROLE_CAPABILITIES[role], scope)


def test_parent_of() -> None:
    assert rules.parent_of("64.72") == "64"
    assert rules.parent_of("64") is None


@given(region, scope, st.sampled_from([Role.VERIFIER, Role.ADMIN]))
def test_review_exactly_one_level_up(code: str, root: str | None, role: Role) -> None:
    problem = rules.check_reviewer(caller(role, root), code)
    if root == rules.parent_of(code):
        assert problem is None
    elif root == code:
        assert problem is not None and problem.code == "own_region"
    else:
        assert problem is not None and problem.code == "not_one_level_up"


@given(region, scope, st.sampled_from([Role.COORDINATOR, Role.OPERATOR, Role.VIEWER]))
def test_others_never_review(code: str, root: str | None, role: Role) -> None:
    problem = rules.check_reviewer(caller(role, root), code)
    assert problem is not None and problem.code == "forbidden"


@given(region, scope, st.sampled_from(list(Role)))
def test_who_writes(code: str, root: str | None, role: Role) -> None:
    allowed = rules.may_write(caller(role, root), code)
    if role == Role.COORDINATOR:
        assert allowed == (root == code)
    elif role == Role.ADMIN:
        assert allowed == (root is None or code == root or code.startswith(root + "."))
    else:
        assert not allowed


def test_api_keys_neither_write_nor_review() -> None:
    key = rules.Caller(None, frozenset({Capability.READ, Capability.ANSWER}), None)
    assert not rules.may_write(key, "64.72")
    assert rules.check_reviewer(key, "64") is not None


@given(st.sampled_from(rules.ACTIONS), st.sampled_from(list(ReportState)))
def test_state_machine(action: rules.Action, state: ReportState) -> None:
    allowed = {
        "submit": {ReportState.DRAFT, ReportState.RETURNED},
        "accept": {ReportState.SUBMITTED},
        "return": {ReportState.SUBMITTED},
        "unaccept": {ReportState.ACCEPTED},
    }[action]
    assert (rules.check_transition(action, state) is None) == (state in allowed)


@given(st.integers(min_value=-3 * 86400, max_value=3 * 86400))
def test_first_submission_decides_receipt_and_lateness(offset: int) -> None:
    cutoff = NOW + timedelta(seconds=offset)
    report = rules.Report(state=ReportState.DRAFT, version=1)
    first = rules.take(report, "submit", now=NOW, cutoff=cutoff, receipt="TT/64/2024-Q1/0001")
    assert first.is_late == (cutoff <= NOW)
    assert first.receipt_number == "TT/64/2024-Q1/0001"
    assert first.version == 2
    returned = rules.take(first, "return", now=NOW, cutoff=cutoff)
    later = NOW + timedelta(days=30)
    again = rules.take(returned, "submit", now=later, cutoff=later - timedelta(days=90))
    assert (again.receipt_number, again.is_late) == (first.receipt_number, first.is_late)
    assert again.first_submitted_at == NOW and again.submitted_at == later


@given(region, st.integers(min_value=1, max_value=9999))
def test_receipt_format(code: str, ordinal: int) -> None:
    receipt = rules.receipt_number(code, "2024-Q1", ordinal)
    assert re.fullmatch(r"TT/\d{2}(\.\d{2})?/2024-Q1/\d{4}", receipt)


def test_reasons_and_content() -> None:
    assert rules.check_reason("accept", None) is None
    assert rules.check_reason("return", "  pendek  ") is not None
    assert rules.check_reason("unaccept", "alasan yang cukup panjang") is None
    problem = rules.check_content({"situation": "x"}, {"name": "A", "nip": "", "position": "B"})
    assert problem is not None
    assert problem.details["missing"] == ["risks", "obstacles", "conclusion", "signatory.nip"]
    assert rules.answers_incomplete([]) is None
    assert rules.reports_pending([]) is None
    assert rules.check_unaccept(True) is not None and rules.check_unaccept(False) is None
