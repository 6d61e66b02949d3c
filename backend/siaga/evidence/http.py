"""The HTTP face of evidence files, shared by every route that takes or serves one (an
answer's in router.py, a recommendation's in reporting.recommendations_router): how the
upload is described, and the headers a file is served with."""

from __future__ import annotations

from typing import Any

from fastapi.responses import StreamingResponse

from siaga.core.filetypes import FILE_TYPES
from siaga.core.uploads import FILE_FIELD
from siaga.evidence.files import Download

# The body is parsed by hand (streamed, never buffered), so FastAPI cannot describe it.
MULTIPART_BODY: dict[str, Any] = {
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
                            "description": "PDF, JPEG, PNG, XLSX, DOCX or ODT; "
                            "the type is decided by the content",
                        }
                    },
                }
            }
        },
    }
}
FILE_CONTENT = {
    "description": "The file's bytes",
    "content": {
        file_type.content_type: {"schema": {"type": "string", "format": "binary"}}
        for file_type in FILE_TYPES
    }
    # Files that reached the database some other way (imports, copies) of another type.
    | {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}
# The file is served from our origin: never let a browser guess a type (an HTML
# polyglot would run as our page) or run anything if it renders it.
DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'; frame-ancestors 'none'",
    "Cache-Control": "private, no-store",
}
# A PDF or image shown by the browser (only those types are ever served inline, typed by
# their content). No `sandbox` here: Chromium's PDF viewer in a sandboxed document never
# finishes loading. `default-src 'none'` still lets nothing of the file's own run or
# load, and the type cannot be sniffed into HTML. Pages of our own origin may frame it
# (the only exception to DENY); no other site may.
INLINE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'none'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
    ),
    "X-Frame-Options": "SAMEORIGIN",
    "Cache-Control": "private, no-store",
}


def file_response(download: Download) -> StreamingResponse:
    """The file as its response: typed by its content, with its length and name."""
    # Types that are never shown by a browser go out as attachments even when asked inline.
    shown = download.disposition.startswith("inline")
    return StreamingResponse(
        download.chunks,
        media_type=download.content_type,
        headers={
            **(INLINE_HEADERS if shown else DOWNLOAD_HEADERS),
            "Content-Length": str(download.size),
            "Content-Disposition": download.disposition,
        },
    )
