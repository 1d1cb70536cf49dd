"""`audit(request)`: walk, analyse in parallel, run project rules, filter, score.

Parsing runs across cores in chunks (a process pool: the work is CPU-bound Python);
small trees run in-process because starting workers would cost more than it saves.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path

from pydantic import BaseModel, Field

from ..errors import InvalidInput
from .baseline import assign_fingerprints, load_baseline
from .facts import ProjectFacts
from .model import SEVERITIES, AuditReport, Finding, Severity, Skipped, severity_rank
from .module import SUPPRESS
from .rules import rules_by_id, select_rules
from .scoring import score_findings
from .settings import load_settings
from .walk import python_files
from .worker import FileResult, analyze_batch

PARALLEL_THRESHOLD = 150
CHUNK = 40
Progress = Callable[[int, int], None]


class AuditRequest(BaseModel):
    path: str = Field(description="file or directory to audit")
    select: list[str] = Field(default_factory=list, description="only these rule ids or prefixes (LLM1, LLM201)")
    ignore: list[str] = Field(default_factory=list, description="skip these rule ids or prefixes")
    exclude: list[str] = Field(default_factory=list, description="gitignore-style patterns of paths to skip")
    baseline: str | None = Field(None, description="a saved JSON/SARIF report; only new findings are reported")
    config: str | None = Field(None, description="settings file (default: llmwright.toml / pyproject.toml)")
    min_severity: Severity = Field("info", description="drop findings below this severity")
    jobs: int | None = Field(None, ge=1, le=256, description="worker processes (default: all cores)")


def _run(root: Path, files: list[str], rule_ids: list[str], jobs: int, progress: Progress | None) -> list[FileResult]:
    results: list[FileResult] = []
    total = len(files)
    if jobs <= 1 or total < PARALLEL_THRESHOLD:
        for i in range(0, total, CHUNK):
            results.extend(analyze_batch(str(root), files[i : i + CHUNK], rule_ids))
            if progress:
                progress(min(i + CHUNK, total), total)
        return results
    chunks = [files[i : i + CHUNK] for i in range(0, total, CHUNK)]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(analyze_batch, str(root), chunk, rule_ids) for chunk in chunks]
        for future in as_completed(futures):
            results.extend(future.result())
            if progress:
                progress(len(results), total)
    return results


def audit(request: AuditRequest, progress: Progress | None = None) -> AuditReport:
    target = Path(request.path).expanduser()
    if not target.exists():
        raise InvalidInput(f"path {request.path!r} does not exist")
    target = target.resolve()
    root = target.parent if target.is_file() else target
    settings = load_settings(root, Path(request.config) if request.config else None)
    rule_ids = select_rules([*settings.select, *request.select], [*settings.ignore, *request.ignore])
    if target.is_file():
        files, link_skips = [target.name], []
    else:
        files, link_skips = python_files(root, [*settings.exclude, *request.exclude])
    results = _run(root, files, rule_ids, request.jobs or os.cpu_count() or 1, progress)

    findings: list[Finding] = []
    skipped = [Skipped(path=p, reason=r) for p, r in link_skips]
    facts = ProjectFacts()
    suppressed = 0
    for result in sorted(results, key=lambda r: r.path):
        findings.extend(result.findings)
        suppressed += result.suppressed
        if result.skipped:
            skipped.append(Skipped(path=result.path, reason=result.skipped))
        if result.facts:
            facts.merge(result.facts)
    project_findings, project_suppressed = _project_findings(facts, rule_ids)
    findings.extend(project_findings)
    suppressed += project_suppressed

    for finding in findings:
        if finding.rule in settings.severity:
            finding.severity = settings.severity[finding.rule]
    floor = severity_rank(request.min_severity)
    findings = [f for f in findings if severity_rank(f.severity) >= floor]
    findings.sort(key=lambda f: (f.path, f.line, f.column, f.rule))
    assign_fingerprints(findings)
    hidden = 0
    if request.baseline:
        known = load_baseline(Path(request.baseline))
        kept = [f for f in findings if f.fingerprint not in known]
        hidden, findings = len(findings) - len(kept), kept
    return AuditReport(
        root=str(target),
        files_analyzed=sum(1 for r in results if not r.skipped),
        lines_analyzed=sum(r.lines for r in results),
        findings=findings,
        skipped=skipped,
        scores=score_findings(findings),
        rules_run=rule_ids,
        baseline_suppressed=hidden,
        suppressed_inline=suppressed,
        providers=sorted(facts.providers),
        llm_calls=sum(r.llm_calls for r in results),
    )


def _project_findings(facts: ProjectFacts, rule_ids: list[str]) -> tuple[list[Finding], int]:
    rules = rules_by_id()
    out: list[Finding] = []
    suppressed = 0
    for rule_id in rule_ids:
        rule = rules[rule_id]
        if rule.scope != "project":
            continue
        for site, message in rule().check_project(facts):
            match = SUPPRESS.search(site.snippet.split("\n", 1)[0])
            if match and (match.group(1) is None or rule_id in match.group(1).upper()):
                suppressed += 1
                continue
            out.append(
                Finding(
                    rule=rule_id,
                    name=rule.name,
                    severity=rule.severity,
                    category=rule.category,
                    path=site.path,
                    line=site.line,
                    column=site.column,
                    end_line=site.end_line,
                    message=message,
                    fix=rule.fix,
                    snippet=site.snippet,
                    fingerprint="",
                )
            )
    return out, suppressed


def fails(report: AuditReport, fail_on: Severity | None) -> bool:
    """True when a finding is at or above `fail_on` (the CLI's exit code 1)."""
    if fail_on is None:
        return False
    floor = severity_rank(fail_on)
    return any(severity_rank(f.severity) >= floor for f in report.findings)


__all__ = ["SEVERITIES", "AuditRequest", "audit", "fails"]
