"""The audit's results: findings, skipped files, scores and the report (the stable JSON schema).

`AuditReport.model_dump_json()` *is* the documented `--format json` output; field names
are part of the contract, so add fields rather than rename them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low", "info")
Category = Literal["reliability", "security", "cost", "observability", "correctness"]
CATEGORIES: tuple[Category, ...] = ("reliability", "security", "cost", "observability", "correctness")


def severity_rank(severity: str) -> int:
    """Higher is worse: critical 4 … info 0."""
    return len(SEVERITIES) - 1 - SEVERITIES.index(severity)  # type: ignore[arg-type]


class Finding(BaseModel):
    rule: str = Field(description="rule id, e.g. LLM101")
    name: str = Field(description="rule slug, e.g. no-timeout")
    severity: Severity
    category: Category
    path: str = Field(description="file path relative to the audited root, '/' separators")
    line: int = Field(description="1-based line")
    column: int = Field(description="1-based column")
    end_line: int
    message: str = Field(description="what is wrong here and why it matters")
    fix: str = Field(description="how to fix it")
    snippet: str = Field("", description="the source line(s)")
    fingerprint: str = Field(description="stable id of this finding: rule, path and normalised code, not line numbers")
    resolution: str = Field(
        "",
        description="how the call site was recognised: direct, factory, imported, alias, parameter, call-through, "
        "shape, name, url, config URL, body ('' for findings not about one call site)",
    )
    unverified: bool = Field(
        False,
        description="the audit could not see whether the option reaches the call (it arrives through a client or "
        "**kwargs built elsewhere); reported at low severity and counted apart from the score",
    )


class Skipped(BaseModel):
    path: str
    reason: str = Field(description="why the file was not analysed (syntax error, not UTF-8, too large, …)")
    severity: Severity = "info"


class CategoryScore(BaseModel):
    category: Category | Literal["overall"]
    score: int | None = Field(ge=0, le=100, description="null when the tree has no LLM call sites")
    grade: Literal["A", "B", "C", "D", "F"] | None
    findings: int
    density: float | None = Field(None, description="severity-weighted findings per call site")


class CallSite(BaseModel):
    path: str
    line: int
    kind: str = Field(description="chat, stream, embed, image, audio, moderation or http")
    library: str
    provider: str | None
    resolution: str = Field(description="how the audit recognised it (see Finding.resolution)")


class RuleInfo(BaseModel):
    id: str
    name: str
    title: str
    category: Category
    severity: Severity
    scope: Literal["module", "calls", "both", "project"]
    fix: str
    doc: str = Field(description="What it does / Why is this bad? / Example / Use instead")


class AuditReport(BaseModel):
    schema_version: int = 2
    root: str
    files_analyzed: int = Field(description="Python files read (parsed or found by the byte scan to mention no LLM)")
    files_parsed: int = Field(0, description="files that mention an LLM library, endpoint or key, parsed and analysed")
    lines_analyzed: int
    findings: list[Finding]
    skipped: list[Skipped]
    scores: list[CategoryScore]
    rules_run: list[str]
    baseline_suppressed: int = Field(0, description="findings hidden because they are in the baseline")
    suppressed_inline: int = Field(0, description="findings hidden by `# llmwright: ignore[...]` comments")
    providers: list[str] = Field(default_factory=list, description="LLM providers the code calls")
    llm_calls: int = Field(0, description="LLM call sites found")
    call_sites_by_kind: dict[str, int] = Field(default_factory=dict, description="call sites per kind")
    call_sites: list[CallSite] = Field(default_factory=list, description="every LLM call site, in path order")
    unverified: int = Field(0, description="findings the audit could not verify (counted apart from the score)")

    def score(self, category: str = "overall") -> CategoryScore:
        return next(s for s in self.scores if s.category == category)
