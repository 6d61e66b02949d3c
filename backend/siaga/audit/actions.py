"""Every audit action and entity type the application records: the one authoritative list.

The audit page shows each action as a sentence in the reader's language, so the SPA must
know every name the trail can hold. `record` refuses a name that is not listed here (a
new action fails its first test, not a reader's screen), and tests/i18n checks that each
has an Indonesian and an English text.
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    # Signing in and out, and credentials refused.
    AUTH_LOGIN = "auth.login"
    AUTH_LOGOUT = "auth.logout"
    AUTH_TOKEN_REFUSED = "auth.token_refused"  # noqa: S105 - an action name, no secret
    AUTH_PASSWORD_CHANGE = "auth.password_change"  # noqa: S105 - an action name, no secret
    # Requests turned away by authorization.
    AUTHZ_DENIED = "authz.denied"
    AUTHZ_NOT_FOUND = "authz.not_found"
    AUTHZ_CSRF_FAILED = "authz.csrf_failed"
    # Accounts and API keys.
    USER_CREATE = "user.create"
    USER_UPDATE = "user.update"
    USER_PROFILE_UPDATE = "user.profile_update"
    USER_EMAIL_PREFERENCES_UPDATE = "user.email_preferences_update"
    USER_IMPORTED = "user.imported"
    API_KEY_CREATE = "api_key.create"
    API_KEY_REVOKE = "api_key.revoke"
    # Webhook endpoints (webhooks.service), and what the worker reports about them
    # (webhooks.notify): a delivery that failed for good, an endpoint it disabled.
    WEBHOOK_CREATE = "webhook.create"
    WEBHOOK_UPDATE = "webhook.update"
    WEBHOOK_DELETE = "webhook.delete"
    WEBHOOK_ROTATE_SECRET = "webhook.rotate_secret"  # noqa: S105 - an action name, no secret
    WEBHOOK_RETRY = "webhook.retry"
    WEBHOOK_TEST = "webhook.test"
    WEBHOOK_DELIVERY_FAILED = "webhook.delivery_failed"
    WEBHOOK_DISABLE = "webhook.disable"
    # Answers and their evidence (submission.<transition> from submissions.service).
    SUBMISSION_CREATE = "submission.create"
    SUBMISSION_UPDATE = "submission.update"
    SUBMISSION_SUBMIT = "submission.submit"
    SUBMISSION_VERIFY = "submission.verify"
    SUBMISSION_RETURN = "submission.return"
    SUBMISSION_REOPEN = "submission.reopen"
    SUBMISSION_COPY_PREVIOUS = "submission.copy_previous"
    SUBMISSION_IMPORTED = "submission.imported"
    # A message in the conversation on an answer (comments.service, or a return's reason).
    COMMENT_CREATE = "comment.create"
    # A Pemda's report for a period (report.<update|submit|accept|return|unaccept> from
    # reporting.service).
    REPORT_UPDATE = "report.update"
    REPORT_SUBMIT = "report.submit"
    REPORT_ACCEPT = "report.accept"
    REPORT_RETURN = "report.return"
    REPORT_UNACCEPT = "report.unaccept"
    # A report's recommendation made or followed up (reporting.recommendations).
    RECOMMENDATION_CREATE = "recommendation.create"
    RECOMMENDATION_UPDATE = "recommendation.update"
    # A quick incident report filed, stepped or noted, escalated, given a file
    # (incidents.service).
    INCIDENT_REPORT = "incident.report"
    INCIDENT_UPDATE = "incident.update"
    INCIDENT_ESCALATE = "incident.escalate"
    INCIDENT_EVIDENCE_UPLOAD = "incident.evidence_upload"
    EVIDENCE_UPLOAD = "evidence.upload"
    EVIDENCE_DELETE = "evidence.delete"
    # A Pemda's evidence for a period taken as one ZIP (evidence.bundle).
    EVIDENCE_EXPORT = "evidence.export"
    # Periods (period.<open|close|create|deadline|reopen> from periods.service).
    PERIOD_OPEN = "period.open"
    PERIOD_CLOSE = "period.close"
    PERIOD_CREATE = "period.create"
    PERIOD_DEADLINE = "period.deadline"
    PERIOD_REOPEN = "period.reopen"
    # Reference data.
    REGION_IMPORTED = "region.imported"
    REGION_UPDATE = "region.update"
    REGION_CREATE = "region.create"
    AGENCY_CREATE = "agency.create"
    AGENCY_UPDATE = "agency.update"
    AGENCY_IMPORTED = "agency.imported"
    INDICATOR_IMPORTED = "indicator.imported"
    # Framework versions (framework.<create|update|copy|publish> from frameworks.service).
    FRAMEWORK_CREATE = "framework.create"
    FRAMEWORK_UPDATE = "framework.update"
    FRAMEWORK_COPY = "framework.copy"
    FRAMEWORK_PUBLISH = "framework.publish"
    REGIONS_IMPORT_BOUNDARIES = "regions.import_boundaries"
    IMPORT_RUN = "import.run"
    # Data sets loaded from the command line.
    SEED_DEMO = "seed.demo"
    SEED_BENCH = "seed.bench"
    # The trail itself leaving the system.
    AUDIT_EXPORT = "audit.export"


class AuditEntity(StrEnum):
    """What an event is about (`entity_type`), shown with its id on the audit page."""

    USER = "user"
    API_KEY = "api_key"
    WEBHOOK = "webhook"
    SUBMISSION = "submission"
    PERIOD = "period"
    REPORT = "report"
    RECOMMENDATION = "recommendation"
    INCIDENT = "incident"
    REGION = "region"
    REGION_BOUNDARIES = "region_boundaries"
    AGENCY = "agency"
    INDICATOR = "indicator"
    FRAMEWORK = "framework"
    IMPORT_BATCH = "import_batch"
    DATASET = "dataset"
    ROUTE = "route"
    AUDIT_TRAIL = "audit_trail"


AUDIT_ACTIONS = frozenset(AuditAction)
# The outcomes an event can have; GET /audit also takes `refused` for the last three.
AUDIT_OUTCOMES = ("success", "failure", "denied", "rate_limited")


class UnregisteredAuditAction(ValueError):
    """A programming error: an action missing from AuditAction (no reader could read it)."""


def checked(action: str) -> str:
    if action not in AUDIT_ACTIONS:
        raise UnregisteredAuditAction(
            f"audit action {action!r} is not in siaga.audit.actions.AuditAction; add it "
            "there and give it a text in frontend/src/i18n/id.json and en.json"
        )
    return action
