"""Who may call what: every route of the application, against a table kept here.

The test walks the application's own route table. Each route is called as anonymous,
as each role inside and outside its scope, and as API keys with and without the needed
scope; each answer must match the table. A route missing from the table fails the test,
so nobody can add an endpoint without deciding who may use it.
"""

from __future__ import annotations

import hashlib
import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.storage import LocalStorage, key_for_sha256
from siaga.core.types import utcnow
from siaga.main import create_app
from siaga.models import (
    EvidenceBlob,
    EvidenceFile,
    Incident,
    IncidentCategory,
    IncidentFile,
    IncidentLevel,
    IncidentSeverity,
    IncidentState,
    Indicator,
    Notification,
    PeriodState,
    RecommendationEvidence,
    Region,
    RegionLevel,
    ReportRecommendation,
    Role,
    Submission,
    SubmissionStatus,
    WebhookDelivery,
    WebhookEndpoint,
)
from siaga.webhooks import signing
from tests.fixtures.auth import bearer, create_api_key, create_session_token
from tests.fixtures.factories import (
    create_agency,
    create_agency_type,
    create_framework,
    create_period,
    create_region,
    create_user,
)

CALLERS = [
    "anonymous",
    "admin_national",
    "admin_64",
    "verifier_64",
    # The coordinator of the city the inside objects are in, and the province's
    # coordinator, who reads its own Pemda's answers but not the city's (issue 19).
    "coordinator_6471",
    "coordinator_64",
    "operator_64",
    "viewer_64",
    "key_read_64",
    "key_import_64",
    "key_write_64",
]


@dataclass
class World:
    """Province 64 (the callers' scope) and province 63 (outside it)."""

    headers: dict[str, dict[str, str]]
    inside: dict[str, str]
    outside: dict[str, str]
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def unique(self, prefix: str) -> str:
        return f"{prefix}{next(self.counter)}"


async def _build_world(session: AsyncSession, app: FastAPI) -> World:
    settings = app.state.settings
    kesbangpol = await create_agency_type(session, code="kesbangpol", name="Kesbangpol")
    framework = await create_framework(session, code="PEMILU2024", agency_type=kesbangpol)
    period = await create_period(
        session, framework=framework, code="2023-Q4", state=PeriodState.OPEN
    )
    await create_period(session, framework=framework, code="2024-Q1")
    regions: dict[str, Region] = {}
    for province in ("64", "63"):
        regions[province] = await create_region(session, code=province)
        regions[f"{province}.71"] = await create_region(
            session, code=f"{province}.71", parent=regions[province], level=RegionLevel.CITY
        )
    agency64 = await create_agency(session, region=regions["64.71"], agency_type=kesbangpol)
    agency63 = await create_agency(session, region=regions["63.71"], agency_type=kesbangpol)

    users = {
        "admin_national": await create_user(session, role=Role.ADMIN),
        "admin_64": await create_user(session, role=Role.ADMIN, region=regions["64"]),
        "verifier_64": await create_user(session, role=Role.VERIFIER, region=regions["64"]),
        "operator_64": await create_user(
            session, role=Role.OPERATOR, region=regions["64.71"], agency=agency64
        ),
        "viewer_64": await create_user(session, role=Role.VIEWER, region=regions["64"]),
        "coordinator_6471": await create_user(
            session, role=Role.COORDINATOR, region=regions["64.71"]
        ),
        "coordinator_64": await create_user(session, role=Role.COORDINATOR, region=regions["64"]),
    }
    viewer63 = await create_user(session, role=Role.VIEWER, region=regions["63"])
    indicator = (
        await session.scalars(select(Indicator).where(Indicator.framework_id == framework.id))
    ).first()
    assert indicator is not None
    answers = {}
    for city in ("64.71", "63.71"):
        answers[city] = Submission(
            period_id=period.id,
            region_id=regions[city].id,
            indicator_id=indicator.id,
            value=2,
            status=SubmissionStatus.DRAFT,
        )
        session.add(answers[city])
    recommendations = {}
    for city, agency in (("64.71", agency64), ("63.71", agency63)):
        recommendations[city] = ReportRecommendation(
            period_id=period.id,
            region_id=regions[city].id,
            agency_id=agency.id,
            text="Perkuat koordinasi",
            due_on=date(2031, 1, 1),
            follow_up="",
        )
        session.add(recommendations[city])
    # An item in the inbox of a user who is none of the callers: every caller's id of it
    # is another user's (404), whatever its scope.
    foreign_item = Notification(
        user_id=viewer63.id, event_id=1, type="period.opened", data={}, link="/tugas"
    )
    session.add(foreign_item)
    incidents = {}
    for city in ("64.71", "63.71"):
        incidents[city] = await _incident(session, app, regions[city])
    await session.flush()
    hooks = {p: await _fresh_webhook(session, regions[p].id) for p in ("64", "63")}
    world_answers.clear()
    world_answers.update({city: answer.id for city, answer in answers.items()})
    world_recommendations.clear()
    world_recommendations.update({city: rec.id for city, rec in recommendations.items()})
    follow_up_files = {
        city: await _fresh_recommendation_evidence(session, app, city) for city in recommendations
    }
    headers = {"anonymous": {}}
    for name, user in users.items():
        headers[name] = bearer(await create_session_token(session, user, settings))
    headers["key_read_64"] = bearer(
        await create_api_key(session, settings, scopes=["read"], region=regions["64"])
    )
    headers["key_write_64"] = bearer(
        await create_api_key(session, settings, scopes=["write"], region=regions["64"])
    )
    headers["key_import_64"] = bearer(
        await create_api_key(session, settings, scopes=["import"], region=regions["64"])
    )
    return World(
        headers=headers,
        inside={
            "region": "64.71",
            "agency": agency64.code,
            "username": users["viewer_64"].username,
            "answer": f"2023-Q4/64.71/{indicator.code}",
            "recommendation": str(recommendations["64.71"].id),
            **hooks["64"],
            "follow_up_file": follow_up_files["64.71"],
            "notification": str(foreign_item.id),
            "incident": incidents["64.71"][0],
            "incident_file": incidents["64.71"][1],
        },
        outside={
            "region": "63.71",
            "agency": agency63.code,
            "username": viewer63.username,
            "answer": f"2023-Q4/63.71/{indicator.code}",
            "recommendation": str(recommendations["63.71"].id),
            **hooks["63"],
            "follow_up_file": follow_up_files["63.71"],
            "incident": incidents["63.71"][0],
            "incident_file": incidents["63.71"][1],
        },
    )


