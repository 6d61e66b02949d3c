"""Passwords, tokens and the principal: who is calling and what they may do."""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from pwdlib import PasswordHash

from siaga.core.roles import Role


@lru_cache
def password_hasher() -> PasswordHash:
    # pwdlib's recommended hasher is Argon2id with OWASP parameters.
    return PasswordHash.recommended()


def hash_password(password: str) -> str:
    return password_hasher().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return password_hasher().verify(password, password_hash)
    except Exception:  # a malformed stored hash never authenticates anyone
        return False


@lru_cache
def dummy_password_hash() -> str:
    """A hash to verify against when the user does not exist, so timing reveals nothing."""
    return hash_password(secrets.token_urlsafe(16))


def new_token() -> str:
    """An opaque bearer token: 256 random bits."""
    return secrets.token_urlsafe(32)


def token_digest(secret_key: str, token: str, purpose: str = "session") -> str:
    """Keyed hash under which a token is stored; a leaked table alone grants nothing."""
    return hmac.new(secret_key.encode(), f"{purpose}:{token}".encode(), hashlib.sha256).hexdigest()


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class Capability(enum.StrEnum):
    READ = "read"  # reference data, answers, scores, reports in scope
    ANSWER = "answer"  # create and edit answers, upload evidence
    REVIEW = "review"  # verify, return, reopen answers
    IMPORT = "import"  # bulk imports
    ADMIN = "admin"  # periods, frameworks, users, API keys, audit


ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.ADMIN: frozenset(Capability),
    Role.VERIFIER: frozenset({Capability.READ, Capability.REVIEW}),
    # Reads (and so comments on) the answers of its one Pemda; what it may see is narrowed
    # to that Pemda by the answers' scope (submissions.grid.scope_conditions).
    Role.COORDINATOR: frozenset({Capability.READ}),
    Role.OPERATOR: frozenset({Capability.READ, Capability.ANSWER}),
    Role.VIEWER: frozenset({Capability.READ}),
}


class ApiKeyScope(enum.StrEnum):
    READ = "read"
    WRITE = "write"
    IMPORT = "import"


API_KEY_CAPABILITIES: dict[ApiKeyScope, Capability] = {
    ApiKeyScope.READ: Capability.READ,
    ApiKeyScope.WRITE: Capability.ANSWER,
    ApiKeyScope.IMPORT: Capability.IMPORT,
}


def in_subtree(scope_code: str | None, code: str) -> bool:
    """Whether region `code` lies in the subtree rooted at `scope_code` (None: the nation)."""
    return scope_code is None or code == scope_code or code.startswith(scope_code + ".")


def strictly_below(scope_code: str | None, code: str) -> bool:
    """Whether region `code` lies under `scope_code` and is not `scope_code` itself (the
    nation, None, is above every region): where a reviewer may review (separation of
    duties, submissions.workflow)."""
    return scope_code is None or code.startswith(scope_code + ".")


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: a user (by session token) or another system (API key)."""

    kind: Literal["user", "api_key"]
    id: int
    label: str
    capabilities: frozenset[Capability]
    # Root of the region subtree the caller may see; None means the whole nation.
    region_code: str | None
    role: Role | None = None
    agency_id: int | None = None
    agency_code: str | None = None
    agency_type_id: int | None = None
    session_id: int | None = None
    via_cookie: bool = False
    scopes: frozenset[str] = field(default_factory=frozenset)
    # Set by an administrator's reset: the session may only change the password (auth).
    must_change_password: bool = False

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    def sees_region(self, code: str) -> bool:
        return in_subtree(self.region_code, code)

    @property
    def user_id(self) -> int | None:
        return self.id if self.kind == "user" else None

    @property
    def api_key_id(self) -> int | None:
        return self.id if self.kind == "api_key" else None
