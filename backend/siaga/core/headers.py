"""Security headers on every response, and the API docs page with a policy of its own.

The SPA is built by Vite into external scripts and stylesheets only, so its policy
needs nothing inline: React and ECharts (its tooltip box) set styles through the
CSSOM, which style-src does not restrict, and ECharts draws the map on canvas; our
tooltip formatter returns plain text, so no markup with style attributes is parsed.
The Swagger page is FastAPI's with one inline bootstrap script; Swagger UI's script,
stylesheet and icon come from the swagger-ui-bundle-v2 package, served under the docs
URL, so the page works on a closed network. It gets a policy of its own ('self' plus
the script's hash) instead of weakening the policy of everything else.
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from swagger_ui_bundle import swagger_ui_path

from siaga.core.errors import NotFound
from siaga.core.settings import Settings

_COMMON_DIRECTIVES = (
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
)
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "manifest-src 'self'",
        *_COMMON_DIRECTIVES,
    )
)

SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    # Geolocation for our own pages only: a quick incident report takes the phone's
    # position where it happened (issue 21); frames and other origins still get none.
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(self), payment=(), usb=()"),
)

# The only files of the bundle the page needs; the rest (its demo index page pointing
# at the petstore, the OAuth redirect) stays unserved.
DOCS_ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
}
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


class SecurityHeadersMiddleware:
    """Add the security headers to every HTTP response that does not set its own.

    A route may set a stricter policy (evidence downloads are sandboxed) or a looser
    one (the docs page; evidence served inline, which pages of this origin may frame:
    X-Frame-Options SAMEORIGIN, `frame-ancestors 'self'`, still `default-src 'none'`, see
    evidence.router); the middleware never overrides a header already present.
    HSTS only goes out on requests that came over TLS: uvicorn rewrites the scheme from
    X-Forwarded-Proto only for proxies in forwarded_allow_ips, so a client cannot fake it.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        hsts = self.settings.hsts_max_age if scope.get("scheme") == "https" else 0

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    if name not in headers:
                        headers.append(name, value)
                if hsts and "Strict-Transport-Security" not in headers:
                    headers.append(
                        "Strict-Transport-Security", f"max-age={hsts}; includeSubDomains"
                    )
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _script_hashes(html: str) -> list[str]:
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    ]


def docs_policy(html: str) -> str:
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' {' '.join(_script_hashes(html))}",
            # Swagger UI styles its widgets inline; the page shows nothing of the users'.
            "style-src 'self' 'unsafe-inline'",
            # Its stylesheet draws icons as data: SVGs.
            "img-src 'self' data:",
            "connect-src 'self'",
            *_COMMON_DIRECTIVES,
        )
    )


def install_docs(app: FastAPI, docs_url: str, openapi_url: str) -> None:
    """Serve Swagger UI at docs_url (FastAPI's page) with its assets from the package."""
    assets_url = f"{docs_url}/assets"

    @app.get(docs_url, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        page = get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{assets_url}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{assets_url}/swagger-ui.css",
            swagger_favicon_url=f"{root}{assets_url}/favicon-32x32.png",
            # Swagger UI would otherwise send the spec's URL to validator.swagger.io.
            swagger_ui_parameters={"validatorUrl": None},
        )
        html = bytes(page.body).decode()
        return HTMLResponse(html, headers={"Content-Security-Policy": docs_policy(html)})

    @app.get(assets_url + "/{name}", include_in_schema=False)
    async def swagger_ui_asset(name: str) -> FileResponse:
        media_type = DOCS_ASSETS.get(name)
        if media_type is None:
            raise NotFound()
        # The files change only with the package version: revalidate by ETag, never
        # by the wheel's fixed file dates, so an upgrade is picked up at once.
        return FileResponse(
            str(swagger_ui_path / name),
            media_type=media_type,
            headers={"Cache-Control": "no-cache"},
        )