async def _fresh_webhook(session: AsyncSession, region_id: int) -> dict[str, str]:
    """A province's webhook endpoint with one queued delivery (never sent: no worker runs
    here)."""
    endpoint = WebhookEndpoint(
        url="https://93.184.215.14/siaga-matrix",
        events=["report.accepted"],
        region_id=region_id,
        secret_nonce=signing.new_nonce(),
        consecutive_failures=0,
    )
    session.add(endpoint)
    await session.flush()
    delivery = WebhookDelivery(
        endpoint_id=endpoint.id,
        msg_id=signing.message_id(),
        type="ping",
        occurred_at=utcnow(),
        data={},
    )
    session.add(delivery)
    await session.flush()
    return {"webhook": str(endpoint.id), "delivery": str(delivery.id)}


async def _incident(session: AsyncSession, app: FastAPI, region: Region) -> tuple[str, str]:
    """A city's incident escalated to the Ministry (so that a national caller sees it
    without `all`), with one stored photo: its number and the file's id."""
    now = utcnow()
    number = f"LC/{region.code}/2024/0001"
    incident = Incident(
        number=number,
        region_id=region.id,
        year=2024,
        seq=1,
        category=IncidentCategory.KONFLIK_PENDUKUNG,
        severity=IncidentSeverity.TINGGI,
        state=IncidentState.ACKNOWLEDGED,
        level=IncidentLevel.NATIONAL,
        occurred_at=now,
        occurred_on=now.date(),
        title="Bentrok pendukung",
        district="Samarinda Ulu",
        reporter_label="koordinator",
    )
    session.add(incident)
    content = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + uuid.uuid4().bytes + b"\xff\xd9"
    sha = hashlib.sha256(content).hexdigest()
    app.state.evidence_storage.put_bytes(key_for_sha256(sha), content)
    session.add(
        EvidenceBlob(
            sha256=sha,
            storage_key=key_for_sha256(sha),
            size=len(content),
            content_type="image/jpeg",
        )
    )
    await session.flush()
    file_id = str(uuid.uuid4())
    session.add(
        IncidentFile(
            id=file_id,
            incident_id=incident.id,
            blob_sha256=sha,
            original_name="foto.jpg",
            content_type="image/jpeg",
            size=len(content),
            uploader_label="koordinator",
        )
    )
    return number, file_id


# Answer ids of the current world, by city, for evidence made fresh for each call.
world_answers: dict[str, int] = {}


# And their recommendations' ids, for follow-up files made fresh for each call.
world_recommendations: dict[str, int] = {}


async def _stored_pdf(session: AsyncSession, app: FastAPI) -> tuple[str, int]:
    """A PDF's content stored with its blob row: (sha256, size)."""
    # A page PDFium can draw, for the page-image routes; unique, so each call has its own.
    content = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 20 20]>>endobj\n"
        + f"% {uuid.uuid4().hex}\n".encode()
        + b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    sha = hashlib.sha256(content).hexdigest()
    key = key_for_sha256(sha)
    app.state.evidence_storage.put_bytes(key, content)
    session.add(
        EvidenceBlob(sha256=sha, storage_key=key, size=len(content), content_type="application/pdf")
    )
    # Before the file that references it: a recommendation's file has no relationship to
    # its blob that would order the inserts.
    await session.flush()
    return sha, len(content)


async def _fresh_recommendation_evidence(
    session: AsyncSession, app: FastAPI, region_code: str
) -> str:
    """A file on the follow-up of the world's recommendation in `region_code`."""
    sha, size = await _stored_pdf(session, app)
    file_id = str(uuid.uuid4())
    session.add(
        RecommendationEvidence(
            id=file_id,
            recommendation_id=world_recommendations[region_code],
            blob_sha256=sha,
            original_name="tindak-lanjut.pdf",
            content_type="application/pdf",
            size=size,
        )
    )
    await session.flush()
    return file_id


async def _fresh_evidence(session: AsyncSession, app: FastAPI, region_code: str) -> str:
    """An evidence file on the world's answer in `region_code`, with its content stored."""
    sha, size = await _stored_pdf(session, app)
    evidence_id = str(uuid.uuid4())
    session.add(
        EvidenceFile(
            id=evidence_id,
            submission_id=world_answers[region_code],
            blob_sha256=sha,
            original_name="bukti.pdf",
            content_type="application/pdf",
            size=size,
        )
    )
    await session.flush()
    return evidence_id


async def _fresh_key(session: AsyncSession, app: FastAPI, region_code: str) -> str:
    region = (await session.scalars(select(Region).where(Region.code == region_code))).one()
    key = await create_api_key(session, app.state.settings, scopes=["read"], region=region)
    return key.split("_")[1]


