"""Analyse files: read, scan, parse once, build the model, run module rules. Runs in worker processes.

Bad input never escapes as an exception: each file either yields its records or a reason
it was skipped (syntax error, not UTF-8, NUL bytes, too large, nesting too deep,
unreadable). Files whose bytes mention no LLM library, endpoint or key are counted and
not parsed.
"""

from __future__ import annotations

import ast
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from .build import build_module
from .context import site_facts, summarize
from .dataflow import external_output_names
from .facts import file_facts
from .index import ModuleSummary, ProjectIndex
from .module import ModuleModel
from .options import MAX_TOKEN_KEYS, keys_of
from .records import ClientRecord, FileFacts, Location, RawFinding, SiteRecord, site_record
from .rules import rules_by_id
from .scan import mentions, mentions_llm, runs_strings

MAX_BYTES = 5 * 1024 * 1024


@dataclass
class FileResult:
    path: str
    lines: int = 0
    parsed: bool = False
    skipped: str | None = None
    findings: list[RawFinding] = field(default_factory=list)
    suppressed: int = 0
    sites: list[SiteRecord] = field(default_factory=list)
    clients: list[ClientRecord] = field(default_factory=list)
    facts: FileFacts | None = None
    summary: ModuleSummary | None = None
    executes: bool = False  # not parsed, but runs strings (exec, eval, subprocess): parsed again if output is stored


def read_source(path: Path) -> tuple[bytes | None, str | None]:
    """The file's bytes, or why it cannot be read (a FIFO or device is never opened)."""
    try:
        info = path.stat()
    except OSError as exc:
        return None, f"unreadable: {exc.strerror or exc}"
    if not stat.S_ISREG(info.st_mode):
        return None, "not a regular file (FIFO, socket or device)"
    if info.st_size > MAX_BYTES:
        return None, f"too large ({info.st_size / 1048576:.1f} MB > {MAX_BYTES / 1048576:.0f} MB), likely generated"
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return None, f"unreadable: {exc.strerror or exc}"
    if b"\x00" in data:
        return None, "contains NUL bytes (binary or corrupt)"
    return data, None


def analyze_file(
    root: str, rel: str, rule_ids: list[str], index: ProjectIndex | None = None, wanted: bytes | None = None
) -> FileResult:
    result = FileResult(rel)
    data, problem = read_source(Path(root, rel))
    if data is None:
        result.skipped = problem
        return result
    result.lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    result.executes = runs_strings(data)
    if index is None and not mentions_llm(data):
        return result
    if wanted is not None and not mentions(wanted, data):
        return result  # round two: names nothing the project index knows
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        result.skipped = f"not valid UTF-8 (byte {exc.start})"
        return result
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source, filename=rel)
    except SyntaxError as exc:
        result.skipped = f"syntax error at line {exc.lineno}: {exc.msg}"
        return result
    except (RecursionError, MemoryError):
        result.skipped = "nesting too deep to parse"
        return result
    except ValueError as exc:
        result.skipped = f"cannot parse: {exc}"
        return result
    result.parsed = True
    try:
        mod = build_module(rel, source, tree, index)
        if index is not None:
            mod.memo["external_outputs"] = external_output_names(index.output_names)
        _records(mod, result)
        result.summary = summarize(mod)
    except RecursionError:
        result.skipped = "nesting too deep to analyse"
        result.parsed = False
        return result
    _module_rules(mod, rule_ids, result)
    return result


def _records(mod: ModuleModel, result: FileResult) -> None:
    result.facts = file_facts(mod)
    result.sites = [site_record(mod, call, **site_facts(mod, call)) for call in mod.calls]
    from .context import _suppressed_rules

    for client in mod.all_clients:
        if client.node is None:
            continue
        result.clients.append(
            ClientRecord(
                where=Location.of(mod, client.node),
                origin=client.origin,
                library=client.kind.library,
                timeout=client.timeout,
                retries_off=client.retries_off,
                chat_object=client.kind.chat_object,
                embedding=client.kind.embedding,
                local_uses=client.uses,
                max_tokens=keys_of(mod, client.node, mod.scope(client.node)).status(MAX_TOKEN_KEYS),
                function=mod.scope(client.node).name if mod.scope(client.node).parent is not None else "",
                suppressed=_suppressed_rules(mod, client.node.lineno),
            )
        )


def _module_rules(mod: ModuleModel, rule_ids: list[str], result: FileResult) -> None:
    rules = rules_by_id()
    for rule_id in rule_ids:
        rule = rules[rule_id]
        if rule.scope in ("calls", "project"):
            continue
        try:
            hits = list(rule().check(mod))
        except RecursionError:
            result.skipped = f"nesting too deep for rule {rule_id}"
            continue
        seen: set[tuple[int, int]] = set()
        for hit in hits:
            line = getattr(hit.node, "lineno", 1)
            position = (line, getattr(hit.node, "col_offset", 0))
            if position in seen:
                continue
            seen.add(position)
            if mod.suppressed(line, rule_id):
                result.suppressed += 1
                continue
            result.findings.append(
                RawFinding(rule_id, Location.of(mod, hit.node), hit.message, hit.unverified, hit.resolution)
            )


def analyze_batch(
    root: str, rels: list[str], rule_ids: list[str], index: ProjectIndex | None = None, wanted: bytes | None = None
) -> list[FileResult]:
    return [analyze_file(root, rel, rule_ids, index, wanted) for rel in rels]
