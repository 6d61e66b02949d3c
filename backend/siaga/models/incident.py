from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from siaga.core.types import utcnow
from siaga.models.base import Base, BigIntPK, str_enum


class IncidentCategory(enum.StrEnum):
    NETRALITAS_ASN = "netralitas_asn"
    KONFLIK_PENDUKUNG = "konflik_pendukung"
    KAMPANYE_APK = "kampanye_apk"
    POLITIK_UANG = "politik_uang"
    LOGISTIK = "logistik"
    KEAMANAN = "keamanan"
    BENCANA = "bencana"
    HOAKS_SARA = "hoaks_sara"
    LAINNYA = "lainnya"


class IncidentSeverity(enum.StrEnum):
    RENDAH = "rendah"
    SEDANG = "sedang"
    TINGGI = "tinggi"
    KRITIS = "kritis"


class IncidentState(enum.StrEnum):
    REPORTED = "reported"
    ACKNOWLEDGED = "acknowledged"
    HANDLING = "handling"
    RESOLVED = "resolved"
    CLOSED = "closed"


class IncidentLevel(enum.StrEnum):
    """Who holds the incident: the Pemda that filed it, its province, the Ministry."""

    PEMDA = "pemda"
    PROVINCE = "province"
    NATIONAL = "national"


class Incident(Base):
    """A quick incident report (laporan cepat, issue 21): what happened where, how
    severe, what was done, and where it stands (incidents/rules.py).

    `number` (LC/<region>/<year>/<seq>) is the natural key; `occurred_on` is the day it
    happened in the region's zone, kept beside the instant so that date filters, the
    monthly counts and a quarter's summary agree with the region's calendar on both
    databases without time-zone arithmetic in SQL.
    """

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="RESTRICT"))
    year: Mapped[int]
    seq: Mapped[int]
    category: Mapped[IncidentCategory] = mapped_column(
        str_enum(IncidentCategory, "incident_category")
    )
    severity: Mapped[IncidentSeverity] = mapped_column(
        str_enum(IncidentSeverity, "incident_severity")
    )
    state: Mapped[IncidentState] = mapped_column(
        str_enum(IncidentState, "incident_state"), default=IncidentState.REPORTED
    )
    level: Mapped[IncidentLevel] = mapped_column(
        str_enum(IncidentLevel, "incident_level"), default=IncidentLevel.PEMDA
    )
    occurred_at: Mapped[datetime]
    occurred_on: Mapped[date]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    actions_taken: Mapped[str] = mapped_column(Text, default="")
    district: Mapped[str] = mapped_column(String(100))
    village: Mapped[str] = mapped_column(String(100), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    reported_at: Mapped[datetime] = mapped_column(default=utcnow)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reporter_label: Mapped[str] = mapped_column(String(200))
    acknowledged_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("region_id", "year", "seq"),
        # Lists start from the newest in a region subtree; the map and the overdue
        # filter look at open incidents by state.
        Index("ix_incidents_region_occurred", "region_id", "occurred_on"),
        Index("ix_incidents_state_reported", "state", "reported_at"),
        CheckConstraint(
            "(latitude IS NULL) = (longitude IS NULL)", name="point_complete_or_absent"
        ),
    )


class IncidentCounter(Base):
    """The last sequence number given per (region, year): the row an incident's number
    is taken from with one atomic upsert (incidents/repository.next_seq), so concurrent
    filings get distinct, consecutive numbers and a rolled-back filing gives its number
    back."""

    __tablename__ = "incident_counters"

    region_id: Mapped[int] = mapped_column(
        ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_seq: Mapped[int]


class IncidentEvent(Base):
    """One entry of an incident's timeline: filed, a step with its note, a note alone,
    an escalation with its reason, a file attached. Append-only like the reports'
    history: the incident and the actor are plain ids with the label beside them."""

    __tablename__ = "incident_events"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    incident_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[IncidentState | None] = mapped_column(
        str_enum(IncidentState, "incident_event_from_state")
    )
    state: Mapped[IncidentState] = mapped_column(str_enum(IncidentState, "incident_event_state"))
    level: Mapped[IncidentLevel] = mapped_column(str_enum(IncidentLevel, "incident_event_level"))
    note: Mapped[str] = mapped_column(Text, default="")
    actor_user_id: Mapped[int | None]
    actor_api_key_id: Mapped[int | None]
    actor_label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_incident_events_incident", "incident_id", "id"),)


class IncidentFile(Base):
    """A photo or document attached to an incident. The content is an evidence blob
    (stored once per SHA-256, shared with answers' evidence); `location_kept` says
    whether the reporter kept the photo's embedded location (else it was stripped
    before storing)."""

    __tablename__ = "incident_files"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    blob_sha256: Mapped[str] = mapped_column(
        ForeignKey("evidence_blobs.sha256", ondelete="RESTRICT"), index=True
    )
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    location_kept: Mapped[bool] = mapped_column(default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploader_label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
