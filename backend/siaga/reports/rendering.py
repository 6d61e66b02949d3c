"""HTML from the Jinja2 template, then the PDF from WeasyPrint in a worker thread: a render
is CPU work of about a second that would otherwise stall every other request on the event
loop."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from siaga.reports.formatting import css_string, long_date, number, percent, short_number

_TEMPLATES = Path(__file__).parent / "templates"
# One render at a time per process, off the event loop: WeasyPrint (Pango, fontconfig)
# is not documented as thread-safe, and a queue of reports should not take every thread
# of the default pool that uploads and exports also use.
_RENDERER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="siaga-pdf")


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(_TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        number=number,
        percent=percent,
        short_number=short_number,
        long_date=long_date,
        css_string=css_string,
    )
    return env


_ENV = _environment()


def render_html(context: Mapping[str, Any]) -> str:
    # A mapping because it is the template's namespace: its names are the template's.
    return _ENV.get_template("report.html").render(**context)


def render_pdf(html: str) -> bytes:
    # Imported here: loading Pango costs ~0.3 s, paid only by processes that render.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Nothing in the report is fetched: a name that smuggled in a URL reaches nothing.
    fetcher = URLFetcher(allowed_protocols=["data"])
    pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf()
    return pdf


async def pdf(context: Mapping[str, Any]) -> bytes:
    """The report's PDF, laid out in the renderer's thread."""
    html = render_html(context)
    return await asyncio.get_running_loop().run_in_executor(_RENDERER, render_pdf, html)
