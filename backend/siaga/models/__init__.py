"""All tables, imported here so Alembic and the application see one complete metadata."""

from siaga.core.roles import Role
from siaga.models.agency import Agency, AgencyType
from siaga.models.audit import AuditEvent
from siaga.models.base import Base
from siaga.models.comment import AnswerComment, CommentKind, CommentReadMark
from siaga.models.framework import (
    AnswerType,
    CategoryThreshold,
    Dimension,
    Framework,
    FrameworkStatus,
    Indicator,
    LevelRubric,
)
from siaga.models.imports import ImportBatch, ImportKind, ImportRowError, ImportStatus
from siaga.models.incident import (
    Incident,
    IncidentCategory,
    IncidentCounter,
    IncidentEvent,
    IncidentFile,
    IncidentLevel,
    IncidentSeverity,
    IncidentState,
)
from siaga.models.mail import (
    EmailAttempt,
    EmailDelivery,
    EmailDeliveryState,
    EmailPreference,
    ReminderSent,
)
from siaga.models.outbox import Notification, OutboxEvent
from siaga.models.period import Period, PeriodState
from siaga.models.region import Region, RegionBoundary, RegionLevel
from siaga.models.report import (
    PemdaReport,
    PemdaReportEvent,
    RecommendationEvidence,
    RecommendationStatus,
    ReportRecommendation,
    ReportState,
)
from siaga.models.revision import ScoreRevision
from siaga.models.submission import (
    EvidenceBlob,
    EvidenceFile,
    Review,
    ReviewDecision,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
)
from siaga.models.user import ApiKey, AuthSession, LoginAttempt, User
from siaga.models.webhook import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryState,
    WebhookEndpoint,
    WebhookState,
)

__all__ = [
    "Agency",
    "AgencyType",
    "AnswerComment",
    "AnswerType",
    "ApiKey",
    "AuditEvent",
    "AuthSession",
    "Base",
    "CategoryThreshold",
    "CommentKind",
    "CommentReadMark",
    "Dimension",
    "EmailAttempt",
    "EmailDelivery",
    "EmailDeliveryState",
    "EmailPreference",
    "EvidenceBlob",
    "EvidenceFile",
    "Framework",
    "FrameworkStatus",
    "ImportBatch",
    "ImportKind",
    "ImportRowError",
    "ImportStatus",
    "Incident",
    "IncidentCategory",
    "IncidentCounter",
    "IncidentEvent",
    "IncidentFile",
    "IncidentLevel",
    "IncidentSeverity",
    "IncidentState",
    "Indicator",
    "LevelRubric",
    "LoginAttempt",
    "Notification",
    "OutboxEvent",
    "PemdaReport",
    "PemdaReportEvent",
    "Period",
    "PeriodState",
    "RecommendationEvidence",
    "RecommendationStatus",
    "Region",
    "RegionBoundary",
    "RegionLevel",
    "ReminderSent",
    "ReportRecommendation",
    "ReportState",
    "Review",
    "ReviewDecision",
    "Role",
    "ScoreRevision",
    "Submission",
    "SubmissionStatus",
    "SubmissionVersion",
    "User",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookDeliveryState",
    "WebhookEndpoint",
    "WebhookState",
]
