from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from siaga.core.pagination import Page
from siaga.models import ImportKind, ImportStatus


class ImportRowOutcome(BaseModel):
    row: int = Field(description="Row number as seen in the spreadsheet (the header is row 1)")
    key: str = Field(description="The row's natural key, e.g. `2023-Q4/64.72/K1.01`")
    action: Literal["created", "updated", "unchanged"]


class ImportRowErrorRead(BaseModel):
    row: int = Field(description="Row number as seen in the spreadsheet (the header is row 1)")
    column: str | None
    code: str
    message: str = Field(description="In Bahasa Indonesia")
    message_en: str


class ImportCounts(BaseModel):
    rows: int = Field(description="Data rows read (blank rows are skipped)")
    created: int
    updated: int
    unchanged: int
    errors: int = Field(description="Number of errors (a row may have several)")
    rows_with_errors: int


class ImportBatchSummary(BaseModel):
    id: int
    kind: ImportKind
    dry_run: bool
    status: ImportStatus = Field(
        description="`succeeded`: no row had an error (a real run wrote everything); "
        "`failed`: some row had an error and nothing was written"
    )
    filename: str
    file_sha256: str | None
    region_code: str | None = Field(description="The importer's scope; null for national")
    created_by: str | None = Field(description="Username or API key label of the importer")
    created_at: datetime
    finished_at: datetime | None
    counts: ImportCounts


class ImportBatchRead(ImportBatchSummary):
    rows: list[ImportRowOutcome] = Field(
        description="What happened to each row, for the first 1,000 rows without errors; "
        "`counts` is always complete"
    )
    rows_truncated: bool
    errors: list[ImportRowErrorRead] = Field(
        description="The first 1,000 errors, by row; all of them are in errors.csv"
    )
    errors_truncated: bool
    errors_csv_url: str


class ImportBatchPage(Page[ImportBatchSummary]):
    pass