# Expected status per caller. `inside` targets objects in province 64; `outside` (where
# given) targets the same kind of object in province 63 and lists only the callers whose
# answer differs there.
Expect = dict[str, int]
# Authorized: whatever the business rules then answer (200, 201, 409 for a state that
# does not allow the change...), but not 401, 403 or 404 and never a server error.
OK = -1
PUBLIC: Expect = dict.fromkeys(CALLERS, 200)
READ: Expect = {
    **dict.fromkeys(CALLERS, 200),
    "anonymous": 401,
    "key_import_64": 403,
    "key_write_64": 403,
}
ADMIN_ONLY = {
    **dict.fromkeys(CALLERS, 403),
    "anonymous": 401,
    "admin_national": 200,
    "admin_64": 200,
}
SIGNED_IN = {**dict.fromkeys(CALLERS, 200), "anonymous": 401}
# Catalogue changes (issue 18): past authorization, the rules answer (201, 409, 422).
ADMIN_CHANGE = {**ADMIN_ONLY, "admin_national": OK, "admin_64": OK}
# Periods and frameworks are national: a provincial administrator may not change them.
NATIONAL_CHANGE = {**ADMIN_ONLY, "admin_national": OK, "admin_64": 403}
REASON_BODY = {"reason": "Perpanjangan karena banjir di beberapa kabupaten"}
_KEYS_REFUSED = dict.fromkeys([c for c in CALLERS if c.startswith("key_")], 403)
# Changing answers: administrators and the responsible operator (and write keys).
ANSWERING = {
    **dict.fromkeys(CALLERS, 403),
    "anonymous": 401,
    "admin_national": OK,
    "admin_64": OK,
    "operator_64": OK,
    "key_write_64": OK,
}
REVIEWING = {
    **dict.fromkeys(CALLERS, 403),
    "anonymous": 401,
    "admin_national": OK,
    "admin_64": OK,
    "verifier_64": OK,
}
# An answer in another province: invisible to everyone scoped to province 64.
HIDDEN_OUTSIDE = {"admin_64": 404, "verifier_64": 404, "operator_64": 404, "viewer_64": 404,
                  "key_read_64": 404, "coordinator_6471": 404,
                  "coordinator_64": 404}  # fmt: skip
# One answer (or its files) in the city: the province's coordinator reads only the
# province Pemda's own answers, so the city's are hidden from it as if they did not exist.
ANSWER_READ = {**READ, "coordinator_64": 404}
ANSWER_WRITE_OUTSIDE = {"admin_64": 404, "operator_64": 404, "key_write_64": 404}
REVIEW_OUTSIDE = {"admin_64": 404, "verifier_64": 404}
# Comments: every signed-in reader of the answer but viewers and keys (none of the
# matrix's keys has both the read and the write scope).
COMMENTING = {
    **dict.fromkeys(CALLERS, OK),
    "anonymous": 401,
    "viewer_64": 403,
    **_KEYS_REFUSED,
}
COMMENT_OUTSIDE = {
    c: 404 for c in CALLERS if c.endswith("_64") and not c.startswith(("key_", "viewer_"))
}
# One's own inbox: every signed-in user; API keys have none (systems use webhooks).
INBOX = {**SIGNED_IN, **_KEYS_REFUSED}
# Bulk imports: administrators and API keys with the import scope.
IMPORTING = {
    **dict.fromkeys(CALLERS, 403),
    "anonymous": 401,
    "admin_national": OK,
    "admin_64": OK,
    "key_import_64": OK,
}
IMPORTING_READ = {**IMPORTING, "admin_national": 200, "admin_64": 200, "key_import_64": 200}
IMPORTING_MISSING = {**IMPORTING, "admin_national": 404, "admin_64": 404, "key_import_64": 404}


# The city's report: written by its coordinator and administrators over it; the others
# who read it are refused (403), the province's coordinator does not see it (404).
REPORT_WRITING = {
    **dict.fromkeys(CALLERS, 403),
    "anonymous": 401,
    "admin_national": OK,
    "admin_64": OK,
    "coordinator_6471": OK,
    "coordinator_64": 404,
}
REPORT_REVIEWING = {
    **dict.fromkeys(CALLERS, 403),
    "anonymous": 401,
    "admin_64": OK,
    "verifier_64": OK,
    "coordinator_64": 404,
}
# A report in another province: hidden from everyone scoped to province 64 who reads.
REPORT_OUTSIDE = {**HIDDEN_OUTSIDE, "key_read_64": 404}
# A recommendation's follow-up: the report's writers and the responsible agency's
# operator; the others who read it are refused.
FOLLOWING_UP = {**REPORT_WRITING, "operator_64": OK}
# Quick incident reports (issue 21): filed by the Pemda's Kesbangpol (its coordinator,
# the Kesbangpol operator) and administrators over it; a coordinator filing for another
# Pemda names a region it may not report for (422, as an unknown one).
INCIDENT_FILING = {
    **dict.fromkeys(CALLERS, 403),
    "anonymous": 401,
    "admin_national": 201,
    "admin_64": 201,
    "coordinator_6471": 201,
    "operator_64": 201,
    "coordinator_64": 422,
}
INCIDENT_FILING_OUTSIDE = {
    "admin_64": 422, "coordinator_6471": 422, "coordinator_64": 422, "operator_64": 422,
}  # fmt: skip
# One incident of the city (escalated to the Ministry): read like the city's answers.
INCIDENT_READ = ANSWER_READ
# Notes, steps, escalation and files: the city's Kesbangpol and the supervisors over it
# (past authorization the rules answer: 200, 409 escalation_at_top, 422 no multipart).
INCIDENT_ACTING = {
    **dict.fromkeys(CALLERS, 403),
    "anonymous": 401,
    "admin_national": OK,
    "admin_64": OK,
    "verifier_64": OK,
    "coordinator_6471": OK,
    "operator_64": OK,
    "coordinator_64": 404,
}
INCIDENT_OUTSIDE = REPORT_OUTSIDE


@dataclass
class Case:
    expect: Expect
    path: Callable[[World, str], str] = lambda world, where: ""
    body: Callable[[World, str], Any] | None = None
    outside: Expect | None = None
    # Objects that the call consumes (a revoked key) are made fresh for each call.
    fresh_key: bool = False
    fresh_evidence: bool = False
    fresh_webhook: bool = False
    fresh_follow_up_file: bool = False
    headers: dict[str, str] = field(default_factory=dict)


def _p(template: str) -> Callable[[World, str], str]:
    def path(world: World, where: str) -> str:
        values = world.inside if where == "inside" else world.outside
        return "/api/v1" + template.format(**values)

    return path


