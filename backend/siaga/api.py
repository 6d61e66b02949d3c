"""The one list of routers mounted under /api/v1."""

from __future__ import annotations

from fastapi import APIRouter

from siaga.agencies.router import router as agencies_router
from siaga.apikeys.router import router as api_keys_router
from siaga.audit_trail.router import router as audit_router
from siaga.auth.router import router as auth_router
from siaga.comments.router import router as comments_router
from siaga.evidence.router import router as evidence_router
from siaga.exports.router import router as exports_router
from siaga.frameworks.router import router as frameworks_router
from siaga.health.router import router as health_router
from siaga.imports.router import router as imports_router
from siaga.incidents.router import exports_router as incident_exports_router
from siaga.incidents.router import router as incidents_router
from siaga.instance.router import router as instance_router
from siaga.mail.router import router as mail_router
from siaga.notifications.router import router as notifications_router
from siaga.periods.router import router as periods_router
from siaga.regions.router import router as regions_router
from siaga.reporting.recommendations_router import router as recommendations_router
from siaga.reporting.router import router as reporting_router
from siaga.reports.router import router as reports_router
from siaga.scoring.router import router as scores_router
from siaga.submissions.router import router as submissions_router
from siaga.users.router import router as users_router
from siaga.users.self_router import router as self_router
from siaga.webhooks.router import router as webhooks_router

API_PREFIX = "/api/v1"

api_router = APIRouter()
for _router in (
    health_router,
    instance_router,
    auth_router,
    self_router,
    mail_router,
    notifications_router,
    regions_router,
    agencies_router,
    frameworks_router,
    periods_router,
    submissions_router,
    comments_router,
    scores_router,
    evidence_router,
    users_router,
    api_keys_router,
    audit_router,
    imports_router,
    exports_router,
    # After the PDF's `/reports/{region}/{period}.pdf`: the report's own path would
    # otherwise take `2024-Q1.pdf` for a period code.
    reports_router,
    reporting_router,
    recommendations_router,
    webhooks_router,
    incidents_router,
    incident_exports_router,
):
    api_router.include_router(_router)
