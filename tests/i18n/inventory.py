"""Every code the SPA can receive from the API, found in the backend itself.

- error codes: the `code` of every AppError subclass, every `code="..."` and
  `error_response(status, "...")` in the package, and the framework's own (core.errors);
- import row error codes: every `.error(..., code, message_id, message_en)` of the import
  handlers, `row.unknown(column, ...)` (`unknown_<column>`) and the refusal tables;
- audit actions, entity types and outcomes: siaga.audit.actions;
- enumerations of the OpenAPI schema (states, statuses, levels, roles...).

Each code has an i18n key (the same rule as frontend/src/components/labels.ts `codeKey`).
The inventory is written to frontend/src/i18n/codes.json, which the SPA's tests read:

    .venv/bin/python -m tests.i18n.inventory > frontend/src/i18n/codes.json
"""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import sys
from functools import cache
from pathlib import Path
from typing import Any

import siaga
from siaga.audit.actions import AUDIT_OUTCOMES, AuditAction, AuditEntity
from siaga.core import errors

PACKAGE = Path(siaga.__file__).parent
ROOT = PACKAGE.parents[1]
CODES_JSON = ROOT / "frontend" / "src" / "i18n" / "codes.json"

# Codes the SPA makes up itself for failures that never reach the API's error shape.
CLIENT_CODES = ("network_error", "http_error", "error")
# Schema enumerations that are not words for a person (GeoJSON geometry types).
NOT_SHOWN = {"BoundaryGeometry"}
# Enumerations the SPA already names under a key of their own.
ENUM_KEYS = {
    "RegionLevel": "level",
    "PeriodState": "state",
    "AnswerType": "answerType",
    "Role": "role",
    "SubmissionStatus": "answerStatus",
}


def code_key(kind: str, code: str) -> str:
    """The i18n key of a code: kept in step with `codeKey` in components/labels.ts."""
    if kind == "error":
        return f"codes.error.{code}"
    if kind == "importRow":
        return f"codes.importRow.{code}"
    if kind == "auditAction":
        # Action names hold a dot (`auth.login`): nested keys, as i18next reads them.
        return f"codes.auditAction.{code}"
    if kind == "auditEntity":
        return f"codes.auditEntity.{code}"
    if kind == "auditOutcome":
        return f"audit.outcomes.{code}"
    enum = kind.removeprefix("enum:")
    return f"{ENUM_KEYS.get(enum, 'codes.enum.' + enum)}.{code}"


def _modules() -> list[Any]:
    found = []
    for info in pkgutil.walk_packages([str(PACKAGE)], "siaga."):
        found.append(importlib.import_module(info.name))
    return found


def _subclasses(cls: type[errors.AppError]) -> list[type[errors.AppError]]:
    out: list[type[errors.AppError]] = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_subclasses(sub))
    return out


def _const(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _code(node: ast.AST) -> str | None:
    """The string constant of `node` if it reads like a code (`region_not_found`)."""
    text = _const(node)
    if text and text.replace("_", "").isalpha() and text.islower():
        return text
    return None


def _sources() -> list[tuple[Path, ast.Module]]:
    return [(p, ast.parse(p.read_text("utf-8"))) for p in sorted(PACKAGE.rglob("*.py"))]


def error_codes() -> set[str]:
    _modules()
    codes = {cls.code for cls in _subclasses(errors.AppError) if isinstance(cls.code, str)}
    codes |= {errors.AppError.code, *errors._HTTP_CODES.values()}
    for _path, tree in _sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg == "code" and (value := _code(keyword.value)):
                    codes.add(value)
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name == "error_response" and len(node.args) >= 2 and (value := _code(node.args[1])):
                codes.add(value)
    # Per-item result of a bulk verification, not an error; the SPA names it elsewhere.
    codes.discard("verified")
    return codes | set(CLIENT_CODES)


@cache
def import_row_codes() -> frozenset[str]:
    codes: set[str] = set()
    for path, tree in _sources():
        # The answer workflow's refusals reach an import as row errors with their code.
        is_workflow = path.parts[-2:] in {
            ("submissions", "workflow.py"),
            ("submissions", "values.py"),
        }
        # Rules shared by an editor and an import: their findings become row errors too.
        is_shared_rule = path.parts[-2:] in {("frameworks", "rules.py"), ("users", "rules.py")}
        if (
            "imports" not in path.parts
            and path.name != "availability.py"
            and not is_workflow
            and not is_shared_rule
        ):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                if name == "Problem" and node.args and (code := _code(node.args[0])):
                    codes.add(code)
                elif is_shared_rule:
                    if name in {"Finding", "PlaceProblem"} and len(node.args) >= 2:
                        codes.add(_code(node.args[1]) or "")
                    continue
                elif is_workflow:
                    continue
                elif name == "error" and len(node.args) >= 4 and (code := _code(node.args[-3])):
                    codes.add(code)
                elif name == "unknown" and node.args and (column := _const(node.args[0])):
                    codes.add(f"unknown_{column}")
            elif isinstance(node, ast.Dict):
                # Refusal tables: {refusal: (column, code, message_id, message_en)}.
                for item in node.values:
                    if isinstance(item, ast.Tuple) and len(item.elts) == 4:
                        code = _code(item.elts[1])
                        if code and " " in (_const(item.elts[2]) or ""):
                            codes.add(code)
            elif isinstance(node, ast.Assign) and any(
                getattr(t, "id", "") == "TAKEN_ROW_CODE" for t in node.targets
            ):
                codes.add(_const(node.value) or "")
    codes.discard("")
    return frozenset(codes)


def schema_enums() -> dict[str, list[str]]:
    from siaga.main import create_app

    schema = create_app().openapi()
    out: dict[str, list[str]] = {}
    for name, body in schema["components"]["schemas"].items():
        if name in NOT_SHOWN:
            continue
        if "enum" in body:
            out[name] = list(body["enum"])
        for prop, spec in body.get("properties", {}).items():
            if "enum" in spec:
                out[f"{name}.{prop}"] = list(spec["enum"])
    return out


@cache
def inventory() -> list[dict[str, str]]:
    entries: list[tuple[str, str]] = []
    entries += [("error", c) for c in sorted(error_codes())]
    entries += [("importRow", c) for c in sorted(import_row_codes())]
    entries += [("auditAction", a.value) for a in AuditAction]
    entries += [("auditEntity", e.value) for e in AuditEntity]
    entries += [("auditOutcome", o) for o in AUDIT_OUTCOMES]
    for name, values in sorted(schema_enums().items()):
        entries += [(f"enum:{name}", v) for v in values]
    return [{"kind": k, "code": c, "key": code_key(k, c)} for k, c in entries]


def render() -> str:
    return json.dumps(inventory(), indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
