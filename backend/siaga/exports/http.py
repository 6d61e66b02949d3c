"""How every export leaves the API: a streamed attachment, documented per format."""

from __future__ import annotations

from typing import Any

from fastapi.responses import StreamingResponse

from siaga.core.errors import responses
from siaga.exports.service import MEDIA_TYPES, Export, Format


def documented(fmt: Format, *statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses of an export route: the file in its media type, then `statuses`."""
    # A fragment of the OpenAPI document (JSON), as FastAPI's `responses=` takes it.
    file = {"schema": {"type": "string", "format": "binary"}}
    return {
        200: {"description": "The file, as an attachment", "content": {MEDIA_TYPES[fmt]: file}},
        **responses(*statuses),
    }


def download(export: Export) -> StreamingResponse:
    # no-store: exports hold personal and unpublished data, never kept by a shared cache.
    return StreamingResponse(
        export.chunks,
        media_type=export.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{export.filename}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
