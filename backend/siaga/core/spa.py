from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles

from siaga.core.errors import error_response


def mount_spa(app: FastAPI, dist: Path, api_prefix: str) -> None:
    """Serve the built SPA: real files as they are, every other path as index.html.

    Deep links such as /wilayah/64.72 have a dot that looks like a file extension,
    so the fallback cannot rely on the extension; anything that is not a file is
    the SPA's to route. API paths never fall back, so a wrong API URL stays a 404.
    """
    index = dist / "index.html"
    if not index.is_file():
        return
    assets = dist / "assets"
    if assets.is_dir():
        # Hashed file names: safe to cache for a year.
        app.mount("/assets", StaticFiles(directory=assets), name="assets")
    root = dist.resolve()

    @app.get("/{path:path}", include_in_schema=False)
    async def spa(path: str, request: Request) -> Response:
        if path == api_prefix.strip("/") or path.startswith(api_prefix.strip("/") + "/"):
            return error_response(404, "not_found", "Not found")
        candidate = (root / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            return FileResponse(candidate)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
