"""`audit(request)`: walk, analyse in parallel (two rounds), run project rules, filter, score.

Round one reads every file once: the byte scan skips those that mention no LLM library,
endpoint or key, the rest are parsed and modelled once, and module rules run on them. The
project index built from their summaries says which files import an LLM client, factory or
wrapper from another module; round two re-analyses only those, with the index. Project rules
then judge every call site with everything known (options from other modules' factories,
callers of `**kwargs` wrappers, logging in callers).

Parsing runs across cores in chunks of files (a process pool: the work is CPU-bound Python);
results are merged in path order, so `--jobs 1` and `--jobs N` give the same report.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.context import BaseContext
from pathlib import Path

from pydantic import BaseModel, Field

from ..errors import InvalidInput
from .baseline import assign_fingerprints, load_baseline
from .catalog_lookup import lookup_model
from .dataflow import GENERIC_NAMES
from .facts import ProjectFacts
from .index import Export, ProjectIndex
from .libraries import endpoint_of
from .model import SEVERITIES, AuditReport, CallSite, Finding, Severity, Skipped, severity_rank
from .records import RawFinding
from .rule import ProjectHit
from .rules import rules_by_id, select_rules
from .scan import words_pattern
from .scoring import score_findings
from .settings import load_settings
from .walk import python_files
from .worker import FileResult, analyze_batch

PARALLEL_THRESHOLD = 2 * 1024 * 1024  # bytes: below this, starting workers costs more than it saves
CHUNK_BYTES = 512 * 1024
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


def _chunks(root: Path, files: list[str]) -> tuple[list[list[str]], int]:
    """Files in path order, cut into chunks of about CHUNK_BYTES, and the total size."""
    chunks: list[list[str]] = [[]]
    size = total = 0
    for rel in files:
        try:
            file_size = (root / rel).stat().st_size
        except OSError:
            file_size = 0
        size += file_size
        total += file_size
        chunks[-1].append(rel)
        if size >= CHUNK_BYTES:
            chunks.append([])
            size = 0
    return [c for c in chunks if c], total


def _context() -> BaseContext:
    """Workers forked from a fresh server that has imported the analysis code once (no threads to
    inherit, no import per worker); spawned where fork does not exist."""
    if "forkserver" in get_all_start_methods():
        context = get_context("forkserver")
        context.set_forkserver_preload(["llmwright.audit.worker"])
        return context
    return get_context("spawn")


def _run(
    root: Path,
    files: list[str],
    rule_ids: list[str],
    jobs: int,
    index: ProjectIndex | None,
    progress: Progress | None,
    wanted: bytes | None = None,
) -> list[FileResult]:
    chunks, size = _chunks(root, files)
    total = len(files)
    if jobs <= 1 or len(chunks) <= 1 or size < PARALLEL_THRESHOLD:
        results: list[FileResult] = []
        for chunk in chunks:
            results.extend(analyze_batch(str(root), chunk, rule_ids, index, wanted))
            if progress:
                progress(len(results), total)
        return results
    ordered: list[list[FileResult]] = [[] for _ in chunks]
    with ProcessPoolExecutor(max_workers=min(jobs, len(chunks)), mp_context=_context()) as pool:
        futures = {
            pool.submit(analyze_batch, str(root), chunk, rule_ids, index, wanted): i for i, chunk in enumerate(chunks)
        }
        finished = 0
        for future in as_completed(futures):
            batch = future.result()
            ordered[futures[future]] = batch
            finished += len(batch)
            if progress:
                progress(finished, total)
    return [r for batch in ordered for r in batch]


def _interesting(export: Export | None) -> bool:
    """Whether a module using `export` is worth reading again: it reaches a model, or names one.

    A text constant counts when it is a provider's endpoint or a model the catalog knows: a call
    elsewhere that takes `model=MODEL` from a settings module is then judged by that model.
    """
    if export is None:
        return False
    if export.client or export.method or export.function or export.attrs or export.output:
        return True
    return export.text is not None and (endpoint_of(export.text) is not None or lookup_model(export.text) is not None)


def _second_round(
    results: list[FileResult], index: ProjectIndex, sites: list
) -> tuple[list[str], list[str], bytes | None]:
    """What round two looks at again, with the project index.

    Parsed files that import, from another module of the project, something that reaches a
    model; skipped files that execute strings, when some module stores model output; and
    skipped files that name something the index exports, or a function whose LLM call needs
    its callers judged (options through **kwargs, logging one or two levels up).
    """
    hot = {path for path, exports in index.exports.items() if any(_interesting(e) for e in exports.values())}
    parsed = []
    for result in results:
        if result.summary is None:
            continue
        if any(_interesting(index.lookup(q)) or index.module_path(q) in hot for q in result.summary.uses):
            parsed.append(result.path)
    names = {
        n.split(".")[0]
        for path in hot
        for n, e in index.exports[path].items()
        if _interesting(e)  # clients, factories, wrappers, classes, endpoint URLs and model names
    }
    names |= {s.function for s in sites if s.function and (not s.logs or s.forwarded)}
    names = {n for n in names if len(n) > 3 and not n.startswith("_") and n not in GENERIC_NAMES}
    stored = any(r.facts and r.facts.stores_output for r in results)  # model output stored: executed later?
    if stored or index.output_names:  # (or handed to code that runs strings, by a function of another module)
        parsed += [r.path for r in results if r.executes and (stored or r.summary is not None) and r.path not in parsed]
    wanted = words_pattern(names)
    unparsed = (
        [r.path for r in results if r.summary is None and not r.skipped and r.path not in parsed] if wanted else []
    )
    return parsed, unparsed, wanted


def audit(request: AuditRequest, progress: Progress | None = None) -> AuditReport:
    if not request.path.strip():
        raise InvalidInput("path is empty; give a file or directory to audit (e.g. '.')")
    target = Path(request.path).expanduser()
    if not target.exists():
        raise InvalidInput(f"path {request.path!r} does not exist")
    config = Path(request.config).expanduser() if request.config else None
    if config is not None and not config.is_file():
        raise InvalidInput(f"config file {request.config!r} does not exist (or is not a file)")
    target = target.resolve()
    root = target.parent if target.is_file() else target
    settings = load_settings(root, config)
    rule_ids = select_rules([*settings.select, *request.select], [*settings.ignore, *request.ignore])
    if target.is_file():
        files, walk_skips = [target.name], []
    else:
        files, walk_skips = python_files(root, [*settings.exclude, *request.exclude])
    jobs = request.jobs or os.cpu_count() or 1

    results = _run(root, files, rule_ids, jobs, None, progress)
    index = ProjectIndex()
    for result in results:
        if result.summary:
            index.add(result.summary)
    parsed, unparsed, wanted = _second_round(results, index, [s for r in results for s in r.sites])
    if parsed or unparsed:  # unparsed files are listed only when some name is wanted
        worker_index = index.for_workers()
        redone = {r.path: r for r in _run(root, parsed, rule_ids, jobs, worker_index, None)} if parsed else {}
        if unparsed:
            found = _run(root, unparsed, rule_ids, jobs, worker_index, None, wanted)
            redone.update({r.path: r for r in found if r.parsed or r.skipped})
        results = [redone.get(r.path, r) for r in results]
        index = ProjectIndex()
        for result in results:
            if result.summary:
                index.add(result.summary)

    facts = ProjectFacts(index=index)
    raw: list[RawFinding] = []
    suppressed = 0
    skipped = [Skipped(path=p, reason=r) for p, r in walk_skips]
    for result in results:
        raw.extend(result.findings)
        suppressed += result.suppressed
        if result.skipped:
            skipped.append(Skipped(path=result.path, reason=result.skipped))
        if result.facts:
            facts.merge(result.path, result.facts)
        facts.sites.extend(result.sites)
        facts.clients.extend(result.clients)
    project_raw, project_suppressed = _project_findings(facts, rule_ids)
    raw.extend(project_raw)
    suppressed += project_suppressed
    findings = [_finding(f, settings.severity) for f in raw]

    floor = severity_rank(request.min_severity)
    findings = [f for f in findings if severity_rank(f.severity) >= floor]
    findings.sort(key=lambda f: (f.path, f.line, f.column, f.rule))
    assign_fingerprints(findings)
    hidden = 0
    if request.baseline:
        known = load_baseline(Path(request.baseline))
        kept = [f for f in findings if f.fingerprint not in known]
        hidden, findings = len(findings) - len(kept), kept
    sites = sorted(facts.sites, key=lambda s: (s.where.path, s.where.line, s.where.column))
    by_kind: dict[str, int] = {}
    for site in sites:
        by_kind[site.kind] = by_kind.get(site.kind, 0) + 1
    return AuditReport(
        root=str(target),
        files_analyzed=sum(1 for r in results if not r.skipped),
        files_parsed=sum(1 for r in results if r.parsed and not r.skipped),
        lines_analyzed=sum(r.lines for r in results),
        findings=findings,
        skipped=sorted(skipped, key=lambda s: s.path),
        scores=score_findings(findings, len(sites)),
        rules_run=rule_ids,
        baseline_suppressed=hidden,
        suppressed_inline=suppressed,
        providers=sorted(facts.providers),
        llm_calls=len(sites),
        call_sites_by_kind=dict(sorted(by_kind.items())),
        call_sites=[
            CallSite(
                path=s.where.path,
                line=s.where.line,
                kind=s.kind,
                library=s.library,
                provider=s.provider,
                resolution=s.resolution,
            )
            for s in sites
        ],
        unverified=sum(1 for f in findings if f.unverified),
    )


def _finding(raw: RawFinding, overrides: dict[str, Severity]) -> Finding:
    rule = rules_by_id()[raw.rule]
    severity: Severity = overrides.get(raw.rule, rule.severity)
    if raw.unverified and severity_rank(severity) > severity_rank("low"):
        severity = "low"
    where = raw.where
    return Finding(
        rule=raw.rule,
        name=rule.name,
        severity=severity,
        category=rule.category,
        path=where.path,
        line=where.line,
        column=where.column,
        end_line=where.end_line,
        message=raw.message + (" (unverified)" if raw.unverified else ""),
        fix=rule.fix,
        snippet=where.snippet,
        fingerprint="",
        resolution=raw.resolution,
        unverified=raw.unverified,
    )


def _project_findings(facts: ProjectFacts, rule_ids: list[str]) -> tuple[list[RawFinding], int]:
    rules = rules_by_id()
    out: list[RawFinding] = []
    suppressed = 0
    for rule_id in rule_ids:
        rule = rules[rule_id]
        if rule.scope == "module":
            continue
        seen: set[tuple[str, int, int]] = set()
        for hit in rule().check_project(facts):
            assert isinstance(hit, ProjectHit)
            key = (hit.where.path, hit.where.line, hit.where.column)
            if key in seen:
                continue
            seen.add(key)
            if "*" in hit.suppressed or rule_id in hit.suppressed:
                suppressed += 1
                continue
            out.append(RawFinding(rule_id, hit.where, hit.message, hit.unverified, hit.resolution))
    return out, suppressed


def fails(report: AuditReport, fail_on: Severity | None) -> bool:
    """True when a finding is at or above `fail_on` (the CLI's exit code 1)."""
    if fail_on is None:
        return False
    floor = severity_rank(fail_on)
    return any(severity_rank(f.severity) >= floor for f in report.findings)


__all__ = ["SEVERITIES", "AuditRequest", "audit", "fails"]
