"""User accounts, by username: created inactive and without a usable password, until an
administrator sets one.

Only an administrator signed in as a user imports accounts, and each row passes the rule
of POST/PATCH /users (users.rules.may_manage), in a dry run as in a real one. An existing
username out of the caller's reach is answered exactly as for POST /users: taken, and
nothing more (users.availability, whose count these row errors are part of).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from siaga.imports import repository
from siaga.imports.bulk import (
    bulk_insert,
    bulk_update,
)
from siaga.imports.kinds.base import (
    Audited,
    Handler,
    ParsedRow,
    RowCheck,
    duplicate_row_error,
    table_of,
)
from siaga.models import (
    AuditEvent,
    ImportKind,
    Role,
    User,
)
from siaga.users import availability
from siaga.users import repository as accounts
from siaga.users.exceptions import AccountsNotAllowed
from siaga.users.rules import Account, KnownAgency, Refusal, may_manage, place

# -- users -------------------------------------------------------------------------------

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class _Account:
    """An account as a row of the file sets it."""

    row: RowCheck
    username: str
    full_name: str
    email: str | None
    role: Role
    region_id: int | None
    agency_id: int | None
    region_code: str | None


def unusable_password_hash() -> str:
    """Not a hash any password verifies against: the account waits for an administrator
    to set a password (and it is created inactive as well)."""
    return "!import:" + secrets.token_hex(16)


class UsersHandler(Handler):
    kind = ImportKind.USERS

    async def prepare(self) -> None:
        session, principal = self.ctx.session, self.ctx.principal
        # Also refused at the route (imports.router), with the audit of a 403; this holds
        # for every other way in (the service called directly, the CLI).
        if may_manage(principal, None, None) is not None:
            raise AccountsNotAllowed()
        scope = principal.region_code
        self.regions = {r.code: r.id for r in await repository.regions(session, scope)}
        self.agencies = {r.code: r for r in await repository.agencies(session, scope)}
        self.seen: dict[str, int] = {}
        self.answers = await availability.taken_answers(session, principal, self.ctx.now)

    def _check(self, row: RowCheck) -> _Account | None:
        username = (row.required("username") or "").lower()
        if username and not _USERNAME.match(username):
            row.error(
                "username",
                "invalid_username",
                "Nama pengguna: 3-80 huruf kecil, angka, titik, garis bawah atau tanda hubung",
                "username: 3-80 lower-case letters, digits, dot, underscore or hyphen",
            )
        full_name = row.max_length("full_name", 200)
        if not full_name:
            row.required("full_name")
        role_raw = (row.required("role") or "").lower()
        role = None
        if role_raw:
            try:
                role = Role(role_raw)
            except ValueError:
                row.error(
                    "role",
                    "invalid_role",
                    f"Peran {role_raw!r} tidak sah: admin, verifier, coordinator, operator atau "
                    "viewer",
                    f"role {role_raw!r} is not valid: admin, verifier, coordinator, operator "
                    "or viewer",
                )
        email = row.max_length("email", 254) or None
        if email and not _EMAIL.match(email):
            row.error("email", "invalid_email", "Alamat email tidak sah", "invalid e-mail address")
        region_code = row.get("region") or None
        agency_code = row.get("agency") or None
        region_id = agency_id = None
        if role is not None:
            agency = self.agencies.get(agency_code) if agency_code else None
            found = None
            if role == Role.OPERATOR and agency is not None:
                found = KnownAgency(agency.region_code, agency.is_active)
                agency_id, region_id = agency.id, agency.region_id
            elif region_code:
                region_id = self.regions.get(region_code)
            # The same placement rule as POST /users (users.rules.place).
            region_code, misplaced = place(
                role,
                region_code,
                agency_code,
                found_agency=found,
                region_known=region_id is not None,
            )
            for p in misplaced:
                row.error(p.field, p.code, p.message, p.message_en)
        if row.failed or role is None:
            return None
        refusal = may_manage(self.ctx.principal, None, Account.user(role, region_code))
        if refusal is not None:
            row.error(*_WIDER.get(refusal, _WIDER[Refusal.OUT_OF_SCOPE]))
            return None
        return _Account(row, username, full_name, email, role, region_id, agency_id, region_code)

    async def process(self, rows: list[ParsedRow]) -> None:
        ctx = self.ctx
        checked: list[_Account] = []
        for number, cells in rows:
            row = RowCheck(ctx, number, cells)
            values = self._check(row)
            username = row.get("username").lower()
            if username:
                first = self.seen.get(username)
                if first is not None:
                    duplicate_row_error(row, "username", first, f"Pengguna {username}", username)
                    continue
                self.seen[username] = number
            if values is not None and not row.failed:
                checked.append(values)
        existing = {
            r.username: r
            for r in await accounts.accounts_by_name(ctx.session, [v.username for v in checked])
        }
        creates: list[_Account] = []
        updates: list[tuple[accounts.ExistingAccount, _Account]] = []
        for values in checked:
            row, username = values.row, values.username
            old = existing.get(username)
            if old is None or not self._within_reach(old):
                # Free, or taken by an account out of reach: an answer about a name.
                if self.answers.exhausted:
                    _not_checked(row)
                elif old is not None:
                    self.answers.spend()
                    _taken(row, username)
                else:
                    creates.append(values)
                    ctx.results.outcome(row.number, username, "created")
                continue
            if (old.role, old.region_id, old.agency_id) != (
                values.role,
                values.region_id,
                values.agency_id,
            ):
                row.error(
                    "role",
                    "user_scope_change",
                    "Peran, wilayah atau perangkat daerah pengguna yang sudah ada tidak diubah "
                    "lewat impor; ubah melalui menu Pengguna",
                    "the role, region or agency of an existing user is not changed by import; "
                    "change it under Users",
                )
                continue
            if not row.has("email"):
                values = replace(values, email=old.email)
            if (old.full_name, old.email) == (values.full_name, values.email):
                ctx.results.outcome(row.number, username, "unchanged")
                continue
            updates.append((old, values))
            ctx.results.outcome(row.number, username, "updated")
        if ctx.writing and (creates or updates):
            await self._write(creates, updates)

    def _within_reach(self, old: accounts.ExistingAccount) -> bool:
        before = Account.user(old.role, old.scope_code, user_id=old.id, is_active=old.is_active)
        return may_manage(self.ctx.principal, before, None) is None

    async def _insert(self, creates: list[_Account]) -> bool:
        """Insert the new accounts; False when a simultaneous request took one of the
        names first, which its row then says (and the import writes nothing)."""
        ctx = self.ctx
        try:
            async with ctx.session.begin_nested():
                await ctx.session.execute(
                    insert(table_of(User)),
                    [
                        {
                            "username": c.username,
                            "full_name": c.full_name,
                            "email": c.email,
                            "role": c.role.value,
                            "region_id": c.region_id,
                            "agency_id": c.agency_id,
                            "password_hash": unusable_password_hash(),
                            "is_active": False,
                            "locale": "id",
                            "created_at": ctx.now,
                            "updated_at": ctx.now,
                        }
                        for c in creates
                    ],
                )
        except IntegrityError:
            names = [c.username for c in creates]
            taken = {a.username for a in await accounts.accounts_by_name(ctx.session, names)}
            if not taken:
                raise
            results = ctx.results
            for c in creates:
                if c.username in taken:
                    _taken(c.row, c.username)
                    results.created -= 1  # counted as created when planned
            results.listed = [
                r for r in results.listed if r.action != "created" or r.key not in taken
            ]
            return False
        return True

    async def _write(
        self,
        creates: list[_Account],
        updates: list[tuple[accounts.ExistingAccount, _Account]],
    ) -> None:
        ctx = self.ctx
        now = ctx.now
        audits: list[Audited] = []
        if creates and not await self._insert(creates):
            return
        audits += [
            Audited(
                c.username,
                c.region_code,
                None,
                {
                    "full_name": c.full_name,
                    "email": c.email,
                    "role": c.role.value,
                    "region_code": c.region_code,
                    "is_active": False,
                },
            )
            for c in creates
        ]
        if updates:
            await bulk_update(
                ctx.session,
                table_of(User),
                [
                    {
                        "id": old.id,
                        "full_name": v.full_name,
                        "email": v.email,
                        "updated_at": now,
                    }
                    for old, v in updates
                ],
            )
            audits += [
                Audited(
                    old.username,
                    old.scope_code,
                    {"full_name": old.full_name, "email": old.email},
                    {"full_name": v.full_name, "email": v.email},
                )
                for old, v in updates
            ]
        await bulk_insert(
            ctx.session, table_of(AuditEvent), ctx.audit_rows("user.imported", "user", audits)
        )


# The row error for an account the caller may not create: (column, code, message, English).
_WIDER = {
    Refusal.OUT_OF_SCOPE: (
        "region",
        "region_out_of_scope",
        "Cakupan akun harus di dalam cakupan Anda; administrator provinsi tidak dapat "
        "membuat akun nasional",
        "the account's scope must lie inside your own; a provincial administrator cannot "
        "create national accounts",
    ),
    Refusal.MORE_POWER: (
        "role",
        "role_out_of_reach",
        "Peran akun ini melebihi wewenang Anda",
        "this role may do more than you may",
    ),
}


def _taken(row: RowCheck, username: str) -> None:
    # Worded alike wherever the account lives (users.exceptions.UsernameTaken).
    row.error(
        "username",
        availability.TAKEN_ROW_CODE,
        f"Nama pengguna {username} sudah dipakai",
        f"username {username} is already taken",
    )


def _not_checked(row: RowCheck) -> None:
    row.error(
        "username",
        "username_not_checked",
        "Terlalu banyak nama pengguna yang sudah dipakai; nama ini tidak diperiksa, coba "
        "lagi nanti",
        "too many usernames already taken; this one was not checked, try again later",
    )
