"""The inbox channel: whose inbox an event lands in, and which page it links to.

| event | whose inbox | link |
|---|---|---|
| submission.returned | the answer's agency's operators, and the Pemda's coordinators | the answer |
| submission.verified, submission.reopened | the answer's agency's operators | the answer |
| submission.submitted | nobody: the review queue lists them (a daily digest comes later) | |
| report.submitted | the verifiers exactly one level up, who may accept it | the report |
| report.accepted, report.returned | the Pemda's coordinators | the report |
| period.opened, period.closed | every operator and coordinator (periods are national) | tasks |
| incident.reported | the Pemda's coordinators; if kritis, the verifiers above at once | incident |
| incident.escalated | the verifiers of the level it now sits at (province or Ministry) | incident |
| incident.updated, incident.resolved | the Pemda's coordinators | incident |
| reminder.deadline, reminder.digest, recommendation.overdue | the user it names | (below) |
| webhook.failed | the administrator it names | the webhooks page |

Reminders (siaga.reminders.schedule) are one event per person, named in `recipient`;
they link to the tasks, the review queue or the Pemda (digests), and the report. So is a
failing webhook endpoint (siaga.webhooks.notify), one event per administrator over it.

Only active accounts, never the one who acted. An operator's link opens the answer to
edit it, a coordinator's (who reads but does not answer) to read it. Names of the region
and the indicator are looked up once per batch and kept in the item, so the inbox reads
no other table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, Literal
from urllib.parse import quote, urlencode

from sqlalchemy import JSON, and_, false, literal, or_, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.types import UTCDateTime
from siaga.events.catalogue import AnyEventType, EventType, ReminderType
from siaga.events.channels import Channel, ClaimedEvent
from siaga.models import Agency, Indicator, Notification, Period, Region, Role, User

Audience = Literal[
    "operators",
    "coordinators",
    "reviewers_above",
    "reviewers_above_if_urgent",
    "holders",
    "everyone_working",
    "recipient",
]

AUDIENCES: dict[AnyEventType, tuple[Audience, ...]] = {
    EventType.SUBMISSION_SUBMITTED: (),
    EventType.SUBMISSION_VERIFIED: ("operators",),
    EventType.SUBMISSION_RETURNED: ("operators", "coordinators"),
    EventType.SUBMISSION_REOPENED: ("operators",),
    EventType.REPORT_SUBMITTED: ("reviewers_above",),
    EventType.REPORT_ACCEPTED: ("coordinators",),
    EventType.REPORT_RETURNED: ("coordinators",),
    EventType.PERIOD_OPENED: ("everyone_working",),
    EventType.PERIOD_CLOSED: ("everyone_working",),
    EventType.INCIDENT_REPORTED: ("coordinators", "reviewers_above_if_urgent"),
    EventType.INCIDENT_UPDATED: ("coordinators",),
    EventType.INCIDENT_ESCALATED: ("holders",),
    EventType.INCIDENT_RESOLVED: ("coordinators",),
    ReminderType.DEADLINE: ("recipient",),
    ReminderType.DIGEST: ("recipient",),
    ReminderType.RECOMMENDATION_OVERDUE: ("recipient",),
    ReminderType.WEBHOOK_FAILED: ("recipient",),
}
# What an item shows of its event (the SPA words it in the reader's language).
SHOWN = (
    *("period", "region", "indicator", "agency", "status", "reason", "actor"),
    # Reminders: what is due, by when, and how much of it.
    *("period_name", "agency_name", "deadline", "days_left", "open_tasks", "due_on", "text"),
    *("answers_to_review", "reports_to_accept", "missing_answers", "returned_answers"),
    *("number", "title", "severity"),
    # A failing webhook endpoint: which, how, and what its last attempt got.
    *("endpoint", "url", "kind", "event_type", "attempts", "status_code", "error"),
)
WEBHOOKS_PAGE = "/admin/webhook"


def _path(*parts: str) -> str:
    return "/" + "/".join(quote(part, safe="") for part in parts)


def link(event_type: str, data: dict[str, Any], role: Role) -> str:
    """The SPA page of the event's object, as the recipient's role opens it."""
    family = event_type.split(".", 1)[0]
    if event_type == ReminderType.WEBHOOK_FAILED:
        return WEBHOOKS_PAGE
    period = str(data.get("period", ""))
    if family == "submission":
        region, indicator = str(data["region"]), str(data["indicator"])
        if role == Role.OPERATOR:
            return _path("tugas", period, region, indicator)
        return _path("wilayah", region, "jawaban", period, indicator)
    if family in ("report", "recommendation"):
        return _path("laporan", str(data["region"]), period)
    if family == "incident":
        # LC/<region>/<year>/<seq> is the page /laporan-cepat/<region>/<year>/<seq>.
        return _path("laporan-cepat", *str(data["number"]).split("/")[1:])
    if event_type == ReminderType.DIGEST:
        if role == Role.VERIFIER:
            return "/verifikasi"
        return _path("wilayah", str(data["region"]))
    return "/tugas?" + urlencode({"period": period})


class InboxChannel(Channel):
    name = "inbox"

    async def fan_out(self, session: AsyncSession, events: Sequence[ClaimedEvent]) -> None:
        for event in events:
            if "everyone_working" in _audiences(event):
                await _to_everyone_working(session, event)
        targeted = [e for e in events if is_targeted(e)]
        if not targeted:
            return
        found = await recipients(session, targeted)
        names = await item_names(session, targeted)
        rows = []
        for event in targeted:
            shown = {**_shown(event.data), **names.get(event.id, {})}
            for user_id, role in found[event.id]:
                rows.append(
                    {
                        "user_id": user_id,
                        "event_id": event.id,
                        "type": event.type,
                        "data": shown,
                        "link": link(event.type, event.data, role),
                        "created_at": event.occurred_at,
                    }
                )
        if rows:
            await session.execute(_insert_new(session), rows)


def _audiences(event: ClaimedEvent) -> tuple[Audience, ...]:
    # A type this version does not know (written by a newer one) reaches nobody.
    found: tuple[Audience, ...] = AUDIENCES.get(event.type, ())  # type: ignore[call-overload]
    return found


def is_targeted(event: ClaimedEvent) -> bool:
    """Whether the event reaches people picked one by one (not every working account)."""
    audiences = _audiences(event)
    return bool(audiences) and "everyone_working" not in audiences


def reaches_everyone_working(event: ClaimedEvent) -> bool:
    return "everyone_working" in _audiences(event)


async def recipients(
    session: AsyncSession, events: Sequence[ClaimedEvent]
) -> dict[int, list[tuple[int, Role]]]:
    """Per targeted event: the users whose inbox it reaches, each with the role in which
    they open its link (the e-mail channel writes to the same people)."""
    people = await _people(session, events)
    return {event.id: list(_recipients(event, people)) for event in events}


def _shown(data: dict[str, Any]) -> dict[str, Any]:
    return {key: data[key] for key in SHOWN if data.get(key) is not None}


def _insert_new(session: AsyncSession, rows: Any = None) -> Any:
    """INSERT (of `rows`, a SELECT, if given) that skips an item the user already has for
    the event: the event was retaken after its lease ran out."""
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Notification)
    if rows is not None:
        insert = insert.from_select(_COLUMNS, rows)
    return insert.on_conflict_do_nothing(index_elements=["user_id", "event_id"])


_COLUMNS = ["user_id", "event_id", "type", "data", "link", "created_at"]


class _People:
    """The active operators, coordinators and verifiers the batch's events concern."""

    def __init__(self) -> None:
        self.operators: dict[str, list[int]] = defaultdict(list)  # agency code -> users
        self.coordinators: dict[str, list[int]] = defaultdict(list)  # region code -> users
        self.reviewers_above: dict[str, list[int]] = defaultdict(list)  # region code -> users
        self.national: list[int] = []  # national verifiers
        self.named: dict[int, Role] = {}  # reminders' recipients who are still active


