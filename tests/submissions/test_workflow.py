"""The answer's rules (submissions/workflow.py), checked exhaustively: every state x action
x role against the rule table, every answer type x value form against the parser."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siaga.core.security import ROLE_CAPABILITIES, Capability
from siaga.models import AnswerType, Role, SubmissionStatus
from siaga.submissions import workflow
from siaga.submissions.workflow import ACTIONS, TRANSITIONS, Answer, Refused

CUTOFF = datetime(2024, 1, 16, 16, 0, tzinfo=UTC)  # midnight WITA after 2024-01-15
# What each action needs and does, written out again rather than read from TRANSITIONS.
TABLE = {
    "submit": (Capability.ANSWER, {"draft", "returned"}, "submitted"),
    "verify": (Capability.REVIEW, {"submitted"}, "verified"),
    "return": (Capability.REVIEW, {"submitted"}, "returned"),
    "reopen": (Capability.REVIEW, {"verified"}, "returned"),
}
REASON = "Angka tidak sesuai dengan dokumen anggaran"

statuses = st.sampled_from(list(SubmissionStatus))
instants = st.datetimes(
    min_value=datetime(2023, 1, 1), max_value=datetime(2026, 1, 1), timezones=st.just(UTC)
)
capability_sets = st.one_of(
    st.sampled_from([ROLE_CAPABILITIES[role] for role in Role]),
    st.frozensets(st.sampled_from(list(Capability))),
)
values = st.one_of(st.none(), st.floats(min_value=0, max_value=100, allow_nan=False))
# Region codes on a small tree (nation, two provinces, their regencies and a village-level
# code), so that scopes above, equal to, below and beside a region all come up often.
region_codes = st.sampled_from(["64", "64.72", "64.72.01", "64.01", "63", "63.71", "6"])
scopes = st.one_of(st.none(), region_codes)
# A reviewer one level above the answers of the tests that are not about separation.
SCOPE, REGION = "64", "64.72"
narratives = st.text(max_size=20)


@st.composite
def answers(draw: st.DrawFn) -> Answer:
    status = draw(statuses)
    first = draw(st.one_of(st.none(), instants)) if status == SubmissionStatus.DRAFT else None
    if status != SubmissionStatus.DRAFT:
        first = draw(instants)
    return Answer(
        value=draw(values),
        narrative=draw(narratives),
        status=status,
        version=draw(st.integers(min_value=1, max_value=1000)),
        first_submitted_at=first,
        submitted_at=first,
        verified_at=draw(instants) if status == SubmissionStatus.VERIFIED else None,
        is_late=draw(st.booleans()),
    )


# -- transitions -----------------------------------------------------------------------


def test_the_table_is_the_documented_one() -> None:
    for action, (capability, sources, target) in TABLE.items():
        rule = TRANSITIONS[action]
        assert rule.capability == capability
        assert {s.value for s in rule.sources} == sources
        assert rule.target.value == target
        assert rule.needs_reason == (action in ("return", "reopen"))
    assert set(TRANSITIONS) == set(ACTIONS) == set(TABLE)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("status", list(SubmissionStatus))
@pytest.mark.parametrize("action", ACTIONS)
def test_every_state_action_and_role(
    role: Role, status: SubmissionStatus, action: workflow.Action
) -> None:
    capability, sources, target = TABLE[action]
    answer = Answer(value=2.0, narrative="", status=status, version=3)
    now = CUTOFF - timedelta(hours=1)
    allowed = capability in ROLE_CAPABILITIES[role] and status.value in sources
    try:
        after = workflow.take(
            answer,
            action,
            capabilities=ROLE_CAPABILITIES[role],
            now=now,
            cutoff=CUTOFF,
            reason=REASON,
            scope=SCOPE,
            region=REGION,
        )
    except Refused as refused:
        assert not allowed
        expected = "forbidden" if capability not in ROLE_CAPABILITIES[role] else "invalid_state"
        assert refused.problem.code == expected
        return
    assert allowed
    assert after.status.value == target
    assert after.version == 4


@given(
    answer=answers(),
    action=st.sampled_from(ACTIONS),
    capabilities=capability_sets,
    now=instants,
    evidence_required=st.booleans(),
    evidence_files=st.integers(min_value=0, max_value=3),
    reason=st.one_of(st.none(), st.text(max_size=30), st.just(REASON)),
    scope=scopes,
    region=region_codes,
)
def test_take_follows_the_rules(
    answer: Answer,
    action: workflow.Action,
    capabilities: frozenset[Capability],
    now: datetime,
    evidence_required: bool,
    evidence_files: int,
    reason: str | None,
    scope: str | None,
    region: str,
) -> None:
    capability, sources, target = TABLE[action]
    # Strictly below, written out again: the nation is above all; a code is below a scope
    # when it starts with the scope and a dot ("64.72" under "64", never under "6").
    below = scope is None or region.startswith(scope + ".")
    expected: str | None = None
    if capability not in capabilities:
        expected = "forbidden"
    elif capability == Capability.REVIEW and not below:
        expected = "own_region"
    elif answer.status.value not in sources:
        expected = "invalid_state"
    elif action == "submit" and answer.value is None:
        expected = "value_required"
    elif action == "submit" and evidence_required and evidence_files == 0:
        expected = "evidence_required"
    elif action in ("return", "reopen") and not (
        reason is not None and 15 <= len(reason.strip()) <= 2000
    ):
        expected = "reason_required"
    try:
        after = workflow.take(
            answer,
            action,
            capabilities=capabilities,
            now=now,
            cutoff=CUTOFF,
            evidence_required=evidence_required,
            evidence_files=evidence_files,
            reason=reason,
            scope=scope,
            region=region,
        )
    except Refused as refused:
        assert refused.problem.code == expected
        return
    assert expected is None
    assert after.status.value == target
    assert after.version == answer.version + 1
    assert (after.value, after.narrative) == (answer.value, answer.narrative)
    if action == "submit":
        assert after.submitted_at == now
        if answer.first_submitted_at is None:
            # The first submission decides lateness, at or after the cut-off.
            assert after.first_submitted_at == now
            assert after.is_late == (now >= CUTOFF)
        else:
            assert after.first_submitted_at == answer.first_submitted_at
            assert after.is_late == answer.is_late
    else:
        assert after.submitted_at == answer.submitted_at
        assert after.is_late == answer.is_late
    if action == "verify":
        assert after.verified_at == now
    elif action == "reopen":
        assert after.verified_at is None
    elif action == "return":
        assert after.verified_at == answer.verified_at


@pytest.mark.parametrize(
    ("now", "late"),
    [
        (CUTOFF - timedelta(microseconds=1), False),
        (CUTOFF, True),
        (CUTOFF + timedelta(days=3), True),
    ],
)
def test_lateness_at_the_cutoff(now: datetime, late: bool) -> None:
    answer = Answer(value=1.0, narrative="", status=SubmissionStatus.DRAFT, version=1)
    sent = workflow.take(
        answer, "submit", capabilities=frozenset({Capability.ANSWER}), now=now, cutoff=CUTOFF
    )
    assert sent.is_late is late


def test_a_resubmission_keeps_the_first_verdict() -> None:
    caps = frozenset(Capability)
    answer = Answer(value=1.0, narrative="", status=SubmissionStatus.DRAFT, version=1)
    on_time = workflow.take(
        answer, "submit", capabilities=caps, now=CUTOFF - timedelta(days=1), cutoff=CUTOFF
    )
    returned = workflow.take(
        on_time,
        "return",
        capabilities=caps,
        now=CUTOFF,
        cutoff=CUTOFF,
        reason=REASON,
        scope=SCOPE,
        region=REGION,
    )
    again = workflow.take(
        returned, "submit", capabilities=caps, now=CUTOFF + timedelta(days=9), cutoff=CUTOFF
    )
    assert again.is_late is False
    assert again.first_submitted_at == on_time.first_submitted_at
    assert again.submitted_at == CUTOFF + timedelta(days=9)
    assert again.version == 4


# -- separation of duties --------------------------------------------------------------

REVIEWS: tuple[workflow.Action, ...] = ("verify", "return", "reopen")


@pytest.mark.parametrize(
    ("scope", "region", "allowed"),
    [
        (None, "64", True),  # the Ministry reviews a province's own answers
        (None, "64.72", True),  # and any region's
        ("64", "64.72", True),  # the province reviews its cities
        ("64", "64.72.01", True),  # and anything further down
        ("64", "64", False),  # never its own answers
        ("64.72", "64.72", False),  # at any level
        ("64.72", "64", False),  # nor those of the region above it
        ("64", "63.71", False),  # nor those of another province
        ("6", "64.72", False),  # a prefix of digits is not an ancestor
        ("64", None, False),  # a review that does not say whose answer it is
    ],
)
@pytest.mark.parametrize("action", REVIEWS)
def test_reviews_only_below_the_reviewers_region(
    action: workflow.Action, scope: str | None, region: str | None, allowed: bool
) -> None:
    status = SubmissionStatus.VERIFIED if action == "reopen" else SubmissionStatus.SUBMITTED
    answer = Answer(value=2.0, narrative="", status=status, version=3)
    try:
        after = workflow.take(
            answer,
            action,
            capabilities=ROLE_CAPABILITIES[Role.ADMIN],
            now=CUTOFF,
            cutoff=CUTOFF,
            reason=REASON,
            scope=scope,
            region=region,
        )
    except Refused as refused:
        assert not allowed
        assert refused.problem.code == "own_region"
        assert refused.problem.field is None
        # Both languages, for the API's message.
        assert "sendiri" in refused.problem.message_id
        assert "own region" in refused.problem.message_en
        return
    assert allowed
    assert after.version == 4


@given(scope=scopes, region=region_codes, status=statuses)
def test_separation_comes_before_the_state_and_never_touches_submit(
    scope: str | None, region: str, status: SubmissionStatus
) -> None:
    """A reviewer is told it may not review this region whatever the answer's state; the
    rule is about reviews only: an operator's submit never meets it."""
    own = not (scope is None or region.startswith(scope + "."))
    for action in REVIEWS:
        problem = workflow.check_separation(action, scope, region)
        assert (problem is not None) == own
        if own:
            with pytest.raises(Refused) as refused:
                workflow.take(
                    Answer(value=1.0, narrative="", status=status, version=1),
                    action,
                    capabilities=frozenset(Capability),
                    now=CUTOFF,
                    cutoff=CUTOFF,
                    reason=REASON,
                    scope=scope,
                    region=region,
                )
            assert refused.value.problem.code == "own_region"
    assert workflow.check_separation("submit", scope, region) is None


