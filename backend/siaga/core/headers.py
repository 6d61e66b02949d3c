"""Security headers on every response, and the API docs page with a policy of its own.

The SPA is built by Vite into external scripts and stylesheets only, so its policy
needs nothing inline: React and ECharts (its tooltip box) set styles through the
CSSOM, which style-src does not restrict, and ECharts draws the map on canvas; our
tooltip formatter returns plain text, so no markup with style attributes is parsed.
The Swagger page is FastAPI's, loading Swagger UI from a CDN with one inline bootstrap
script; it gets a policy naming that CDN and the script's hash instead of weakening
the policy of everything else.
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
)

SWAGGER_CDN = "https://cdn.jsdelivr.net"
_SWAGGER_FAVICON_HOST = "https://fastapi.tiangolo.com"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


class SecurityHeadersMiddleware:
    """Add the security headers to every HTTP response that does not set its own.

    A route may set a stricter policy (evidence downloads are sandboxed) or a looser
    one (the docs page); the middleware never overrides a header already present.
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
            f"script-src 'self' {SWAGGER_CDN} {' '.join(_script_hashes(html))}",
            # Swagger UI styles its widgets inline; the page shows nothing of the users'.
            f"style-src 'self' {SWAGGER_CDN} 'unsafe-inline'",
            f"img-src 'self' data: {_SWAGGER_FAVICON_HOST}",
            "connect-src 'self'",
            *_COMMON_DIRECTIVES,
        )
    )


def install_docs(app: FastAPI, docs_url: str, openapi_url: str) -> None:
    """Serve Swagger UI at docs_url (FastAPI's own page) under a policy that lets it load."""

    @app.get(docs_url, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root_path = request.scope.get("root_path", "").rstrip("/")
        page = get_swagger_ui_html(
            openapi_url=root_path + openapi_url, title=f"{app.title} - Swagger UI"
        )
        html = bytes(page.body).decode()
        return HTMLResponse(html, headers={"Content-Security-Policy": docs_policy(html)})