async def _people(session: AsyncSession, events: Sequence[ClaimedEvent]) -> _People:
    wanted: dict[Audience, set[str]] = defaultdict(set)
    for event in events:
        for audience in _audiences(event):
            if audience == "recipient":
                wanted[audience].add(str(event.data.get("recipient")))
                continue
            key = event.data.get("agency" if audience == "operators" else "region")
            if key is not None:
                wanted[_lookup(audience)].add(str(key))
    people = _People()
    if wanted["operators"]:
        rows = await session.execute(
            select(User.id, Agency.code)
            .join(Agency, Agency.id == User.agency_id)
            .where(_active(Role.OPERATOR), Agency.code.in_(wanted["operators"]))
        )
        for user_id, code in rows:
            people.operators[code].append(user_id)
    if wanted["coordinators"]:
        rows = await session.execute(
            select(User.id, Region.code)
            .join(Region, Region.id == User.region_id)
            .where(_active(Role.COORDINATOR), Region.code.in_(wanted["coordinators"]))
        )
        for user_id, code in rows:
            people.coordinators[code].append(user_id)
    if wanted["reviewers_above"]:
        await _reviewers_above(session, wanted["reviewers_above"], people)
    if wanted["recipient"]:
        ids = {int(i) for i in wanted["recipient"] if i.isdigit()}
        rows = await session.execute(
            select(User.id, User.role).where(User.id.in_(ids), User.is_active.is_(True))
        )
        people.named = {user_id: Role(role) for user_id, role in rows}
    return people


