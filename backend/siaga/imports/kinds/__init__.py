"""Per-kind validation and writing of import rows.

Each handler reads its lookups once (`prepare`), then takes the file in chunks: it checks
every row, looks up the existing objects of the whole chunk with one query, decides per row
created / updated / unchanged or errors, and, on a real run while no error has been seen,
writes the chunk in bulk (`imports.bulk`: COPY on PostgreSQL, executemany on SQLite),
versions and audit rows included. The caller rolls the writes back if any row anywhere had
an error: all or nothing.

One module per kind; `base` holds what they share. Answers (`submissions`) are the kind
imported by the hundred thousand and the only one tuned for it.
"""

from __future__ import annotations

from siaga.imports.kinds.agencies import AgenciesHandler
from siaga.imports.kinds.base import (
    MAX_LISTED_ROWS,
    YIELD_EVERY,
    Context,
    Handler,
    ParsedRow,
    Write,
)
from siaga.imports.kinds.indicators import IndicatorsHandler
from siaga.imports.kinds.regions import RegionsHandler
from siaga.imports.kinds.submissions import SubmissionsHandler
from siaga.imports.kinds.users import UsersHandler
from siaga.models import ImportKind

HANDLERS: dict[ImportKind, type[Handler]] = {
    ImportKind.SUBMISSIONS: SubmissionsHandler,
    ImportKind.REGIONS: RegionsHandler,
    ImportKind.AGENCIES: AgenciesHandler,
    ImportKind.INDICATORS: IndicatorsHandler,
    ImportKind.USERS: UsersHandler,
}

# Kinds that create or change accounts: imported only by an administrator signed in as a
# user, never by an API key whatever its scopes (users.rules).
ACCOUNT_KINDS = frozenset({ImportKind.USERS})

__all__ = [
    "ACCOUNT_KINDS",
    "HANDLERS",
    "MAX_LISTED_ROWS",
    "YIELD_EVERY",
    "Context",
    "Handler",
    "ParsedRow",
    "Write",
]
