"""reporting.recommendation_rules, pure: who makes and follows up recommendations, the
status changes, overdue in the Pemda's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from siaga.core.roles import Role
from siaga.core.security import ROLE_CAPABILITIES
from siaga.models import RecommendationStatus
from siaga.reporting import recommendation_rules as rules
from siaga.reporting.rules import Caller

NOW = datetime(2024, 1, 11, 16, 30, tzinfo=UTC)
status = st.sampled_from(list(RecommendationStatus))
note = st.one_of(st.none(), st.sampled_from(["", "  ", "Rapat sudah dilaksanakan"]))
stored = st.sampled_from(["", "Catatan lama"])


def caller(role: Role, scope: str | None) -> Caller:
    return Caller(role, ROLE_CAPABILITIES[role], scope)


def test_who_makes_them() -> None:
    assert rules.may_create(caller(Role.COORDINATOR, "64.72"), "64.72")
    assert not rules.may_create(caller(Role.COORDINATOR, "64"), "64.72")
    assert rules.may_create(caller(Role.ADMIN, "64"), "64.72")
    assert rules.may_create(caller(Role.ADMIN, None), "64.72")
    assert not rules.may_create(caller(Role.ADMIN, "63"), "64.72")
    for role in (Role.OPERATOR, Role.VERIFIER, Role.VIEWER):
        assert not rules.may_create(caller(role, "64.72"), "64.72")


def test_who_follows_them_up() -> None:
    operator = caller(Role.OPERATOR, "64.72")
    assert rules.may_follow_up(operator, "64.72", 7, 7)
    assert not rules.may_follow_up(operator, "64.72", 8, 7)
    assert not rules.may_follow_up(operator, "64.72", None, 7)
    assert rules.may_follow_up(caller(Role.COORDINATOR, "64.72"), "64.72", None, 7)
    assert not rules.may_follow_up(caller(Role.VERIFIER, "64"), "64.72", None, 7)
    assert not rules.may_follow_up(caller(Role.VIEWER, "64.72"), "64.72", 7, 7)


@given(status, stored, status, note)
def test_changes(
    before_status: RecommendationStatus,
    before_note: str,
    target: RecommendationStatus,
    sent: str | None,
) -> None:
    before = rules.FollowUp(
        before_status, before_note, NOW if before_status == rules.DONE else None
    )
    problem = rules.check_change(before, target, sent)
    after_note = before_note if sent is None else sent
    reopening = before_status == rules.DONE and target != rules.DONE
    if reopening and not (sent or "").strip():
        assert problem is not None and problem.code == "follow_up_required"
    elif target == rules.DONE and not after_note.strip():
        assert problem is not None and problem.field == "follow_up"
    else:
        assert problem is None
        after = rules.take(before, target, sent, NOW)
        assert (after.status, after.follow_up) == (target, after_note)
        # done_at: kept while done, set on becoming done, cleared on leaving it.
        assert (after.done_at is not None) == (target == rules.DONE)
        if before_status == rules.DONE and target == rules.DONE:
            assert after.done_at == before.done_at


def test_nothing_sent_changes_nothing() -> None:
    before = rules.FollowUp(rules.IN_PROGRESS, "Catatan")
    assert rules.check_change(before, None, None) is None
    assert rules.take(before, None, None, NOW) == before


def test_due_date_and_agency() -> None:
    start = date(2023, 10, 1)
    assert rules.check_due(start, start) is None
    problem = rules.check_due(date(2023, 9, 30), start)
    assert problem is not None and problem.field == "due_on"
    assert rules.check_agency(True, "64.72.kesbangpol") is None
    problem = rules.check_agency(False, "63.71.kesbangpol")
    assert problem is not None and (problem.code, problem.field) == ("invalid_agency", "agency")


def test_overdue_in_the_pemdas_zone() -> None:
    # 16:30 UTC is 23:30 on the 11th in WIB, already the 12th in WITA (and WIT).
    late_evening = datetime(2024, 1, 11, 16, 30, tzinfo=UTC)
    assert rules.local_today(late_evening, "Asia/Jakarta") == date(2024, 1, 11)
    assert rules.local_today(late_evening, "Asia/Makassar") == date(2024, 1, 12)
    due = date(2024, 1, 11)
    assert not rules.is_overdue(rules.OPEN, due, rules.local_today(late_evening, "Asia/Jakarta"))
    assert rules.is_overdue(rules.OPEN, due, rules.local_today(late_evening, "Asia/Makassar"))
    assert not rules.is_overdue(rules.DONE, due, date(2025, 1, 1))
