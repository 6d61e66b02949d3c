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


# The roles an account may hold without a region, over the whole nation: the Ministry's
# administrators, and its verifiers, who review the provinces' own answers (separation of
# duties, submissions.workflow). Everyone else is bound to a region: a coordinator to one
# Pemda, an operator to one agency.
NATIONAL_ROLES = frozenset({Role.ADMIN, Role.VERIFIER})


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


# -- where an account sits: one rule for POST /users and the users import ---------------


@dataclass(frozen=True, slots=True)
class PlaceProblem:
    field: str
    code: str
    message: str
    message_en: str


@dataclass(frozen=True, slots=True)
class KnownAgency:
    """An agency the caller found in its scope, as far as the placement rule cares."""

    region_code: str
    is_active: bool


def place(
    role: Role,
    region: str | None,
    agency: str | None,
    *,
    found_agency: KnownAgency | None,
    region_known: bool,
) -> tuple[str | None, list[PlaceProblem]]:
    """The scope code of a new account of `role` placed at `region` / `agency`, and every
    problem with that place. An operator sits in one active agency (its region is the
    agency's); everyone else sits at a region, or nationally when NATIONAL_ROLES allows.
    `found_agency` and `region_known` are the caller's lookups within its own scope."""
    problems: list[PlaceProblem] = []
    if role == Role.OPERATOR:
        scope: str | None = None
        if not agency:
            problems.append(
                PlaceProblem(
                    "agency",
                    "required",
                    "Operator wajib memiliki perangkat daerah",
                    "an operator belongs to one agency",
                )
            )
        elif found_agency is None:
            problems.append(
                PlaceProblem(
                    "agency",
                    "unknown_agency",
                    f"Perangkat daerah {agency!r} tidak ditemukan",
                    f"agency {agency!r} not found",
                )
            )
        elif not found_agency.is_active:
            # A deactivated agency keeps its history and its operators, but takes no one new.
            problems.append(
                PlaceProblem(
                    "agency",
                    "agency_inactive",
                    f"Perangkat daerah {agency!r} tidak aktif; operator baru tidak dapat "
                    "ditambahkan",
                    f"agency {agency!r} is inactive: it takes no new operators",
                )
            )
        else:
            scope = found_agency.region_code
        if found_agency is not None and region and region != found_agency.region_code:
            problems.append(
                PlaceProblem(
                    "region",
                    "region_mismatch",
                    "Wilayah operator adalah wilayah perangkat daerahnya",
                    "an operator's region is its agency's region",
                )
            )
        return scope, problems
    if agency:
        problems.append(
            PlaceProblem(
                "agency",
                "agency_not_allowed",
                "Hanya operator yang terikat pada perangkat daerah",
                "only operators belong to an agency",
            )
        )
    if region:
        if not region_known:
            problems.append(
                PlaceProblem(
                    "region",
                    "unknown_region",
                    f"Wilayah {region!r} tidak ditemukan",
                    f"region {region!r} not found",
                )
            )
        return region, problems
    if role not in NATIONAL_ROLES:
        problems.append(
            PlaceProblem(
                "region",
                "required",
                f"Peran {role.value} wajib memiliki wilayah cakupan",
                f"a {role.value} needs a region (its scope)",
            )
        )
    return None, problems
