"""Analyse one batch of files: read, parse, model, run module rules. Runs in worker processes.

Bad input never escapes as an exception: each file either yields findings or a reason it
was skipped (syntax error, not UTF-8, NUL bytes, too large, nesting too deep, unreadable).
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from .build import build_module
from .facts import ProjectFacts, module_facts
from .model import Finding
from .rules import rules_by_id

MAX_BYTES = 5 * 1024 * 1024


@dataclass
class FileResult:
    path: str
    lines: int = 0
    findings: list[Finding] = field(default_factory=list)
    skipped: str | None = None
    facts: ProjectFacts | None = None
    suppressed: int = 0
    llm_calls: int = 0


def _read(path: Path) -> tuple[str | None, str | None]:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, f"too large ({size / 1048576:.1f} MB > {MAX_BYTES / 1048576:.0f} MB), likely generated"
        data = path.read_bytes()
    except OSError as exc:
        return None, f"unreadable: {exc.strerror or exc}"
    if b"\x00" in data:
        return None, "contains NUL bytes (binary or corrupt)"
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return None, f"not valid UTF-8 (byte {exc.start})"


def analyze_file(root: str, rel: str, rule_ids: list[str]) -> FileResult:
    result = FileResult(rel)
    source, problem = _read(Path(root) / rel)
    if source is None:
        result.skipped = problem
        return result
    result.lines = source.count("\n") + 1
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
    try:
        mod = build_module(rel, source, tree)
        result.facts = module_facts(mod)
    except RecursionError:
        result.skipped = "nesting too deep to analyse"
        return result
    result.llm_calls = len(mod.calls)
    rules = rules_by_id()
    for rule_id in rule_ids:
        rule = rules[rule_id]
        if rule.scope != "module":
            continue
        try:
            hits = list(rule().check(mod))
        except RecursionError:
            result.skipped = f"nesting too deep for rule {rule_id}"
            continue
        seen: set[tuple[int, int]] = set()
        for hit in hits:
            line = getattr(hit.node, "lineno", 1)
            if (line, getattr(hit.node, "col_offset", 0)) in seen:
                continue
            seen.add((line, getattr(hit.node, "col_offset", 0)))
            if mod.suppressed(line, rule_id):
                result.suppressed += 1
                continue
            end_line = getattr(hit.node, "end_lineno", None) or line
            result.findings.append(
                Finding(
                    rule=rule_id,
                    name=rule.name,
                    severity=rule.severity,
                    category=rule.category,
                    path=rel,
                    line=line,
                    column=getattr(hit.node, "col_offset", 0) + 1,
                    end_line=end_line,
                    message=hit.message,
                    fix=rule.fix,
                    snippet=mod.snippet(line, end_line),
                    fingerprint="",
                )
            )
    return result


def analyze_batch(root: str, rels: list[str], rule_ids: list[str]) -> list[FileResult]:
    return [analyze_file(root, rel, rule_ids) for rel in rels]
