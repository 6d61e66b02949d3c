"""How `siaga import` shows an import's outcome in the terminal, local or remote alike.

Both modes hand over the API's JSON shapes (a batch, or an error body), so a file imported
on the server's own database and one sent over HTTP read the same on screen. They stay
JSON documents here, not models: a remote server of another version may add or lack
fields, and whatever it sent is shown rather than refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from siaga.core.jsontypes import JsonObject, JsonValue

EXIT_OK = 0
EXIT_ROW_ERRORS = 1
EXIT_FILE_ERROR = 2
# A terminal is no place for 100,000 errors; errors.csv has them all.
MAX_SHOWN_ERRORS = 200


def _objects(value: JsonValue) -> list[JsonObject]:
    """The JSON objects of a JSON array (anything else: none)."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [item for item in value if isinstance(item, Mapping)]
    return []


def _count(value: JsonValue) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def show_batch(console: Console, batch: JsonObject, *, base_url: str | None = None) -> int:
    """Print the summary and the row errors of a batch; returns the exit code."""
    raw_counts = batch.get("counts")
    counts: JsonObject = raw_counts if isinstance(raw_counts, Mapping) else {}
    summary = Table(title="Hasil impor (import result)", show_header=False)
    for label, value in (
        ("Batch", batch.get("id")),
        ("Jenis (kind)", batch.get("kind")),
        ("Uji coba (dry run)", "ya (yes)" if batch.get("dry_run") else "tidak (no)"),
        ("Status", batch.get("status")),
        ("Berkas (file)", batch.get("filename")),
        ("Baris (rows)", counts.get("rows")),
        ("Baru (created)", counts.get("created")),
        ("Diperbarui (updated)", counts.get("updated")),
        ("Tetap (unchanged)", counts.get("unchanged")),
        ("Kesalahan (errors)", counts.get("errors")),
        ("Baris bermasalah (rows with errors)", counts.get("rows_with_errors")),
    ):
        summary.add_row(label, "" if value is None else escape(str(value)))
    console.print(summary)

    errors = _objects(batch.get("errors"))
    total_errors = _count(counts.get("errors")) or len(errors)
    if errors:
        _errors_table(console, errors)
        if total_errors > min(len(errors), MAX_SHOWN_ERRORS):
            where = str(batch.get("errors_csv_url") or "")
            if where and base_url and where.startswith("/"):
                where = base_url.rstrip("/") + where
            console.print(
                f"[yellow]{total_errors - min(len(errors), MAX_SHOWN_ERRORS)} kesalahan lain "
                f"(more errors) in errors.csv {escape(where)}[/yellow]"
            )
    if total_errors or batch.get("status") == "failed":
        if not batch.get("dry_run"):
            console.print("[red]Tidak ada yang disimpan (nothing was written).[/red]")
        return EXIT_ROW_ERRORS
    if batch.get("dry_run"):
        console.print("[green]Uji coba tanpa kesalahan (dry run found no errors).[/green]")
    else:
        console.print("[green]Impor selesai (import done).[/green]")
    return EXIT_OK


def show_response_error(console: Console, status_code: int, body: JsonObject) -> int:
    """Print a refused request's body; returns the exit code."""
    error = body.get("error")
    if not isinstance(error, Mapping):  # not the contract's shape: show what came back
        error = {"code": "http_error", "message": str(body)[:500]}
    return show_error(console, status_code, error)


def show_error(console: Console, status_code: int | None, error: JsonObject) -> int:
    """Print an error body ({"code", "message", "details"}); returns the exit code.

    Row errors can come inside an error body (a real run refused because of them): they
    are shown as a table and count as row errors; anything else is a file or request error.
    """
    prefix = f"HTTP {status_code}: " if status_code else ""
    # Server text is data, not markup: a "[" in a message must print as itself.
    message = escape(f"{prefix}{error.get('message', '')} ({error.get('code', 'error')})")
    console.print(f"[red]{message}[/red]")
    raw_details = error.get("details") or []
    details: Sequence[JsonValue] = (
        raw_details
        if isinstance(raw_details, Sequence) and not isinstance(raw_details, str)
        else []
    )
    objects = _objects(details)
    batch = next((d for d in objects if "counts" in d), None)
    if batch is not None:
        show_batch(console, batch)
        return EXIT_ROW_ERRORS
    rows = [d for d in objects if "row" in d and "code" in d]
    nested = [e for d in objects for e in _objects(d.get("errors"))]
    if rows or nested:
        _errors_table(console, rows + nested)
        return EXIT_ROW_ERRORS
    for detail in details:
        console.print(f"  - {escape(str(detail))}")
    return EXIT_FILE_ERROR


def _errors_table(console: Console, errors: list[JsonObject]) -> None:
    table = Table(
        "baris (row)",
        "kolom (column)",
        "kode (code)",
        "pesan (message)",
        title="Kesalahan (errors)",
        show_lines=False,
    )
    for error in errors[:MAX_SHOWN_ERRORS]:
        message = escape(str(error.get("message", "")))
        if error.get("message_en"):
            message += f"\n[dim]{escape(str(error['message_en']))}[/dim]"
        table.add_row(
            str(error.get("row", "")),
            escape(str(error.get("column") or "")),
            escape(str(error.get("code", ""))),
            message,
        )
    console.print(table)
