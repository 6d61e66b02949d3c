"""Bulk imports over HTTP.

Contract (what the CLI, the SPA and partner scripts rely on):

- `POST /imports?kind=...&dry_run=true|false`, multipart/form-data with one file in field
  `file` (CSV in UTF-8 with or without BOM, comma or semicolon separated; or XLSX, first
  sheet). Optional header `Idempotency-Key` (1-200 characters).
- File-level problems answer in the error shape, nothing stored: 413 `too_large` (over
  SIAGA_IMPORT_MAX_MB, default 50 MB), 415 `unsupported_media_type` (binary, not CSV/XLSX),
  422 `import_header_invalid` (missing, unknown or duplicated columns; details name them),
  422 `import_file_empty` (no rows, or a header without data rows), 422
  `import_file_too_expanded` (XLSX zip bomb), 422 `import_file_invalid` (not UTF-8, broken
  CSV or XLSX), 403 for indicators by a non-national caller.
- Otherwise 200 with the stored batch (`ImportBatchRead`), dry run or real, whatever the
  rows held: `status` is `succeeded` when no row had an error (a real run then wrote
  every row) and `failed` when any row had one (a real run then wrote nothing: all or
  nothing). `counts` are complete; `rows` lists the first 1,000 row outcomes
  (created/updated/unchanged) and `errors` the first 1,000 errors `{row, column, code,
  message, message_en}`; every error is in `GET /imports/{id}/errors.csv`.
- A retried request with the same `Idempotency-Key` by the same caller returns the first
  batch (same id) without importing again, with header `Idempotent-Replayed: true`; the
  same key with another file, kind or dry_run flag is 409 `idempotency_key_reused`.
- Scope: a region or agency code outside the caller's subtree in a row is a row error
  worded exactly like an unknown code (nothing about its existence leaks); a region row
  whose own code lies outside is `region_out_of_scope` (decided by the code's prefix
  alone); indicators (national reference data) may be imported only by national callers.
- Users: only an administrator signed in as a user imports accounts; an API key gets 403
  `forbidden` whatever its scopes (audited like every 403), and every row passes the rule
  of POST/PATCH /users. No password column (a spreadsheet of passwords leaks); new
  accounts are created inactive with an unusable password, and an administrator sets a
  password and activates each (PATCH /users/{username}). Role, region and agency of an
  existing user are not changed by import (row error `user_scope_change`). A username
  taken by an account outside the caller's scope is `user_exists`, worded as for POST
  /users; past the caller's allowance of such answers (users.availability) rows that
  would need one are `username_not_checked`.
- Answers: values per answer type as in docs/api.md; only open periods; an answer that is
  `submitted` or `verified` is `unchanged` when the row repeats it and a row error
  `answer_locked` when the row would change it; `submitted` for an indicator that requires
  evidence needs evidence already attached (else `evidence_required`: import as draft).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from siaga.auth.dependencies import AppSettings, CurrentActor, Importer, require
from siaga.core.csvstyle import CsvStyleQuery
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.core.filetypes import MAX_NAME_LENGTH, display_name
from siaga.core.pagination import Pagination
from siaga.core.security import Capability, Principal
from siaga.core.uploads import FILE_FIELD, MIB, receive_file
from siaga.evidence.dependencies import EvidenceStorage
from siaga.imports import service, templates
from siaga.imports.kinds import ACCOUNT_KINDS
from siaga.imports.schemas import ImportBatchPage, ImportBatchRead
from siaga.models import ImportKind

router = APIRouter(prefix="/imports", tags=["imports"])

_MULTIPART_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [FILE_FIELD],
                    "properties": {
                        FILE_FIELD: {
                            "type": "string",
                            "format": "binary",
                            "description": "CSV (UTF-8, comma or semicolon) or XLSX",
                        }
                    },
                }
            }
        },
    }
}
_CSV_CONTENT = {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}
_XLSX_CONTENT = {
    "description": "XLSX workbook",
    "content": {templates.XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
}

BatchId = Annotated[int, Path(ge=1, le=2**62, description="Import batch id")]

# API keys never hold ADMIN (core.security.API_KEY_CAPABILITIES): this refuses them too.
_account_admin = require(Capability.ADMIN)


async def _importer_of_kind(principal: Importer, request: Request, session: DbSession) -> Principal:
    """An importer; for a kind that manages accounts, an administrator signed in as a user.

    The kind is read from the query here, before the upload is received, so a refused
    caller sends no file in vain; the route still declares and validates `kind` itself.
    """
    if request.query_params.get("kind") in ACCOUNT_KINDS:
        return await _account_admin(principal, request, session)
    return principal


KindImporter = Annotated[Principal, Depends(_importer_of_kind)]


@router.post(
    "",
    name="create",
    response_model=ImportBatchRead,
    responses=responses(401, 403, 409, 413, 415, 507),
    openapi_extra=_MULTIPART_BODY,
)
async def create_import(
    request: Request,
    response: Response,
    session: DbSession,
    principal: KindImporter,
    actor: CurrentActor,
    settings: AppSettings,
    storage: EvidenceStorage,
    kind: Annotated[ImportKind, Query(description="What the file holds")],
    dry_run: Annotated[bool, Query(description="Check and report only; write no data")] = False,
    idempotency_key: Annotated[
        str | None,
        Header(min_length=1, max_length=200, description="Retry key: same key, same result"),
    ] = None,
) -> ImportBatchRead:
    """Import a CSV or XLSX file of one kind, or check it (dry run); see the module docs."""
    staged = await receive_file(
        request.headers, request.stream(), storage.staging_dir, settings.import_max_mb * MIB
    )
    try:
        batch, replayed = await service.run_import(
            session,
            principal,
            actor,
            kind,
            staged.path,
            # Shown in the imports list and audit: cleaned like evidence file names.
            filename=display_name(staged.filename or "")[:MAX_NAME_LENGTH]
            or f"import-{kind.value}",
            dry_run=dry_run,
            idempotency_key=idempotency_key,
            sha256=staged.sha256,
            timezone=settings.timezone,
        )
    finally:
        await run_in_threadpool(staged.path.unlink, missing_ok=True)
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return batch


@router.get("", name="list", response_model=ImportBatchPage, responses=responses(401, 403))
async def list_imports(
    session: DbSession,
    principal: Importer,
    page: Pagination,
    kind: ImportKind | None = None,
) -> ImportBatchPage:
    """Import batches the caller may see, newest first."""
    return await service.list_batches(session, principal, page, kind)


@router.get(
    "/templates/{kind}.xlsx",
    name="template",
    response_class=Response,
    responses={200: _XLSX_CONTENT, **responses(401, 403)},
)
async def import_template(session: DbSession, principal: Importer, kind: ImportKind) -> Response:
    """A blank XLSX template for `kind`, with drop-downs of the codes in the caller's scope."""
    content = await templates.template_for(session, kind, scope=principal.region_code)
    filename = templates.template_filename(kind)
    return Response(
        content,
        media_type=templates.XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/{batch_id}", name="get", response_model=ImportBatchRead, responses=responses(401, 403, 404)
)
async def get_import(session: DbSession, principal: Importer, batch_id: BatchId) -> ImportBatchRead:
    """One import batch with its counts, row outcomes and errors."""
    return await service.get_batch(session, principal, batch_id)


@router.get(
    "/{batch_id}/errors.csv",
    name="errors_csv",
    response_class=Response,
    responses={200: _CSV_CONTENT, **responses(401, 403, 404)},
)
async def import_errors_csv(
    session: DbSession, principal: Importer, batch_id: BatchId, style: CsvStyleQuery
) -> Response:
    """Every error of the batch as CSV: row, column, code, message, message_en."""
    content = await service.errors_csv(session, principal, batch_id, style)
    return Response(
        content,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="impor-{batch_id}-kesalahan.csv"',
            "X-Content-Type-Options": "nosniff",
        },
    )