MATRIX: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/healthz"): Case(PUBLIC, _p("/healthz")),
    ("GET", "/api/v1/readyz"): Case(PUBLIC, _p("/readyz")),
    # The sign-in page reads it before anyone signs in; it names demo accounts only in
    # development (tests/instance).
    ("GET", "/api/v1/instance"): Case(PUBLIC, _p("/instance")),
    # Open to loopback without SIAGA_METRICS_TOKEN (the test client is 127.0.0.1);
    # tests/hardening/test_metrics.py covers the token and other addresses.
    ("GET", "/api/v1/metrics"): Case(PUBLIC, _p("/metrics")),
    # Wrong credentials for everyone: the route is public, the answer is the same 401.
    ("POST", "/api/v1/auth/login"): Case(
        dict.fromkeys(CALLERS, 401),
        _p("/auth/login"),
        body=lambda w, _: {"username": w.unique("nobody"), "password": "wrong-password-1"},
    ),
    ("POST", "/api/v1/auth/logout"): Case(
        {**SIGNED_IN, **dict.fromkeys([c for c in CALLERS if c != "anonymous"], 204)},
        _p("/auth/logout"),
    ),
    ("GET", "/api/v1/auth/me"): Case(SIGNED_IN, _p("/auth/me")),
    # One's own account: users only (an API key has no password or profile of its own).
    ("PATCH", "/api/v1/auth/me"): Case(
        {**dict.fromkeys(CALLERS, OK), "anonymous": 401, **_KEYS_REFUSED},
        _p("/auth/me"),
        body=lambda w, _: {"locale": "id"},
    ),
    ("POST", "/api/v1/auth/password"): Case(
        {**dict.fromkeys(CALLERS, OK), "anonymous": 401, **_KEYS_REFUSED},
        _p("/auth/password"),
        # A wrong current password (422): the callers' sessions stay as they are.
        body=lambda w, _: {
            "current_password": "wrong-password-1",
            "new_password": "Matrix-Sandi-Baru-2031",
        },
    ),
    # One's e-mail choices (issue 20): users only, as the inbox.
    ("GET", "/api/v1/auth/me/preferences"): Case(INBOX, _p("/auth/me/preferences")),
    ("PUT", "/api/v1/auth/me/preferences"): Case(
        INBOX,
        _p("/auth/me/preferences"),
        body=lambda w, _: {"enabled": ["submission.returned", "reminder.deadline"]},
    ),
    # The caller's inbox (issue 20): its own items only; another user's is not found.
    ("GET", "/api/v1/notifications"): Case(INBOX, _p("/notifications")),
    ("GET", "/api/v1/notifications/unread-count"): Case(INBOX, _p("/notifications/unread-count")),
    ("POST", "/api/v1/notifications/read-all"): Case(INBOX, _p("/notifications/read-all")),
    ("POST", "/api/v1/notifications/{notification_id}/read"): Case(
        {**dict.fromkeys(CALLERS, 404), "anonymous": 401, **_KEYS_REFUSED},
        _p("/notifications/{notification}/read"),
    ),
    ("GET", "/api/v1/regions"): Case(READ, _p("/regions")),
    ("GET", "/api/v1/regions/{code}"): Case(READ, _p("/regions/{region}"), outside=READ),
    ("PATCH", "/api/v1/regions/{code}"): Case(
        ADMIN_ONLY,
        _p("/regions/{region}"),
        body=lambda w, _: {"time_zone": "WITA"},
        outside={"admin_64": 404},
    ),
    ("GET", "/api/v1/regions/boundaries"): Case(READ, _p("/regions/boundaries?parent=64")),
    ("POST", "/api/v1/regions/boundaries"): Case(
        ADMIN_ONLY,
        _p("/regions/boundaries"),
        body=lambda w, where: {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {
                        "code": w.inside["region"] if where == "inside" else w.outside["region"]
                    },
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [[[117, 0], [117.1, 0], [117.1, 0.1], [117, 0]]],
                    },
                }
            ],
        },
        # Loading outlines of another province is refused like an unknown region: no leak.
        outside={"admin_64": 422},
    ),
    ("GET", "/api/v1/agencies"): Case(READ, _p("/agencies")),
    ("GET", "/api/v1/agencies/{code}"): Case(READ, _p("/agencies/{agency}"), outside=READ),
    ("GET", "/api/v1/agency-types"): Case(READ, _p("/agency-types")),
    ("POST", "/api/v1/regions"): Case(
        ADMIN_CHANGE,
        _p("/regions"),
        body=lambda w, where: {
            "code": ("64" if where == "inside" else "63") + ".99",
            "name": "Kabupaten Matriks",
            "level": "regency",
            "parent": "64" if where == "inside" else "63",
        },
        # A parent in another province is not found for a provincial administrator.
        outside={"admin_64": 404},
    ),
    ("POST", "/api/v1/agencies"): Case(
        ADMIN_CHANGE,
        _p("/agencies"),
        body=lambda w, where: {
            "code": w.unique("X"),
            "region": w.inside["region"] if where == "inside" else w.outside["region"],
            "type": "KESBANGPOL",
            "name": "Badan Matriks",
        },
        # A region outside the caller's province is answered as unknown (422): no leak.
        outside={"admin_64": 422},
    ),
    ("PATCH", "/api/v1/agencies/{code}"): Case(
        ADMIN_CHANGE,
        _p("/agencies/{agency}"),
        body=lambda w, _: {"name": "Badan Matriks"},
        outside={"admin_64": 404},
    ),
    ("GET", "/api/v1/frameworks/{code}/diff/{other}"): Case(
        READ, _p("/frameworks/PEMILU2024/diff/PEMILU2024")
    ),
    ("POST", "/api/v1/frameworks"): Case(
        NATIONAL_CHANGE,
        _p("/frameworks"),
        body=lambda w, _: {"code": w.unique("MTX").upper()[:20], "name": "Matriks"},
    ),
    ("PUT", "/api/v1/frameworks/{code}"): Case(
        NATIONAL_CHANGE,
        _p("/frameworks/PEMILU2024"),
        body=lambda w, _: {"name": "Matriks", "dimensions": [], "thresholds": []},
    ),
    ("POST", "/api/v1/frameworks/{code}/copy"): Case(
        NATIONAL_CHANGE,
        _p("/frameworks/PEMILU2024/copy"),
        body=lambda w, _: {"code": w.unique("CPY").upper()[:20]},
    ),
    ("POST", "/api/v1/frameworks/{code}/publish"): Case(
        NATIONAL_CHANGE, _p("/frameworks/PEMILU2024/publish")
    ),
    ("POST", "/api/v1/periods"): Case(
        NATIONAL_CHANGE,
        _p("/periods"),
        body=lambda w, _: {"code": "2031-Q1", "framework": "PEMILU2024"},
    ),
    ("PATCH", "/api/v1/periods/{code}"): Case(
        NATIONAL_CHANGE,
        _p("/periods/2024-Q1"),
        body=lambda w, _: {"deadline": "2024-05-10", **REASON_BODY},
    ),
    ("POST", "/api/v1/periods/{code}/reopen"): Case(
        NATIONAL_CHANGE, _p("/periods/2024-Q1/reopen"), body=lambda w, _: REASON_BODY
    ),
    ("GET", "/api/v1/frameworks"): Case(READ, _p("/frameworks")),
    ("GET", "/api/v1/frameworks/{code}"): Case(READ, _p("/frameworks/PEMILU2024")),
    ("GET", "/api/v1/periods"): Case(READ, _p("/periods")),
    ("GET", "/api/v1/periods/{code}"): Case(READ, _p("/periods/2023-Q4")),
    ("GET", "/api/v1/users"): Case(ADMIN_ONLY, _p("/users")),
    ("POST", "/api/v1/users"): Case(
        {**ADMIN_ONLY, "admin_national": 201, "admin_64": 201},
        _p("/users"),
        body=lambda w, where: {
            "username": w.unique("baru."),
            "role": "viewer",
            "region": "64" if where == "inside" else "63",
            "password": "kata-sandi-yang-panjang-7",
        },
        # Creating in another province is refused like an unknown region: no leak.
        outside={"admin_64": 422},
    ),
    ("GET", "/api/v1/users/{username}"): Case(
        ADMIN_ONLY, _p("/users/{username}"), outside={"admin_64": 404}
    ),
    ("PATCH", "/api/v1/users/{username}"): Case(
        ADMIN_ONLY,
        _p("/users/{username}"),
        body=lambda w, _: {"full_name": w.unique("Nama ")},
        outside={"admin_64": 404},
    ),
    ("GET", "/api/v1/api-keys"): Case(ADMIN_ONLY, _p("/api-keys")),
    ("POST", "/api/v1/api-keys"): Case(
        {**ADMIN_ONLY, "admin_national": 201, "admin_64": 201},
        _p("/api-keys"),
        body=lambda w, where: {
            "name": w.unique("Sistem "),
            "region": "64" if where == "inside" else "63",
            "scopes": ["read"],
        },
        outside={"admin_64": 422},
    ),
    ("GET", "/api/v1/api-keys/{prefix}"): Case(
        ADMIN_ONLY, _p("/api-keys/{key}"), outside={"admin_64": 404}, fresh_key=True
    ),
    ("DELETE", "/api/v1/api-keys/{prefix}"): Case(
        ADMIN_ONLY, _p("/api-keys/{key}"), outside={"admin_64": 404}, fresh_key=True
    ),
    # Webhooks (issue 20): administrators in scope; API keys never (api.md).
    ("GET", "/api/v1/webhooks"): Case(ADMIN_ONLY, _p("/webhooks")),
    ("POST", "/api/v1/webhooks"): Case(
        {**ADMIN_ONLY, "admin_national": 201, "admin_64": 201},
        _p("/webhooks"),
        # An address, not a name: nothing is looked up, and nothing is ever sent here.
        body=lambda w, where: {
            "url": "https://93.184.215.14/siaga-matrix",
            "events": ["report.accepted"],
            "region": "64" if where == "inside" else "63",
        },
        outside={"admin_64": 422},
    ),
    ("GET", "/api/v1/webhooks/{webhook_id}"): Case(
        ADMIN_ONLY, _p("/webhooks/{webhook}"), outside={"admin_64": 404}
    ),
    ("PATCH", "/api/v1/webhooks/{webhook_id}"): Case(
        ADMIN_ONLY,
        _p("/webhooks/{webhook}"),
        body=lambda w, _: {"description": w.unique("Matriks ")},
        outside={"admin_64": 404},
    ),
    ("DELETE", "/api/v1/webhooks/{webhook_id}"): Case(
        {**ADMIN_ONLY, "admin_national": 204, "admin_64": 204},
        _p("/webhooks/{webhook}"),
        outside={"admin_64": 404},
        fresh_webhook=True,
    ),
    ("GET", "/api/v1/webhooks/{webhook_id}/deliveries"): Case(
        ADMIN_ONLY, _p("/webhooks/{webhook}/deliveries"), outside={"admin_64": 404}
    ),
    ("POST", "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry"): Case(
        ADMIN_ONLY,
        _p("/webhooks/{webhook}/deliveries/{delivery}/retry"),
        outside={"admin_64": 404},
    ),
    ("POST", "/api/v1/webhooks/{webhook_id}/test"): Case(
        {**ADMIN_ONLY, "admin_national": 202, "admin_64": 202},
        _p("/webhooks/{webhook}/test"),
        outside={"admin_64": 404},
    ),
    ("GET", "/api/v1/audit"): Case(ADMIN_ONLY, _p("/audit")),
    ("GET", "/api/v1/audit/export.csv"): Case(ADMIN_ONLY, _p("/audit/export.csv")),
    ("GET", "/api/v1/audit/export.xlsx"): Case(ADMIN_ONLY, _p("/audit/export.xlsx")),
    ("POST", "/api/v1/periods/{code}/open"): Case(
        {**ADMIN_ONLY, "admin_national": OK, "admin_64": 403}, _p("/periods/2024-Q1/open")
    ),
    ("POST", "/api/v1/periods/{code}/close"): Case(
        {**ADMIN_ONLY, "admin_national": OK, "admin_64": 403}, _p("/periods/2024-Q1/close")
    ),
    ("GET", "/api/v1/submissions"): Case(READ, _p("/submissions")),
    ("GET", "/api/v1/tasks"): Case(READ, _p("/tasks?period=2023-Q4")),
    ("GET", "/api/v1/review-queue"): Case(REVIEWING, _p("/review-queue")),
    ("GET", "/api/v1/submissions/{period}/{region}/{indicator}"): Case(
        ANSWER_READ, _p("/submissions/{answer}"), outside=HIDDEN_OUTSIDE
    ),
    ("GET", "/api/v1/submissions/{period}/{region}/{indicator}/history"): Case(
        ANSWER_READ, _p("/submissions/{answer}/history"), outside=HIDDEN_OUTSIDE
    ),
    # The conversation on an answer (issue 19 item 5): whoever reads the answer reads it;
    # everyone but viewers and API keys without the write scope writes in it.
    ("GET", "/api/v1/submissions/{period}/{region}/{indicator}/comments"): Case(
        ANSWER_READ, _p("/submissions/{answer}/comments"), outside=HIDDEN_OUTSIDE
    ),
    ("POST", "/api/v1/submissions/{period}/{region}/{indicator}/comments"): Case(
        # The coordinators comment where they read: the city's coordinator on the city's
        # answer, the province's not (it does not read the city's answers).
        {**COMMENTING, "coordinator_64": 404},
        _p("/submissions/{answer}/comments"),
        body=lambda w, _: {"body": w.unique("Mohon penjelasan ")},
        outside={**COMMENT_OUTSIDE, "coordinator_6471": 404},
    ),
    ("PUT", "/api/v1/submissions/{period}/{region}/{indicator}"): Case(
        ANSWERING,
        _p("/submissions/{answer}"),
        body=lambda w, _: {"value": 3, "narrative": w.unique("ubah ")},
        outside=ANSWER_WRITE_OUTSIDE,
        headers={"If-Match": "*"},
    ),
    ("POST", "/api/v1/submissions/{period}/{region}/{indicator}/submit"): Case(
        ANSWERING,
        _p("/submissions/{answer}/submit"),
        outside=ANSWER_WRITE_OUTSIDE,
        headers={"If-Match": "*"},
    ),
    ("POST", "/api/v1/submissions/{period}/{region}/{indicator}/verify"): Case(
        REVIEWING,
        _p("/submissions/{answer}/verify"),
        outside=REVIEW_OUTSIDE,
        headers={"If-Match": "*"},
    ),
    ("POST", "/api/v1/submissions/{period}/{region}/{indicator}/return"): Case(
        REVIEWING,
        _p("/submissions/{answer}/return"),
        body=lambda w, _: {"reason": "Bukti belum lengkap"},
        outside=REVIEW_OUTSIDE,
        headers={"If-Match": "*"},
    ),
    ("POST", "/api/v1/submissions/{period}/{region}/{indicator}/reopen"): Case(
        REVIEWING,
        _p("/submissions/{answer}/reopen"),
        body=lambda w, _: {"reason": "Perlu diperiksa ulang"},
        outside=REVIEW_OUTSIDE,
        headers={"If-Match": "*"},
    ),
    ("POST", "/api/v1/submissions/verify-bulk"): Case(
        REVIEWING,
        _p("/submissions/verify-bulk"),
        body=lambda w, where: {
            "items": [{"period": "2023-Q4", "region": "64.71", "indicator": "D1.01", "etag": "*"}]
        },
    ),
    # Allowed callers get 422 here (the body is not multipart): past authorization.
    ("POST", "/api/v1/submissions/{period}/{region}/{indicator}/evidence"): Case(
        ANSWERING, _p("/submissions/{answer}/evidence"), outside=ANSWER_WRITE_OUTSIDE
    ),
    ("GET", "/api/v1/evidence/{evidence_id}"): Case(
        ANSWER_READ, _p("/evidence/{evidence}"), outside=HIDDEN_OUTSIDE, fresh_evidence=True
    ),
    ("GET", "/api/v1/evidence/{evidence_id}/pages"): Case(
        ANSWER_READ, _p("/evidence/{evidence}/pages"), outside=HIDDEN_OUTSIDE, fresh_evidence=True
    ),
    ("GET", "/api/v1/evidence/{evidence_id}/pages/{page}"): Case(
        ANSWER_READ, _p("/evidence/{evidence}/pages/1"), outside=HIDDEN_OUTSIDE, fresh_evidence=True
    ),
    ("GET", "/api/v1/evidence/{period}/{region}.zip"): Case(
        READ, _p("/evidence/2023-Q4/{region}.zip"), outside=HIDDEN_OUTSIDE
    ),
    ("DELETE", "/api/v1/evidence/{evidence_id}"): Case(
        ANSWERING, _p("/evidence/{evidence}"), outside=ANSWER_WRITE_OUTSIDE, fresh_evidence=True
    ),
    # Pemda reports (issue 19 items 3-4): read like the Pemda's answers; written and
    # submitted by the Pemda's coordinator (or an administrator over it); accepted,
    # returned and withdrawn only by a reviewer exactly one level up (the province for
    # the city: a national administrator is refused, 403 not_one_level_up).
    ("GET", "/api/v1/reports"): Case(READ, _p("/reports?period=2023-Q4")),
    ("GET", "/api/v1/reports/{region}/{period}"): Case(
        ANSWER_READ, _p("/reports/{region}/2023-Q4"), outside=HIDDEN_OUTSIDE
    ),
    ("PUT", "/api/v1/reports/{region}/{period}"): Case(
        REPORT_WRITING,
        _p("/reports/{region}/2023-Q4"),
        body=lambda w, _: {"situation": w.unique("Situasi ")},
        outside=REPORT_OUTSIDE,
        headers={"If-Match": "*"},
    ),
    ("POST", "/api/v1/reports/{region}/{period}/submit"): Case(
        REPORT_WRITING, _p("/reports/{region}/2023-Q4/submit"), outside=REPORT_OUTSIDE
    ),
    ("POST", "/api/v1/reports/{region}/{period}/accept"): Case(
        REPORT_REVIEWING, _p("/reports/{region}/2023-Q4/accept"), outside=REPORT_OUTSIDE
    ),
    ("POST", "/api/v1/reports/{region}/{period}/return"): Case(
        REPORT_REVIEWING,
        _p("/reports/{region}/2023-Q4/return"),
        body=lambda w, _: REASON_BODY,
        outside=REPORT_OUTSIDE,
    ),
    ("POST", "/api/v1/reports/{region}/{period}/unaccept"): Case(
        REPORT_REVIEWING,
        _p("/reports/{region}/2023-Q4/unaccept"),
        body=lambda w, _: REASON_BODY,
        outside=REPORT_OUTSIDE,
    ),
    # Recommendations (issue 19 item 6): read with the report, made by its writers,
    # followed up by them and the responsible agency's operator.
    ("GET", "/api/v1/reports/{region}/{period}/recommendations"): Case(
        ANSWER_READ, _p("/reports/{region}/2023-Q4/recommendations"), outside=HIDDEN_OUTSIDE
    ),
    ("POST", "/api/v1/reports/{region}/{period}/recommendations"): Case(
        REPORT_WRITING,
        _p("/reports/{region}/2023-Q4/recommendations"),
        body=lambda w, where: {
            "text": w.unique("Rekomendasi "),
            "agency": (w.inside if where == "inside" else w.outside)["agency"],
            "due_on": "2031-01-01",
        },
        outside=REPORT_OUTSIDE,
    ),
    ("PATCH", "/api/v1/recommendations/{recommendation_id}"): Case(
        FOLLOWING_UP,
        _p("/recommendations/{recommendation}"),
        body=lambda w, _: {"follow_up": w.unique("Tindak lanjut ")},
        outside=REPORT_OUTSIDE,
    ),
    # Files of the follow-up: attached and removed by those who follow it up (allowed
    # callers get 422 on upload: the body is not multipart), read with the report.
    ("POST", "/api/v1/recommendations/{recommendation_id}/evidence"): Case(
        FOLLOWING_UP, _p("/recommendations/{recommendation}/evidence"), outside=REPORT_OUTSIDE
    ),
    ("GET", "/api/v1/recommendations/{recommendation_id}/evidence/{evidence_id}"): Case(
        ANSWER_READ,
        _p("/recommendations/{recommendation}/evidence/{follow_up_file}"),
        outside=HIDDEN_OUTSIDE,
    ),
    ("DELETE", "/api/v1/recommendations/{recommendation_id}/evidence/{evidence_id}"): Case(
        FOLLOWING_UP,
        _p("/recommendations/{recommendation}/evidence/{follow_up_file}"),
        outside=REPORT_OUTSIDE,
        fresh_follow_up_file=True,
    ),
    ("POST", "/api/v1/incidents"): Case(
        INCIDENT_FILING,
        _p("/incidents"),
        body=lambda w, where: {
            "region": w.inside["region"] if where == "inside" else w.outside["region"],
            "category": "logistik",
            "severity": "sedang",
            "occurred_at": "2024-02-13T08:00:00+08:00",
            "title": w.unique("Logistik terlambat "),
            "location": {"district": "Kecamatan Uji"},
        },
        outside=INCIDENT_FILING_OUTSIDE,
    ),
    ("GET", "/api/v1/incidents"): Case(READ, _p("/incidents")),
    ("GET", "/api/v1/incidents/summary"): Case(READ, _p("/incidents/summary")),
    ("GET", "/api/v1/incidents/{number}"): Case(
        INCIDENT_READ, _p("/incidents/{incident}"), outside=INCIDENT_OUTSIDE
    ),
    ("POST", "/api/v1/incidents/{number}/updates"): Case(
        INCIDENT_ACTING,
        _p("/incidents/{incident}/updates"),
        body=lambda w, _: {"note": w.unique("Situasi terkendali ")},
        outside=INCIDENT_OUTSIDE,
    ),
    ("POST", "/api/v1/incidents/{number}/escalate"): Case(
        INCIDENT_ACTING,
        _p("/incidents/{incident}/escalate"),
        body=lambda w, _: REASON_BODY,
        outside=INCIDENT_OUTSIDE,
    ),
    # Allowed callers get 422 here (the body is not multipart): past authorization.
    ("POST", "/api/v1/incidents/{number}/evidence"): Case(
        INCIDENT_ACTING, _p("/incidents/{incident}/evidence"), outside=INCIDENT_OUTSIDE
    ),
    ("GET", "/api/v1/incidents/{number}/evidence/{file_id}"): Case(
        INCIDENT_READ,
        _p("/incidents/{incident}/evidence/{incident_file}"),
        outside=INCIDENT_OUTSIDE,
    ),
    ("GET", "/api/v1/exports/incidents.csv"): Case(READ, _p("/exports/incidents.csv?locale=id")),
    ("GET", "/api/v1/exports/incidents.xlsx"): Case(READ, _p("/exports/incidents.xlsx")),
    ("GET", "/api/v1/scores"): Case(
        READ, _p("/scores?period=2023-Q4&region={region}"), outside=HIDDEN_OUTSIDE
    ),
    ("GET", "/api/v1/scores/{region}/{period}"): Case(
        READ, _p("/scores/{region}/2023-Q4"), outside=HIDDEN_OUTSIDE
    ),
    ("GET", "/api/v1/scores/{region}/trend"): Case(
        READ, _p("/scores/{region}/trend"), outside=HIDDEN_OUTSIDE
    ),
    ("GET", "/api/v1/exports/scores.csv"): Case(
        READ, _p("/exports/scores.csv?period=2023-Q4&region={region}"), outside=HIDDEN_OUTSIDE
    ),
    ("GET", "/api/v1/exports/scores.xlsx"): Case(
        READ, _p("/exports/scores.xlsx?period=2023-Q4&region={region}"), outside=HIDDEN_OUTSIDE
    ),
    ("GET", "/api/v1/exports/submissions.csv"): Case(
        READ, _p("/exports/submissions.csv?period=2023-Q4&region={region}"), outside=HIDDEN_OUTSIDE
    ),
    ("GET", "/api/v1/exports/submissions.xlsx"): Case(
        READ,
        _p("/exports/submissions.xlsx?period=2023-Q4&region={region}"),
        outside=HIDDEN_OUTSIDE,
    ),
    # The signed-off report carries the Pemda report: read where the report is read.
    ("GET", "/api/v1/reports/{region}/{period}.pdf"): Case(
        ANSWER_READ, _p("/reports/{region}/2023-Q4.pdf"), outside=HIDDEN_OUTSIDE
    ),
    ("POST", "/api/v1/submissions/copy-previous"): Case(
        ANSWERING,
        _p("/submissions/copy-previous"),
        body=lambda w, where: {"period": "2023-Q4", "region": w.inside["region"]},
    ),
    # Allowed callers get 422 here (the body is not multipart): past authorization.
    ("POST", "/api/v1/imports"): Case(IMPORTING, _p("/imports?kind=submissions")),
    ("GET", "/api/v1/imports"): Case(IMPORTING_READ, _p("/imports")),
    ("GET", "/api/v1/imports/templates/{kind}.xlsx"): Case(
        IMPORTING_READ, _p("/imports/templates/submissions.xlsx")
    ),
    # No batch exists in the world: allowed callers get past authorization to a 404.
    ("GET", "/api/v1/imports/{batch_id}"): Case(IMPORTING_MISSING, _p("/imports/987654")),
    ("GET", "/api/v1/imports/{batch_id}/errors.csv"): Case(
        IMPORTING_MISSING, _p("/imports/987654/errors.csv")
    ),
}


