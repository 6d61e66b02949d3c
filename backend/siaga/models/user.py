from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from siaga.core.roles import Role
from siaga.core.types import utcnow
from siaga.models.agency import Agency
from siaga.models.base import Base, BigIntPK, TimestampMixin, str_enum
from siaga.models.region import Region


class User(TimestampMixin, Base):
    """A person. Scope: a region subtree (admin, verifier, viewer) or one agency (operator).

    An admin without a region is national.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, "user_role"))
    region_id: Mapped[int | None] = mapped_column(
        ForeignKey("regions.id", ondelete="RESTRICT"), index=True
    )
    agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agencies.id", ondelete="RESTRICT"), index=True
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(String(5), default="id")
    last_login_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]
    # Set by an administrator's reset: the next sign-in must choose a new password.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    phone: Mapped[str | None] = mapped_column(String(30))

    region: Mapped[Region | None] = relationship(lazy="raise")
    agency: Mapped[Agency | None] = relationship(lazy="raise")

    __table_args__ = (
        # An operator acts for exactly one agency; nobody else is tied to one.
        CheckConstraint(
            "(role = 'operator' AND agency_id IS NOT NULL) "
            "OR (role <> 'operator' AND agency_id IS NULL)",
            name="operator_has_agency",
        ),
    )


class AuthSession(Base):
    """A login. Only a hash of the opaque token is stored, so a database leak grants nothing."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    client_addr: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))

    user: Mapped[User] = relationship(lazy="raise")


class LoginAttempt(Base):
    """Failed and successful logins, counted in the database so every replica shares limits."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    client_addr: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_login_attempts_username_created_at", "username", "created_at"),
        Index("ix_login_attempts_client_addr_created_at", "client_addr", "created_at"),
    )


class ApiKey(Base):
    """A credential for another government system, limited to a region subtree and scopes."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # The public prefix identifies the key in logs and lists without revealing it.
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="RESTRICT"))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    last_used_addr: Mapped[str | None] = mapped_column(String(64))

    region: Mapped[Region | None] = relationship(lazy="raise")
