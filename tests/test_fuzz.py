"""Property-based fuzzing of the API against its own OpenAPI description, with every check
schemathesis offers (server errors, status codes, content types, headers, response
schemas, acceptance of valid and rejection of invalid data, missing headers, unsupported
methods, ignored authentication, use after delete, resource availability, object-level
authorization).

- Stateless: one test per operation as the national administrator, who may call every
  operation, so the fuzzer reaches the code behind authorization.
- Stateful: schemathesis' state machine chains calls through OpenAPI links (those it
  infers, plus the answer workflow's, declared below) as each demo user: admin,
  verifikator.64, pemantau.64 and operator.64.72.kesbangpol, on the Kalimantan Timur demo
  data. On SQLite always, and on PostgreSQL too when SIAGA_TEST_DATABASE_URL is set (a
  sibling database of its own), because the two reject bad values differently.
"""

from __future__ import annotations

import asyncio
import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any, cast

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, settings
from hypothesis.errors import FlakyStrategyDefinition
from schemathesis.checks import CHECKS, CheckContext, CheckFunction, load_all_checks
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import (
    positive_data_acceptance as builtin_positive_data_acceptance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from siaga.core.database import create_sessionmaker
from siaga.core.migrations import upgrade
from siaga.core.settings import normalise_database_url
from siaga.core.storage import LocalStorage
from siaga.models import User
from siaga.seed.demo import PERIOD_STATES, seed_demo
from siaga.seed.demo_incidents import demo_incident_numbers
from siaga.seed.reference import load_json
from tests.fixtures.auth import bearer, create_session_token
from tests.fixtures.client import build_app, settings_for
from tests.fixtures.db import postgres_url, prepare_postgres, run_in_thread, scratch_postgres_url

pytestmark = pytest.mark.fuzz

load_all_checks()
# What FastAPI's own request validation answers (siaga.core.errors): a schema-valid
# request refused with one of these means the document and the validation disagree.
_SCHEMA_REJECTIONS = {"The request is not valid", "The request body could not be parsed"}
_PRECONDITION_CODES = {"precondition_required", "precondition_failed"}
_IMPORT_FILE_REJECTIONS = {
    "import_too_large",
    "unsupported_media_type",
    "import_header_invalid",
    "import_file_empty",
    "import_file_invalid",
    "import_file_too_expanded",
}

# Rules of a recommendation no schema can state: which agencies belong to the report's
# Pemda, when the report's period starts, that done needs a follow-up note.
# Likewise where a webhook URL leads (webhooks.ssrf): its addresses, not its form. Of an
# incident (issue 21): which Pemda the caller may report for, where Indonesia and the Pemda lie,
# that it did not happen in the future, that a photo is really one.
_RULE_REJECTIONS = {
    "invalid_agency",
    "due_before_period",
    "follow_up_required",
    "webhook_url_refused",
    "invalid_region",
    "location_incomplete",
    "location_outside_indonesia",
    "location_outside_region",
    "occurred_in_future",
    "occurred_too_early",
    "unreadable_image",
}


def _short_once_trimmed(case: schemathesis.Case[Any], error: dict[str, Any]) -> bool:
    """A text long enough as sent, too short once its surrounding whitespace is trimmed
    (core.text.CleanText `strip`): no JSON Schema keyword states that."""
    details = error.get("details") or []
    body = case.body if isinstance(case.body, dict) else {}
    for detail in details:
        loc = detail.get("loc") or []
        value = body.get(loc[-1]) if len(loc) == 2 and loc[0] == "body" else None
        if detail.get("type") != "string_too_short" or not isinstance(value, str):
            return False
        if value == value.strip():
            return False
    return bool(details)


def positive_data_acceptance(
    ctx: CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
) -> bool | None:
    """Schemathesis' check, except that a rule no schema can state may refuse valid data.

    A request can match the document and still name a region that does not exist or
    ask for more days than this deployment allows; the service refuses it with 422 and
    says why. Only a 422 from request validation itself still fails the check. Likewise
    If-Match is optional in the document (creating an answer needs none) but required
    once the answer exists (428), and must carry the answer's current ETag, which no
    generator can guess (412): documented on those operations, state rules like 409.
    """
    try:
        return builtin_positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        documented = case.operation.definition.raw.get("responses", {})
        code = response.json().get("error", {}).get("code")
        if str(response.status_code) in documented and (
            (response.status_code in (412, 428) and code in _PRECONDITION_CODES)
            # A file is typed by its content, which "format: binary" cannot describe.
            or (response.status_code == 415 and code == "unsupported_media_type")
            # A per-author budget (comments): valid messages beyond it wait (Retry-After).
            or (response.status_code == 429 and code == "rate_limited")
        ):
            return None
        # An import file's content (its type, its header) is such a rule too.
        if (
            response.status_code in (413, 415, 422)
            and case.path == "/api/v1/imports"
            and response.json().get("error", {}).get("code") in _IMPORT_FILE_REJECTIONS
        ):
            return None
        if response.status_code == 422:
            error = response.json().get("error", {})
            if error.get("code") == "invalid_input" and error.get("message") not in (
                _SCHEMA_REJECTIONS
            ):
                return None
            if error.get("code") in _RULE_REJECTIONS or _short_once_trimmed(case, error):
                return None
        raise


ALL_CHECKS = cast(
    list[CheckFunction],
    [
        positive_data_acceptance if check.__name__ == "positive_data_acceptance" else check
        for check in CHECKS.get_all()
    ],
)
DEMO_USERS = ("admin", "verifikator.64", "pemantau.64", "operator.64.72.kesbangpol")
OPENAPI_PATH = "/api/v1/openapi.json"
REPORT_ACTIONS = ("submit", "accept", "return", "unaccept")
ANSWER = "/api/v1/submissions/{period}/{region}/{indicator}"
# An answer's key, read from a response body that describes one answer.
_ANSWER_KEYS = {
    "period": "$response.body#/period",
    "region": "$response.body#/region",
    "indicator": "$response.body#/indicator",
}
_FIRST_ITEM_KEYS = {name: f"$response.body#/items/0/{name}" for name in _ANSWER_KEYS}


async def _populate(url: str, storage_dir: Path) -> dict[str, str]:
    """The demo data set; returns a session token per demo user."""
    engine = create_async_engine(url, poolclass=NullPool)
    app_settings = settings_for("sqlite://")
    try:
        async with async_sessionmaker(engine)() as session, session.begin():
            await seed_demo(session, LocalStorage(storage_dir), app_settings.demo_password)
            users = (await session.scalars(select(User).where(User.username.in_(DEMO_USERS)))).all()
            return {u.username: await create_session_token(session, u, app_settings) for u in users}
    finally:
        await engine.dispose()


async def _no_dns(host: str, port: int) -> list[str]:
    # Fuzzed webhook URLs name hosts at random: none is looked up in DNS, only the
    # document's example resolves (to a public address; nothing is sent: no worker
    # runs here).
    if host == "sipd.example.go.id":
        return ["93.184.215.14"]
    raise OSError(f"{host!r} is not looked up in the fuzz run")


def _fuzz_app(url: str, directory: Path) -> tuple[FastAPI, dict[str, str]]:
    storage_dir = directory / "evidence"
    tokens: dict[str, str] = run_in_thread(lambda: asyncio.run(_populate(url, storage_dir)))
    app = build_app(url, storage_dir=storage_dir)
    app.state.webhook_resolver = _no_dns
    # Schemathesis drives the app from its own event loop thread; without a pool no
    # connection outlives the request that opened it.
    app.state.engine = create_async_engine(url, poolclass=NullPool)
    app.state.sessionmaker = create_sessionmaker(app.state.engine)
    return app, tokens


def _sqlite_app() -> tuple[FastAPI, dict[str, str]]:
    """The app on a migrated SQLite file of its own, holding the demo data.

    Built at import time because `schema.parametrize()` needs the document to create
    one test per operation (schemathesis' lazy `from_fixture` does not work with
    pytest 9). The directory is removed when the process exits.
    """
    directory = Path(tempfile.mkdtemp(prefix="siaga-fuzz-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    url = normalise_database_url(f"sqlite:///{directory / 'siaga.db'}")
    run_in_thread(upgrade, url)
    return _fuzz_app(url, directory)


def _link(operation_id: str, parameters: dict[str, str]) -> dict[str, Any]:
    return {"operationId": operation_id, "parameters": parameters}


def _add_links(spec: dict[str, Any]) -> dict[str, Any]:
    """Links for the answer workflow, which schemathesis cannot infer from names alone.

    They live in the fuzz run, not the published document: they say how to chain calls,
    which generated clients do not need.
    """
    paths = spec["paths"]
    with_etag = {**_ANSWER_KEYS, "header.If-Match": "$response.header.ETag"}
    answer_links = {
        "GetAnswer": _link("submissions-get", _ANSWER_KEYS),
        "EditAnswer": _link("submissions-put", with_etag),
        "SubmitAnswer": _link("submissions-submit", with_etag),
        "VerifyAnswer": _link("submissions-verify", with_etag),
        "ReturnAnswer": _link("submissions-return", with_etag),
        "ReopenAnswer": _link("submissions-reopen", with_etag),
        "AnswerHistory": _link("submissions-history", _ANSWER_KEYS),
        "UploadEvidence": _link("evidence-upload", _ANSWER_KEYS),
        "AnswerComments": _link("comments-list", _ANSWER_KEYS),
        "CommentOnAnswer": _link("comments-create", _ANSWER_KEYS),
        "ExplainScore": _link(
            "scores-explain",
            {"region": "$response.body#/region", "period": "$response.body#/period"},
        ),
    }
    answer_sources = [
        ("put", ANSWER, ("200", "201")),
        ("get", ANSWER, ("200",)),
        *(("post", f"{ANSWER}/{action}", ("200",)) for action in ("submit", "verify", "return")),
        ("post", f"{ANSWER}/reopen", ("200",)),
    ]
    for method, path, statuses in answer_sources:
        for status in statuses:
            response = paths[path][method]["responses"].setdefault(status, {"description": "OK"})
            response.setdefault("links", {}).update(answer_links)
    evidence = {"evidence_id": "$response.body#/evidence/id"}
    paths[f"{ANSWER}/evidence"]["post"]["responses"]["201"].setdefault("links", {}).update(
        {
            "DownloadEvidence": _link("evidence-download", evidence),
            "DeleteEvidence": _link("evidence-delete", evidence),
        }
    )
    first_answer = {
        "GetFirstAnswer": _link("submissions-get", _FIRST_ITEM_KEYS),
        "EditFirstAnswer": _link("submissions-put", _FIRST_ITEM_KEYS),
    }
    for path in ("/api/v1/submissions", "/api/v1/tasks"):
        paths[path]["get"]["responses"]["200"].setdefault("links", {}).update(first_answer)
    # The Pemda report (issue 19): read, write, submit and the reviews chain on its
    # natural key and ETag.
    report_keys = {"region": "$response.body#/region", "period": "$response.body#/period"}
    report_with_etag = {**report_keys, "header.If-Match": "$response.header.ETag"}
    report_links = {
        "GetReport": _link("reports-get", report_keys),
        "WriteReport": _link("reports-put", report_with_etag),
        "SubmitReport": _link("reports-submit", report_with_etag),
        "AcceptReport": _link("reports-accept", report_with_etag),
        "ReturnReport": _link("reports-return", report_with_etag),
        "UnacceptReport": _link("reports-unaccept", report_with_etag),
        "ReportRecommendations": _link("recommendations-list", report_keys),
        "Recommend": _link("recommendations-create", report_keys),
    }
    report = "/api/v1/reports/{region}/{period}"
    report_sources = [
        ("get", report, ("200",)),
        ("put", report, ("200", "201")),
        *(("post", f"{report}/{action}", ("200",)) for action in REPORT_ACTIONS),
    ]
    for method, path, statuses in report_sources:
        for status in statuses:
            response = paths[path][method]["responses"].setdefault(status, {"description": "OK"})
            response.setdefault("links", {}).update(report_links)
    paths["/api/v1/reports"]["get"]["responses"]["200"].setdefault("links", {}).update(
        {
            "GetFirstReport": _link(
                "reports-get", {name: f"$response.body#/items/0/{name}" for name in report_keys}
            )
        }
    )
    # Recommendations: made in a report, followed up by id (with the ETag when fresh).
    recommendation = {
        "recommendation_id": "$response.body#/id",
        "header.If-Match": "$response.header.ETag",
    }
    follow_up = {
        "FollowUpRecommendation": _link("recommendations-update", recommendation),
        "AttachToRecommendation": _link(
            "recommendations-upload_evidence", {"recommendation_id": "$response.body#/id"}
        ),
    }
    recommendations = f"{report}/recommendations"
    paths[recommendations]["post"]["responses"]["201"].setdefault("links", {}).update(follow_up)
    paths["/api/v1/recommendations/{recommendation_id}"]["patch"]["responses"]["200"].setdefault(
        "links", {}
    ).update(follow_up)
    paths[recommendations]["get"]["responses"]["200"].setdefault("links", {}).update(
        {
            "FollowUpFirstRecommendation": _link(
                "recommendations-update", {"recommendation_id": "$response.body#/items/0/id"}
            ),
            "AttachToFirstRecommendation": _link(
                "recommendations-upload_evidence",
                {"recommendation_id": "$response.body#/items/0/id"},
            ),
        }
    )
    # A follow-up's file: read and removed through its recommendation.
    follow_up_file = {
        "recommendation_id": "$request.path.recommendation_id",
        "evidence_id": "$response.body#/id",
    }
    paths["/api/v1/recommendations/{recommendation_id}/evidence"]["post"]["responses"][
        "201"
    ].setdefault("links", {}).update(
        {
            "DownloadFollowUpFile": _link("recommendations-download_evidence", follow_up_file),
            "DeleteFollowUpFile": _link("recommendations-delete_evidence", follow_up_file),
        }
    )
    # Quick incident reports (issue 21): filed, then read, stepped, escalated and given
    # files by number.
    incident = "/api/v1/incidents/{number}"
    incident_keys = {"number": "$response.body#/number"}
    incident_links = {
        "GetIncident": _link("incidents-get", incident_keys),
        "UpdateIncident": _link("incidents-update", incident_keys),
        "EscalateIncident": _link("incidents-escalate", incident_keys),
        "UploadIncidentFile": _link("incidents-upload", incident_keys),
    }
    incident_sources = [
        ("post", "/api/v1/incidents", "201"),
        ("get", incident, "200"),
        ("post", f"{incident}/updates", "200"),
        ("post", f"{incident}/escalate", "200"),
    ]
    for method, path, status in incident_sources:
        response = paths[path][method]["responses"].setdefault(status, {"description": "OK"})
        response.setdefault("links", {}).update(incident_links)
    paths["/api/v1/incidents"]["get"]["responses"]["200"].setdefault("links", {}).update(
        {"GetFirstIncident": _link("incidents-get", {"number": "$response.body#/items/0/number"})}
    )
    key = {"prefix": "$response.body#/prefix"}
    paths["/api/v1/api-keys"]["post"]["responses"]["201"].setdefault("links", {}).update(
        {
            "GetApiKey": _link("api_keys-get", key),
            "RevokeApiKey": _link("api_keys-revoke", key),
        }
    )
    webhook = {"webhook_id": "$response.body#/id"}
    webhook_links = {
        "GetWebhook": _link("webhooks-get", webhook),
        "UpdateWebhook": _link("webhooks-update", webhook),
        "WebhookDeliveries": _link("webhooks-deliveries", webhook),
        "TestWebhook": _link("webhooks-test", webhook),
        "DeleteWebhook": _link("webhooks-delete", webhook),
    }
    paths["/api/v1/webhooks"]["post"]["responses"]["201"].setdefault("links", {}).update(
        webhook_links
    )
    paths["/api/v1/webhooks/{webhook_id}"]["patch"]["responses"]["200"].setdefault(
        "links", {}
    ).update(webhook_links)
    retry = {
        "webhook_id": "$request.path.webhook_id",
        "delivery_id": "$response.body#/id",
    }
    paths["/api/v1/webhooks/{webhook_id}/test"]["post"]["responses"]["202"].setdefault(
        "links", {}
    ).update({"RetryDelivery": _link("webhooks-retry", retry)})
    # One's e-mail choices (issue 20): reached from one's own account, read after a change.
    preferences = {
        "GetPreferences": _link("auth-get_preferences", {}),
        "PutPreferences": _link("auth-put_preferences", {}),
    }
    for path, method in (
        ("/api/v1/auth/me", "get"),
        ("/api/v1/auth/me/preferences", "get"),
        ("/api/v1/auth/me/preferences", "put"),
    ):
        paths[path][method]["responses"]["200"].setdefault("links", {}).update(preferences)
    period = {"code": "$response.body#/code"}
    for action in ("open", "close"):
        paths[f"/api/v1/periods/{{code}}/{action}"]["post"]["responses"]["200"].setdefault(
            "links", {}
        ).update(
            {
                "GetPeriod": _link("periods-get", period),
                "OpenPeriod": _link("periods-open", period),
                "ClosePeriod": _link("periods-close", period),
            }
        )
    return spec


def _demo_keys() -> dict[str, list[str]]:
    """The demo's answer keys: open periods, Kalimantan Timur's regions, the indicators."""
    framework = load_json("pemilu2024.json")
    return {
        # Only open periods take answers; closed ones would end most chains at 409.
        "period": sorted(code for code, state in PERIOD_STATES.items() if state == "open"),
        "region": [r["code"] for r in load_json("kaltim.json")],
        "indicator": [i["code"] for d in framework["dimensions"] for i in d["indicators"]],
        # The demo's incident numbers (seed.demo_incidents numbers them per Pemda and year).
        "number": demo_incident_numbers(),
    }


def _narrow_to_demo(spec: dict[str, Any]) -> dict[str, Any]:
    """Answer keys drawn from the demo data instead of arbitrary strings.

    Random codes almost never name an answer, so every chain would stop at 404; with the
    keys narrowed the state machine creates, edits, submits, verifies and returns real
    answers and follows their links. Negative generation still mutates these values.
    """
    keys = _demo_keys()
    for operations in spec["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] in keys and parameter["in"] in ("path", "query"):
                    parameter["schema"] = {"type": "string", "enum": keys[parameter["name"]]}
    return spec


def _schema(app: FastAPI, *, narrow: bool = False) -> OpenApiSchema:
    spec = _add_links(app.openapi())
    loaded = schemathesis.openapi.from_dict(_narrow_to_demo(spec) if narrow else spec)
    loaded.app = app
    loaded.location = OPENAPI_PATH
    return loaded


_app, _tokens = _sqlite_app()
schema = _schema(_app)

FUZZ_SETTINGS = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate(checks=ALL_CHECKS, headers=bearer(_tokens["admin"]))


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if postgres_url() else ["sqlite"]


_apps: dict[str, tuple[FastAPI, dict[str, str]]] = {"sqlite": (_app, _tokens)}


def _app_for(backend: str) -> tuple[FastAPI, dict[str, str]]:
    if backend not in _apps:
        base = postgres_url()
        assert base is not None
        url = prepare_postgres(scratch_postgres_url(base, "fuzz"))
        directory = Path(tempfile.mkdtemp(prefix="siaga-fuzz-pg-"))
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        _apps[backend] = _fuzz_app(url, directory)
    return _apps[backend]


@pytest.mark.parametrize("backend", _backends())
@pytest.mark.parametrize("username", DEMO_USERS)
def test_stateful(backend: str, username: str) -> None:
    app, tokens = _app_for(backend)
    headers = bearer(tokens[username])
    machine_schema = _schema(app, narrow=True)

    class Workflow(machine_schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: schemathesis.Case[Any]) -> dict[str, Any]:
            return {"headers": headers}

        def validate_response(
            self,
            response: schemathesis.Response,
            case: schemathesis.Case[Any],
            additional_checks: Any = None,
            **kwargs: Any,
        ) -> None:
            case.validate_response(
                response, checks=ALL_CHECKS, headers=headers, transport_kwargs=kwargs
            )

    run_settings = settings(
        max_examples=12,
        stateful_step_count=8,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        # No shrinking: each run leaves the database changed, so a replayed sequence
        # meets other data, Hypothesis calls the run flaky, and shrinking takes
        # minutes. A failure is reported as found, with the calls that led to it.
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
    )
    try:
        Workflow.run(settings=run_settings)
    except FlakyStrategyDefinition:
        # Not a finding: Hypothesis replays choice prefixes and expects the same rules to
        # be enabled again, but each step changes the database (that is the point), so an
        # enabled rule can differ between replays and Hypothesis gives up generating. The
        # database has moved on since, so a second run explores from another state; a real
        # finding raises its own error, which this does not catch.
        Workflow.run(settings=run_settings)