def _api_routes() -> set[tuple[str, str]]:
    # The OpenAPI document is generated from the route table and is public API, unlike
    # FastAPI's internal router structures; every API route is in it (none is hidden:
    # tests/test_openapi.py checks the SPA fallback is the only route outside /api).
    spec = create_app().openapi()
    return {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        for method in operations
    }


def test_every_route_has_an_entry() -> None:
    routes = _api_routes()
    missing = sorted(routes - MATRIX.keys())
    stale = sorted(MATRIX.keys() - routes)
    assert not missing, f"routes without an authorization entry: {missing}"
    assert not stale, f"entries for routes that no longer exist: {stale}"


def test_every_protected_route_documents_401() -> None:
    spec = create_app().openapi()
    for (method, path), case in MATRIX.items():
        if case.expect["anonymous"] == 401 and path != "/api/v1/auth/login":
            documented = spec["paths"][path][method.lower()]["responses"]
            assert "401" in documented, f"{method} {path} does not document 401"


@pytest.mark.parametrize(
    ("method", "path"), sorted(MATRIX), ids=[f"{m} {p}" for m, p in sorted(MATRIX)]
)
async def test_matrix(
    method: str,
    path: str,
    app: FastAPI,
    session: AsyncSession,
    anon_client: httpx.AsyncClient,
    tmp_path: Path,
) -> None:
    app.state.evidence_storage = LocalStorage(tmp_path / "evidence")
    try:
        await _check_route(method, path, app, session, anon_client)
    finally:
        # The app is shared by the whole run; the next test builds its own storage.
        del app.state.evidence_storage