def _lookup(audience: Audience) -> Audience:
    """Whose list an audience is drawn from: the incidents' verifiers are those one level
    up of the region, as for reports (national ones are found beside them)."""
    return "reviewers_above" if audience in ("reviewers_above_if_urgent", "holders") else audience


def _active(role: Role) -> Any:
    return and_(User.role == role, User.is_active.is_(True))


async def _reviewers_above(session: AsyncSession, codes: set[str], people: _People) -> None:
    """Verifiers whose region is the parent of each region (national ones, with no
    region, for a province): those who may accept its report."""
    parents: dict[str, int | None] = {
        code: parent
        for code, parent in await session.execute(
            select(Region.code, Region.parent_id).where(Region.code.in_(codes))
        )
    }
    parent_ids = {p for p in parents.values() if p is not None}
    # National verifiers too: those of a province, and those an incident escalates to.
    national = True
    rows = await session.execute(
        select(User.id, User.region_id).where(
            _active(Role.VERIFIER),
            or_(
                User.region_id.in_(parent_ids),
                User.region_id.is_(None) if national else false(),
            ),
        )
    )
    by_region: dict[int | None, list[int]] = defaultdict(list)
    for user_id, region_id in rows:
        by_region[region_id].append(user_id)
    for code, parent_id in parents.items():
        people.reviewers_above[code] = by_region.get(parent_id, [])
        people.national = by_region.get(None, [])


def _recipients(event: ClaimedEvent, people: _People) -> Iterable[tuple[int, Role]]:
    seen: set[int] = set()
    for audience in _audiences(event):
        if audience == "recipient":
            user_id = int(event.data.get("recipient", 0))
            if user_id in people.named and user_id not in seen:
                seen.add(user_id)
                yield user_id, people.named[user_id]
            continue
        if audience == "operators":
            found = people.operators.get(str(event.data.get("agency")), [])
            role = Role.OPERATOR
        elif audience == "coordinators":
            found = people.coordinators.get(str(event.data.get("region")), [])
            role = Role.COORDINATOR
        elif audience == "reviewers_above_if_urgent" and not event.data.get("urgent"):
            continue
        elif audience == "holders" and event.data.get("level") == "national":
            found, role = people.national, Role.VERIFIER
        else:
            found = people.reviewers_above.get(str(event.data.get("region")), [])
            role = Role.VERIFIER
        for user_id in found:
            if user_id != event.actor_user_id and user_id not in seen:
                seen.add(user_id)
                yield user_id, role


async def item_names(
    session: AsyncSession, events: Sequence[ClaimedEvent]
) -> dict[int, dict[str, str]]:
    """Per event: the region's and the indicator's names, to show beside their codes."""
    regions = {str(e.data["region"]) for e in events if e.data.get("region")}
    region_names: dict[str, str] = {
        code: name
        for code, name in await session.execute(
            select(Region.code, Region.name).where(Region.code.in_(regions))
        )
    }
    pairs = {
        (str(e.data["period"]), str(e.data["indicator"])) for e in events if e.data.get("indicator")
    }
    indicator_names: dict[tuple[str, str], str] = {}
    if pairs:
        rows = await session.execute(
            select(Period.code, Indicator.code, Indicator.name)
            .join(Indicator, Indicator.framework_id == Period.framework_id)
            .where(
                Period.code.in_({p for p, _ in pairs}), Indicator.code.in_({i for _, i in pairs})
            )
        )
        indicator_names = {(p, i): name for p, i, name in rows}
    names: dict[int, dict[str, str]] = {}
    for event in events:
        found = {}
        if (region := region_names.get(str(event.data.get("region")))) is not None:
            found["region_name"] = region
        key = (str(event.data.get("period")), str(event.data.get("indicator")))
        if (indicator := indicator_names.get(key)) is not None:
            found["indicator_name"] = indicator
        names[event.id] = found
    return names


async def _to_everyone_working(session: AsyncSession, event: ClaimedEvent) -> None:
    """An item for every active operator and coordinator, written by one INSERT ...
    SELECT: a national period reaches thousands of accounts."""
    shown = {**_shown(event.data), "period_name": event.data.get("name")}
    everyone = select(
        User.id,
        literal(event.id),
        literal(event.type),
        literal(shown, JSON),
        literal(link(event.type, event.data, Role.OPERATOR)),
        literal(event.occurred_at, UTCDateTime()),
    ).where(
        User.role.in_([Role.OPERATOR, Role.COORDINATOR]),
        User.is_active.is_(True),
        User.id != event.actor_user_id if event.actor_user_id is not None else true(),
    )
    await session.execute(_insert_new(session, everyone))