# -- edits -----------------------------------------------------------------------------


@given(answer=answers())
def test_an_edit_that_changes_nothing_is_a_no_op_in_any_state(answer: Answer) -> None:
    assert workflow.edit(answer, answer.value, answer.narrative) is None


@given(answer=answers(), value=values, narrative=narratives)
def test_an_edit_changes_only_editable_answers(
    answer: Answer, value: float | None, narrative: str
) -> None:
    if (value, narrative) == (answer.value, answer.narrative):
        return
    if answer.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.VERIFIED):
        with pytest.raises(Refused) as refused:
            workflow.edit(answer, value, narrative)
        assert refused.value.problem.code == "invalid_state"
        return
    after = workflow.edit(answer, value, narrative)
    assert after is not None
    assert (after.value, after.narrative, after.status) == (value, narrative, answer.status)
    assert after.version == answer.version + 1


@given(answer=answers())
def test_touch_and_check_editable(answer: Answer) -> None:
    editable = answer.status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)
    assert (workflow.check_editable(answer.status) is None) == editable
    if editable:
        assert workflow.touch(answer) == Answer(
            **{**_fields(answer), "version": answer.version + 1}
        )
    else:
        with pytest.raises(Refused):
            workflow.touch(answer)


def _fields(answer: Answer) -> dict[str, object]:
    return {name: getattr(answer, name) for name in Answer.__slots__}


