"""Layers point one way (architecture rule 12), read from the source with `ast`.

Every import counts, including those inside functions and `if TYPE_CHECKING:` blocks: a
deferred import hides a dependency from the interpreter, not from the reader.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "backend"
ROOT = "siaga"

# Package-level cycles that are known and have an issue item that removes them, as
# {(importer, imported), ...}. Empty since issue 17 item 5 made auth -> audit one-way
# (the audit trail's pages moved to audit_trail) and core stopped importing models.
ALLOWED_CYCLE_EDGES: frozenset[tuple[str, str]] = frozenset()

# What evidence and imports may take from submissions: its public face, not its
# repository or router (issue 17: one answer workflow, shared grid fragments).
SUBMISSIONS_PUBLIC = frozenset({"service", "schemas", "exceptions", "grid", "workflow"})


@dataclass(frozen=True, slots=True)
class Import:
    """One imported name: `target` is a dotted module (or a name within one)."""

    module: str  # the importing module, e.g. siaga.auth.service
    target: str  # e.g. siaga.audit.service.Actor
    line: int

    @property
    def importer_package(self) -> str:
        return _package(self.module)

    @property
    def target_package(self) -> str:
        return _package(self.target)

    def __str__(self) -> str:
        path = self.module.replace(".", "/")
        return f"{self.module} (backend/{path}.py:{self.line}) imports {self.target}"


def _package(dotted: str) -> str:
    """The top-level package (or module, for siaga.api, siaga.main, siaga.cli)."""
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _module_name(path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(SOURCE).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:
        # Relative: `from . import x` in siaga/a/b.py is siaga.a.x.
        anchor = module.split(".")
        anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
        base = ".".join([*anchor, base]) if base else ".".join(anchor)
    for alias in node.names:
        # `from siaga.x import y`: y is a submodule or a name of siaga.x; either way the
        # import reaches siaga.x.y for the purposes of these rules.
        yield base if alias.name == "*" else f"{base}.{alias.name}"


@cache
def imports() -> tuple[Import, ...]:
    """Every import of a siaga module by a siaga module."""
    found = []
    for path in sorted((SOURCE / ROOT).rglob("*.py")):
        module, is_package = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                found.extend(
                    Import(module, target, node.lineno)
                    for target in _targets(node, module, is_package)
                    if target == ROOT or target.startswith(ROOT + ".")
                )
    return tuple(found)


def _across_packages() -> list[Import]:
    return [i for i in imports() if i.importer_package != i.target_package]


def _report(offending: list[Import]) -> str:
    """One line per import statement: `from x import a, b` is one offence, not two."""
    lines: dict[str, list[str]] = {}
    for i in offending:
        lines.setdefault(str(Import(i.module, i.target.rsplit(".", 1)[0], i.line)), []).append(
            i.target.rsplit(".", 1)[-1]
        )
    return "\n".join(f"    {line}: {', '.join(names)}" for line, names in lines.items())


def test_the_source_is_found() -> None:
    # Guards the other tests against passing on an empty tree.
    assert len({i.module for i in imports()}) > 100


def test_core_imports_no_other_package() -> None:
    offending = [i for i in _across_packages() if i.importer_package == "core"]
    assert not offending, "core knows no domain:\n" + _report(offending)


def test_models_import_only_core() -> None:
    offending = [
        i
        for i in _across_packages()
        if i.importer_package == "models" and i.target_package != "core"
    ]
    assert not offending, "models import only siaga.core:\n" + _report(offending)


def test_the_audit_writer_is_below_auth() -> None:
    """auth imports audit (to record refusals), never the other way round.

    The audit writer (Actor, record, record_refusal) is used by every service, so it may
    import only core and models; the audit trail's page and exports, which need auth's
    dependencies, live in audit_trail, which auth does not import.
    """
    offending = [
        i
        for i in _across_packages()
        if (i.importer_package == "audit" and i.target_package not in {"core", "models"})
        or (i.importer_package == "auth" and i.target_package == "audit_trail")
    ]
    assert not offending, (
        "the audit writer imports only core and models, and auth does not import "
        "audit_trail (auth -> audit, one way):\n" + _report(offending)
    )


def _graph() -> dict[str, dict[str, list[Import]]]:
    graph: dict[str, dict[str, list[Import]]] = {}
    for i in _across_packages():
        if (i.importer_package, i.target_package) in ALLOWED_CYCLE_EDGES:
            continue
        graph.setdefault(i.importer_package, {}).setdefault(i.target_package, []).append(i)
    return graph


def _cycle_from(start: str, graph: dict[str, dict[str, list[Import]]]) -> list[str] | None:
    """The shortest package path start -> ... -> start, if there is one."""
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for package in frontier:
            for target in sorted(graph.get(package, {})):
                if target == start:
                    return [*paths[package], start]
                if target not in paths:
                    paths[target] = [*paths[package], target]
                    following.append(target)
        frontier = following
    return None


def test_no_cycles_between_packages() -> None:
    graph = _graph()
    cycles = {}
    for package in sorted(graph):
        cycle = _cycle_from(package, graph)
        if cycle is not None and frozenset(cycle) not in cycles:
            cycles[frozenset(cycle)] = cycle
    messages = []
    for cycle in cycles.values():
        messages.append(" -> ".join(cycle))
        messages.extend(_report(graph[a][b]) for a, b in itertools.pairwise(cycle))
    assert not messages, "packages import each other:\n" + "\n".join(messages)


def test_allowed_cycle_edges_still_exist() -> None:
    # An exception outlives its reason only until this fails: then remove it.
    present = {(i.importer_package, i.target_package) for i in _across_packages()}
    stale = sorted(ALLOWED_CYCLE_EDGES - present)
    assert not stale, f"remove from ALLOWED_CYCLE_EDGES, no longer imported: {stale}"


@pytest.mark.parametrize("package", ["evidence", "imports"])
def test_uses_only_the_public_face_of_submissions(package: str) -> None:
    offending = [
        i
        for i in _across_packages()
        if i.importer_package == package
        and i.target_package == "submissions"
        and (len(i.target.split(".")) < 3 or i.target.split(".")[2] not in SUBMISSIONS_PUBLIC)
    ]
    allowed = ", ".join(sorted(SUBMISSIONS_PUBLIC))
    assert not offending, f"{package} may import siaga.submissions.{{{allowed}}} only:\n" + (
        _report(offending)
    )
