"""Who may manage which account: the one rule behind POST/PATCH /users, the users import
and the API keys, pure and without I/O.

An account (a user or an API key) holds power (capabilities) over a scope (a region
subtree, None for the nation). Only an administrator signed in as a user manages
accounts, and only those whose scope lies inside its own, before and after the change,
and whose power is no greater than its own. API keys never manage accounts, whatever
their scopes: a key that could would mint accounts or keys as wide as it likes, and it
answers to no person.

Administrators of the same scope are peers: a provincial administrator may create and
change another administrator of its own province (or of a region inside it), as a
national one may another national one; never one of another province nor a national
account. Nobody disables, demotes or re-scopes itself: an administrator locked out by
its own hand needs someone above it to come back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from siaga.core.security import (
    API_KEY_CAPABILITIES,
    ROLE_CAPABILITIES,
    ApiKeyScope,
    Capability,
    Principal,
    in_subtree,
)
from siaga.models import Role


@dataclass(frozen=True)
class Account:
    """A user account or an API key, as far as the rule cares: its power and scope."""

    capabilities: frozenset[Capability]
    region_code: str | None  # scope root; None: the whole nation
    user_id: int | None = None
    is_active: bool = True

    @classmethod
    def user(
        cls,
        role: Role,
        region_code: str | None,
        *,
        user_id: int | None = None,
        is_active: bool = True,
    ) -> Account:
        return cls(ROLE_CAPABILITIES[role], region_code, user_id, is_active)

    @classmethod
    def api_key(cls, scopes: list[ApiKeyScope], region_code: str | None) -> Account:
        return cls(frozenset(API_KEY_CAPABILITIES[s] for s in scopes), region_code)


class Refusal(enum.StrEnum):
    NOT_AN_ADMINISTRATOR = "not_an_administrator"  # an API key, or a user without ADMIN
    OUT_OF_SCOPE = "out_of_scope"  # the account's scope is not inside the actor's
    MORE_POWER = "more_power"  # the account could do something the actor cannot
    SELF_LOCKOUT = "self_lockout"  # the actor would disable, demote or re-scope itself


# Whoever runs a command on the server (`siaga users ...`) already holds the whole
# database: a national administrator that is no account (no user has id 0).
LOCAL_ADMIN = Principal(
    kind="user",
    id=0,
    label="cli",
    capabilities=frozenset(Capability),
    region_code=None,
    role=Role.ADMIN,
)


def may_manage_accounts(actor: Principal) -> bool:
    return actor.kind == "user" and actor.can(Capability.ADMIN)


def _within(actor: Principal, account: Account) -> bool:
    if account.region_code is None:
        return actor.region_code is None
    return in_subtree(actor.region_code, account.region_code)


def may_manage(actor: Principal, before: Account | None, after: Account | None) -> Refusal | None:
    """Why `actor` may not turn `before` into `after` (None: create; None after: only look
    or revoke), or None when it may."""
    if not may_manage_accounts(actor):
        return Refusal.NOT_AN_ADMINISTRATOR
    states = [s for s in (before, after) if s is not None]
    if not all(_within(actor, s) for s in states):
        return Refusal.OUT_OF_SCOPE
    if not all(s.capabilities <= actor.capabilities for s in states):
        return Refusal.MORE_POWER
    if (
        before is not None
        and after is not None
        and before.user_id is not None
        and before.user_id == actor.user_id
        and (
            not after.is_active
            or after.capabilities != before.capabilities
            or after.region_code != before.region_code
        )
    ):
        return Refusal.SELF_LOCKOUT
    return None