# -- values ----------------------------------------------------------------------------

YES = ["ya", "YA", "Yes", "TRUE", " tidak ", "No", "false", "0", "1", " 1 "]
GARBAGE = ["abc", "1.2.3", "1,2,3", "1,5.0", "nan", "inf", "-inf", "1e400", "--1", "0x1"]


def _expected(answer_type: AnswerType, raw: object) -> float | str | None:
    """The parser's documented outcome, written independently: a number, None, or 'refused'."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        return (1.0 if raw else 0.0) if answer_type == AnswerType.YES_NO else "refused"
    if isinstance(raw, str):
        text = raw.strip()
        if answer_type == AnswerType.YES_NO:
            word = text.lower()
            if word in ("ya", "yes", "true", "1"):
                return 1.0
            if word in ("tidak", "no", "false", "0"):
                return 0.0
            return "refused"
        if not text.isascii() or "_" in text:
            return "refused"
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return "refused"
    else:
        assert isinstance(raw, int | float)
        if isinstance(raw, int) and abs(raw) > 10**308:
            return "refused"
        number = float(raw)
    if not math.isfinite(number):
        return "refused"
    whole = number == int(number)
    ok = {
        AnswerType.YES_NO: number in (0.0, 1.0),
        AnswerType.LEVEL: whole and 0 <= number <= 4,
        AnswerType.PERCENT: 0 <= number <= 100,
        AnswerType.COUNT: whole and 0 <= number <= 1_000_000,
    }[answer_type]
    return number + 0.0 if ok else "refused"


raw_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-10, max_value=2_000_000),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 2.5, 4.0, 4.5, 99.9, 100.0, 100.01, 1e6, 1e6 + 1, 1e308]),
    st.sampled_from(
        [
            "",
            "  ",
            "\t",
            "75,5",
            "75.5",
            " 3 ",
            "2,0",
            "-0",
            "1e2",
            "1_000",
            "\uff11",
            *YES,
            *GARBAGE,
        ]
    ),
    st.text(alphabet="0123456789,. -eYaTidkno", max_size=8),
)


@given(answer_type=st.sampled_from(list(AnswerType)), raw=raw_values)
def test_every_type_and_value_form(answer_type: AnswerType, raw: object) -> None:
    expected = _expected(answer_type, raw)
    if expected == "refused":
        with pytest.raises(Refused) as refused:
            workflow.parse_value(answer_type, raw)
        problem = refused.value.problem
        assert (problem.code, problem.field) == ("invalid_value", "value")
        assert problem.details == {"answer_type": answer_type.value}
        return
    parsed = workflow.parse_value(answer_type, raw)
    assert parsed == expected
    if parsed is not None:
        assert isinstance(parsed, float)
        assert math.copysign(1.0, parsed) == 1.0  # never -0.0


@pytest.mark.parametrize(
    ("answer_type", "raw", "stored"),
    [
        (AnswerType.COUNT, 2.5, "refused"),  # the documented rule: a count is a whole number
        (AnswerType.COUNT, "12", 12.0),
        (AnswerType.PERCENT, "75,5", 75.5),
        (AnswerType.PERCENT, -0.0, 0.0),
        (AnswerType.LEVEL, True, "refused"),
        (AnswerType.YES_NO, "Tidak", 0.0),
        (AnswerType.YES_NO, 1, 1.0),
        (AnswerType.YES_NO, 2, "refused"),
        (AnswerType.LEVEL, "", None),
    ],
)
def test_value_examples(answer_type: AnswerType, raw: object, stored: object) -> None:
    if stored == "refused":
        with pytest.raises(Refused):
            workflow.parse_value(answer_type, raw)
    else:
        assert workflow.parse_value(answer_type, raw) == stored


# -- submit, reason, snapshot ----------------------------------------------------------


@given(value=values, required=st.booleans(), files=st.integers(min_value=0, max_value=5))
def test_check_submit(value: float | None, required: bool, files: int) -> None:
    problem = workflow.check_submit(value, required, files)
    if value is None:
        assert problem is not None and problem.code == "value_required"
    elif required and files == 0:
        assert problem is not None and problem.code == "evidence_required"
    else:
        assert problem is None


@given(action=st.sampled_from(ACTIONS), reason=st.one_of(st.none(), st.text(max_size=2100)))
def test_check_reason(action: workflow.Action, reason: str | None) -> None:
    problem = workflow.check_reason(action, reason)
    if action in ("submit", "verify"):
        assert problem is None
        return
    good = reason is not None and 15 <= len(reason.strip()) <= 2000
    assert (problem is None) == good
    if problem is not None:
        assert (problem.code, problem.field) == ("reason_required", "reason")


def test_reason_bounds() -> None:
    assert workflow.check_reason("return", " " * 5 + "x" * 14 + " " * 5) is not None
    assert workflow.check_reason("return", "x" * 15) is None
    assert workflow.check_reason("reopen", "x" * 2000) is None
    assert workflow.check_reason("reopen", "x" * 2001) is not None


@given(answer=answers(), reason=st.one_of(st.none(), st.text(max_size=5)))
def test_snapshot_keys(answer: Answer, reason: str | None) -> None:
    snap = workflow.snapshot(answer, reason=reason, import_batch=None)
    base = {"value", "narrative", "status", "version"}
    assert set(snap) == (base | {"reason"} if reason is not None else base)
    assert snap["status"] == answer.status.value
    assert snap["version"] == answer.version


def test_audit_entry_label() -> None:
    label = workflow.answer_label("2024-Q1", "64.72", "K1.01")
    entry = workflow.audit_entry("submission.update", label, "64.72", before={"a": 1})
    assert entry.entity_id == "2024-Q1/64.72/K1.01"
    assert entry.entity_type == "submission"
    assert (entry.before, entry.after) == ({"a": 1}, None)
    long = workflow.audit_entry("submission.update", "x" * 300, "64.72")
    assert len(long.entity_id) == workflow.ENTITY_ID_MAX_LENGTH
