from __future__ import annotations

from pydantic import BaseModel, Field

from siaga.submissions.schemas import EvidenceRead


class EvidenceUploadRead(BaseModel):
    evidence: EvidenceRead
    answer_etag: str = Field(description="The answer's new ETag (its version changed)")


class GarbageReport(BaseModel):
    objects_deleted: int
    staging_files_deleted: int


class EvidencePages(BaseModel):
    count: int = Field(description="Pages of the PDF; each is GET .../pages/{n} as a PNG")
