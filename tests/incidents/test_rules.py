"""incidents.rules as pure functions: the steps, who holds an incident at each level, the
overdue windows, escalation, numbers and places; properties over every combination."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siaga.core.roles import Role
from siaga.core.security import ROLE_CAPABILITIES, Capability
from siaga.incidents import checks, rules
from siaga.models import IncidentLevel, IncidentSeverity, IncidentState

NOW = datetime(2024, 2, 14, 3, 0, tzinfo=UTC)
CITY = "64.72"


def caller(role: Role, scope: str | None, *, kesbangpol: bool = False) -> rules.Caller:
    return rules.Caller(role, ROLE_CAPABILITIES[role], scope, kesbangpol=kesbangpol)


def case(
    state: IncidentState = IncidentState.REPORTED,
    level: IncidentLevel = IncidentLevel.PEMDA,
    severity: IncidentSeverity = IncidentSeverity.SEDANG,
    region: str = CITY,
    reported_at: datetime = NOW,
) -> rules.Case:
    return rules.Case(region, state, level, severity, reported_at)


COORDINATOR = caller(Role.COORDINATOR, CITY)
KESBANGPOL = caller(Role.OPERATOR, CITY, kesbangpol=True)
OTHER_AGENCY = caller(Role.OPERATOR, CITY)
PROVINCE = caller(Role.VERIFIER, "64")
PROVINCE_ADMIN = caller(Role.ADMIN, "64")
MINISTRY = caller(Role.VERIFIER, None)
VIEWER = caller(Role.VIEWER, "64")
API_KEY = rules.Caller(None, frozenset({Capability.READ, Capability.ANSWER}), "64")

callers = st.sampled_from(
    [COORDINATOR, KESBANGPOL, OTHER_AGENCY, PROVINCE, PROVINCE_ADMIN, MINISTRY, VIEWER, API_KEY]
)
states = st.sampled_from(list(IncidentState))
levels = st.sampled_from(list(IncidentLevel))
severities = st.sampled_from(list(IncidentSeverity))


def test_the_steps_form_one_line_with_a_reopening() -> None:
    order = list(IncidentState)
    for here, there in itertools.pairwise(order):
        assert there in rules.STEPS[here]
    assert rules.STEPS[IncidentState.RESOLVED] == {IncidentState.CLOSED, IncidentState.HANDLING}
    assert rules.STEPS[IncidentState.CLOSED] == frozenset()


@given(states, states)
def test_a_step_is_allowed_exactly_when_listed(state: IncidentState, target: IncidentState) -> None:
    problem = rules.check_update(COORDINATOR, case(state), target)
    if state == IncidentState.CLOSED:
        assert problem is not None and problem.code == "invalid_state"
    elif target == state:
        assert problem is None  # a note alone
    elif target in rules.STEPS[state]:
        assert problem is None
    else:
        assert problem is not None and problem.code == "invalid_state"


@given(callers, states, levels)
def test_next_steps_are_what_check_update_allows(
    who: rules.Caller, state: IncidentState, level: IncidentLevel
) -> None:
    here = case(state, level)
    allowed = {
        target
        for target in IncidentState
        if target != state and rules.check_update(who, here, target) is None
    }
    assert set(rules.next_steps(who, here)) == allowed


@given(callers, states, levels)
def test_whoever_holds_takes_part(
    who: rules.Caller, state: IncidentState, level: IncidentLevel
) -> None:
    here = case(state, level)
    if rules.holds(who, here):
        assert rules.takes_part(who, CITY)
    # Readers never act.
    if who in (VIEWER, API_KEY, OTHER_AGENCY):
        assert not rules.takes_part(who, CITY)
        assert rules.next_steps(who, here) == []
        assert not rules.may_escalate(who, here)


@pytest.mark.parametrize(
    ("level", "holders"),
    [
        (
            IncidentLevel.PEMDA,
            {"COORDINATOR", "KESBANGPOL", "PROVINCE", "PROVINCE_ADMIN", "MINISTRY"},
        ),
        (IncidentLevel.PROVINCE, {"PROVINCE", "PROVINCE_ADMIN", "MINISTRY"}),
        (IncidentLevel.NATIONAL, {"MINISTRY"}),
    ],
)
def test_holders_by_level(level: IncidentLevel, holders: set[str]) -> None:
    named = {
        "COORDINATOR": COORDINATOR,
        "KESBANGPOL": KESBANGPOL,
        "OTHER_AGENCY": OTHER_AGENCY,
        "PROVINCE": PROVINCE,
        "PROVINCE_ADMIN": PROVINCE_ADMIN,
        "MINISTRY": MINISTRY,
        "VIEWER": VIEWER,
        "API_KEY": API_KEY,
    }
    assert {name for name, who in named.items() if rules.holds(who, case(level=level))} == holders


def test_escalation_levels() -> None:
    assert rules.next_level(IncidentLevel.PEMDA, CITY) == IncidentLevel.PROVINCE
    assert rules.next_level(IncidentLevel.PROVINCE, CITY) == IncidentLevel.NATIONAL
    assert rules.next_level(IncidentLevel.NATIONAL, CITY) is None
    # A province's own incident goes to the Ministry at once.
    assert rules.next_level(IncidentLevel.PEMDA, "64") == IncidentLevel.NATIONAL


@given(callers, states, levels)
def test_escalation_only_when_open_below_the_top_and_held(
    who: rules.Caller, state: IncidentState, level: IncidentLevel
) -> None:
    here = case(state, level)
    allowed = rules.may_escalate(who, here)
    assert allowed == (
        rules.takes_part(who, CITY)
        and state in rules.OPEN
        and rules.escalation_target(who, here) is not None
        and rules.holds(who, here)
    )
    if allowed:
        # Always upwards, past where the caller stands.
        target = rules.escalation_target(who, here)
        order = list(IncidentLevel)
        assert target is not None and order.index(target) > order.index(level)
        assert order.index(target) > order.index(rules.caller_level(who, CITY))


def test_escalation_targets() -> None:
    assert rules.escalation_target(COORDINATOR, case()) == IncidentLevel.PROVINCE
    # The province sends a Pemda's incident to the Ministry, not to itself.
    assert rules.escalation_target(PROVINCE, case()) == IncidentLevel.NATIONAL
    assert rules.escalation_target(PROVINCE, case(level=IncidentLevel.PROVINCE)) == (
        IncidentLevel.NATIONAL
    )
    assert rules.escalation_target(MINISTRY, case()) is None
    own = caller(Role.VERIFIER, "64")
    assert rules.escalation_target(own, case(region="64")) == IncidentLevel.NATIONAL


@given(severities, st.integers(min_value=0, max_value=100 * 3600))
def test_overdue_windows(severity: IncidentSeverity, seconds: int) -> None:
    window = {"kritis": 1, "tinggi": 4, "sedang": 24, "rendah": 72}[severity.value]
    now = NOW + timedelta(seconds=seconds)
    assert rules.is_overdue(case(severity=severity), now) == (seconds > window * 3600)
    # Once acknowledged, never overdue.
    assert not rules.is_overdue(case(IncidentState.ACKNOWLEDGED, severity=severity), now)


def test_acknowledged_late() -> None:
    assert rules.acknowledged_late(IncidentSeverity.KRITIS, NOW, NOW + timedelta(minutes=61))
    assert not rules.acknowledged_late(IncidentSeverity.KRITIS, NOW, NOW + timedelta(minutes=59))
    assert not rules.acknowledged_late(IncidentSeverity.KRITIS, NOW, None)


def test_filing() -> None:
    assert rules.may_file(COORDINATOR, CITY) and rules.may_file(KESBANGPOL, CITY)
    assert not rules.may_file(COORDINATOR, "64.01")
    assert rules.may_file(PROVINCE_ADMIN, "64.01") and not rules.may_file(PROVINCE_ADMIN, "63.71")
    for refused in (OTHER_AGENCY, PROVINCE, MINISTRY, VIEWER, API_KEY):
        assert not rules.files_somewhere(refused)


@given(st.integers(min_value=1, max_value=99999), st.integers(min_value=2000, max_value=2999))
def test_numbers(seq: int, year: int) -> None:
    number = rules.number(CITY, year, seq)
    assert rules.is_number(number)
    assert number == f"LC/64.72/{year}/{seq:04d}"


@pytest.mark.parametrize(
    "text", ["LC/64.72/2026", "LC/x/2026/0001", "lc/64.72/2026/0001", "LC/64.72/26/0001", ""]
)
def test_not_numbers(text: str) -> None:
    assert not rules.is_number(text)


@given(
    st.floats(min_value=-90, max_value=90, allow_nan=False),
    st.floats(min_value=-180, max_value=180, allow_nan=False),
)
def test_points_inside_indonesias_box_only(lat: float, lon: float) -> None:
    inside = -11.5 <= lat <= 6.5 and 94.5 <= lon <= 141.5
    assert (checks.check_location(lat, lon) is None) == inside


def test_points() -> None:
    assert checks.check_location(None, None) is None
    problem = checks.check_location(-0.5, None)
    assert problem is not None and problem.code == "location_incomplete"
    box = (117.0, -0.7, 117.3, -0.35)
    assert checks.check_in_outline(-0.5, 117.1, box) is None
    assert checks.check_in_outline(-0.75, 117.35, box) is None  # within the margin
    far = checks.check_in_outline(1.36, 103.99, box)
    assert far is not None and far.code == "location_outside_region"
    assert checks.check_in_outline(1.36, 103.99, None) is None


def test_times() -> None:
    assert checks.check_occurred(NOW + timedelta(minutes=4), NOW) is None
    future = checks.check_occurred(NOW + timedelta(minutes=6), NOW)
    assert future is not None and future.code == "occurred_in_future"
    early = checks.check_occurred(datetime(1999, 12, 31, tzinfo=UTC), NOW)
    assert early is not None and early.code == "occurred_too_early"
