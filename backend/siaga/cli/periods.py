"""`siaga periods`: the reporting quarters, locally as the local administrator or against a
remote server (`--url` with `--api-key` or a session token).

Both ways reach the same rules: locally the commands call periods.service, remotely the
API, which calls it too. A refusal is printed with its fields and exits 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, NoReturn, Protocol

import typer
from rich.table import Table

from siaga.cli.common import CLI_ACTOR_LABEL, console, err_console, fail, run_in_session

periods_app = typer.Typer(help="Manage reporting periods (quarters).", no_args_is_help=True)

UrlOption = Annotated[
    str | None,
    typer.Option("--url", help="A remote Siaga server; omit to use the local database"),
]
KeyOption = Annotated[
    str | None,
    typer.Option(
        "--api-key",
        envvar="SIAGA_API_KEY",
        help="API key or session token of a national administrator (with --url)",
    ),
]
REMOTE_TIMEOUT = 60.0


class Refused(Exception):
    """A refusal in the contract's shape, from the service or the server."""

    def __init__(self, status: int, code: str, message: str, details: list[Any]) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


class Backend(Protocol):
    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any: ...


@dataclass
class Remote:
    """The API over httpx, with the token as a bearer credential (as `siaga import`)."""

    base_url: str
    token: str

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        import httpx

        from siaga.imports.client import API_PREFIX

        base = self.base_url.rstrip("/").removesuffix(API_PREFIX) + API_PREFIX
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        try:
            response = httpx.request(
                method, base + path, json=body, headers=headers, timeout=REMOTE_TIMEOUT
            )
        except httpx.HTTPError as exc:
            raise Refused(0, "unreachable", f"{base}: {exc}", []) from exc
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if response.is_success:
            return payload
        error = (payload or {}).get("error") if isinstance(payload, dict) else None
        if not isinstance(error, dict):
            raise Refused(response.status_code, "http_error", response.text[:300], [])
        raise Refused(
            response.status_code,
            str(error.get("code")),
            str(error.get("message")),
            list(error.get("details") or []),
        )