async def _check_route(
    method: str, path: str, app: FastAPI, session: AsyncSession, anon_client: httpx.AsyncClient
) -> None:
    world = await _build_world(session, app)
    case = MATRIX[(method, path)]
    failures = []
    for where in ("inside", "outside") if case.outside is not None else ("inside",):
        expected = case.expect if where == "inside" else {**case.expect, **(case.outside or {})}
        for caller in CALLERS:
            if case.fresh_key:
                key_region = "64" if where == "inside" else "63"
                world.inside["key"] = world.outside["key"] = await _fresh_key(
                    session, app, key_region
                )
            if case.fresh_webhook:
                region = await session.scalar(
                    select(Region.id).where(Region.code == ("64" if where == "inside" else "63"))
                )
                assert region is not None
                fresh = await _fresh_webhook(session, region)
                world.inside.update(fresh)
                world.outside.update(fresh)
            city = "64.71" if where == "inside" else "63.71"
            if case.fresh_evidence:
                world.inside["evidence"] = world.outside["evidence"] = await _fresh_evidence(
                    session, app, city
                )
            if case.fresh_follow_up_file:
                (world.inside if where == "inside" else world.outside)[
                    "follow_up_file"
                ] = await _fresh_recommendation_evidence(session, app, city)
            url = case.path(world, where)
            kwargs: dict[str, Any] = {"headers": {**world.headers[caller], **case.headers}}
            if case.body is not None:
                kwargs["json"] = case.body(world, where)
            response = await anon_client.request(method, url, **kwargs)
            status = response.status_code
            allowed = status not in (401, 403, 404) and status < 500
            if status != expected[caller] and not (expected[caller] == OK and allowed):
                failures.append(
                    f"{caller} {where}: expected {expected[caller]}, "
                    f"got {response.status_code} {response.text[:200]}"
                )
            if response.status_code >= 400:
                assert set(response.json()) == {"error"}, response.text
            if caller != "anonymous" and method == "POST" and path.endswith("/logout"):
                # The caller's session has ended; give it a new one for later routes.
                world = await _build_world_refresh(session, app, world, caller)
    assert not failures, "\n".join(failures)


async def _build_world_refresh(
    session: AsyncSession, app: FastAPI, world: World, caller: str
) -> World:
    from sqlalchemy import select

    from siaga.models import AuthSession, User

    if caller.startswith("key_"):
        return world
    token = world.headers[caller]["Authorization"].removeprefix("Bearer ")
    from siaga.core.security import token_digest

    digest = token_digest(app.state.settings.secret_key, token)
    user_id = await session.scalar(
        select(AuthSession.user_id).where(AuthSession.token_hash == digest)
    )
    user = await session.get(User, user_id)
    assert user is not None
    world.headers[caller] = bearer(await create_session_token(session, user, app.state.settings))
    return world