class Local:
    """The same operations on the local database, through periods.service."""

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        from pydantic import ValidationError

        from siaga.core.errors import AppError

        try:
            return run_in_session(lambda s: _local(s, method, path, body or {}))
        except AppError as exc:
            raise Refused(exc.status_code, exc.code, exc.message, exc.details) from exc
        except ValidationError as exc:
            details = [
                {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
                for e in exc.errors()
            ]
            raise Refused(
                422, "invalid_input", "Masukan tidak sah (invalid input)", details
            ) from exc


async def _local(session: Any, method: str, path: str, body: dict[str, Any]) -> Any:
    """Route the API's paths to the service, so both backends take the same requests."""
    from siaga.audit.service import Actor
    from siaga.core.pagination import PageParams
    from siaga.models import PeriodState
    from siaga.periods import service
    from siaga.periods.schemas import PeriodCreate, PeriodDeadlineChange, PeriodReopen
    from siaga.users.rules import LOCAL_ADMIN

    actor = Actor(CLI_ACTOR_LABEL)
    parts = path.split("?", 1)[0].strip("/").split("/")
    if path == "/frameworks/default":
        return await service.default_framework_code(session)
    if method == "GET" and parts == ["periods"]:
        page = await service.list_periods(session, PageParams(limit=500, offset=0), state=None)
        return page.model_dump(mode="json")
    if method == "POST" and parts == ["periods"]:
        data = PeriodCreate.model_validate(body)
        result = await service.create_period(session, LOCAL_ADMIN, actor, data)
    elif method == "PATCH" and len(parts) == 2:
        change = PeriodDeadlineChange.model_validate(body)
        result = await service.change_deadline(
            session, LOCAL_ADMIN, actor, parts[1], change.deadline, change.reason
        )
    elif method == "POST" and len(parts) == 3 and parts[2] == "reopen":
        reopen = PeriodReopen.model_validate(body)
        result = await service.reopen_period(session, LOCAL_ADMIN, actor, parts[1], reopen.reason)
    elif method == "POST" and len(parts) == 3 and parts[2] in ("open", "close"):
        target = PeriodState.OPEN if parts[2] == "open" else PeriodState.CLOSED
        result = await service.change_state(session, LOCAL_ADMIN, actor, parts[1], target)
    else:  # pragma: no cover - a programming error in this module
        raise ValueError(f"{method} {path}")
    return result.model_dump(mode="json")


def _backend(url: str | None, api_key: str | None) -> Backend:
    if url is None:
        return Local()
    if not api_key:
        raise typer.BadParameter("--url needs --api-key (or SIAGA_API_KEY)", param_hint="--api-key")
    return Remote(url, api_key)


def _refuse(exc: Refused) -> NoReturn:
    err_console.print(f"[red]{exc.message}[/red] ({exc.code})")
    for detail in exc.details:
        if isinstance(detail, dict):
            field = detail.get("field") or ".".join(str(p) for p in detail.get("loc", []))
            err_console.print(f"  - {field}: {detail.get('message')}")
        else:
            err_console.print(f"  - {detail}")
    raise typer.Exit(code=1)


def _default_framework(backend: Backend) -> str:
    if isinstance(backend, Local):
        code = backend.call("GET", "/frameworks/default")
    else:
        page = backend.call("GET", "/frameworks?limit=100")
        items = [f for f in page.get("items", []) if f.get("status", "published") == "published"]
        items.sort(key=lambda f: not f.get("is_active", False))
        code = items[0]["code"] if items else None
    if not code:
        fail(ValueError("No published framework: name one with --framework"))
    return str(code)


def _create(backend: Backend, code: str, framework: str, deadline: date | None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "framework": framework}
    if deadline is not None:
        body["deadline"] = deadline.isoformat()
    result: dict[str, Any] = backend.call("POST", "/periods", body)
    return result


def _show(period: dict[str, Any], verb: str) -> None:
    console.print(
        f"[green]{period['code']} {verb}[/green]: {period['start_date']} - "
        f"{period['end_date']}, tenggat {period['deadline']}, {period['state']}, "
        f"{period['framework_code']}"
    )


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter("expected YYYY-MM-DD", param_hint=option) from None


@periods_app.command("create")
def periods_create(
    code: Annotated[str | None, typer.Argument(help="Quarter code such as 2025-Q1")] = None,
    year: Annotated[int | None, typer.Option(help="Create the four quarters of a year")] = None,
    framework: Annotated[
        str | None, typer.Option(help="Framework code; default the active published one")
    ] = None,
    deadline: Annotated[str | None, typer.Option(help="Deadline YYYY-MM-DD")] = None,
    url: UrlOption = None,
    api_key: KeyOption = None,
) -> None:
    """Create one quarter, or with --year the four quarters of a year (skipping existing)."""
    from siaga.periods import quarters

    if (code is None) == (year is None):
        raise typer.BadParameter("give a period code or --year, not both", param_hint="CODE")
    if year is not None and deadline is not None:
        raise typer.BadParameter("--deadline applies to one quarter", param_hint="--deadline")
    backend = _backend(url, api_key)
    try:
        framework_code = framework or _default_framework(backend)
        if code is not None:
            _show(_create(backend, code, framework_code, _date(deadline, "--deadline")), "dibuat")
            return
        assert year is not None
        for quarter in quarters.of_year(year):
            try:
                _show(_create(backend, quarter.code, framework_code, None), "dibuat")
            except Refused as exc:
                if exc.code != "period_exists":
                    raise
                console.print(f"[yellow]{quarter.code} sudah ada, dilewati (exists, skipped)[/]")
    except Refused as exc:
        _refuse(exc)


@periods_app.command("open")
def periods_open(code: str, url: UrlOption = None, api_key: KeyOption = None) -> None:
    """Open a planned period for answers."""
    try:
        _show(_backend(url, api_key).call("POST", f"/periods/{code}/open"), "dibuka")
    except Refused as exc:
        _refuse(exc)


@periods_app.command("close")
def periods_close(code: str, url: UrlOption = None, api_key: KeyOption = None) -> None:
    """Close an open period: its answers can no longer change."""
    try:
        _show(_backend(url, api_key).call("POST", f"/periods/{code}/close"), "ditutup")
    except Refused as exc:
        _refuse(exc)


@periods_app.command("extend")
def periods_extend(
    code: str,
    deadline: Annotated[str, typer.Option(help="New deadline YYYY-MM-DD")],
    reason: Annotated[str, typer.Option(help="Why the deadline moves (audited)")],
    url: UrlOption = None,
    api_key: KeyOption = None,
) -> None:
    """Move a period's deadline, with a reason."""
    day = _date(deadline, "--deadline")
    assert day is not None
    body = {"deadline": day.isoformat(), "reason": reason}
    try:
        _show(_backend(url, api_key).call("PATCH", f"/periods/{code}", body), "diubah")
    except Refused as exc:
        _refuse(exc)


@periods_app.command("reopen")
def periods_reopen(
    code: str,
    reason: Annotated[str, typer.Option(help="Why the period opens again (audited)")],
    url: UrlOption = None,
    api_key: KeyOption = None,
) -> None:
    """Open a closed period again, with a reason."""
    try:
        result = _backend(url, api_key).call("POST", f"/periods/{code}/reopen", {"reason": reason})
        _show(result, "dibuka kembali")
    except Refused as exc:
        _refuse(exc)


@periods_app.command("list")
def periods_list(url: UrlOption = None, api_key: KeyOption = None) -> None:
    """List the periods in date order."""
    try:
        page = _backend(url, api_key).call("GET", "/periods?limit=500")
    except Refused as exc:
        _refuse(exc)
    table = Table("Kode", "Nama", "Mulai", "Akhir", "Tenggat", "Status", "Kerangka")
    for p in page["items"]:
        table.add_row(
            p["code"],
            p["name"],
            p["start_date"],
            p["end_date"],
            p["deadline"],
            p["state"],
            p["framework_code"],
        )
    console.print(table)
