"""The Markdown report: what subagents append to session files, and what a PR comment shows."""

from __future__ import annotations

from collections import defaultdict

from ..model import AuditReport, Finding
from . import counts, headline


def to_markdown(report: AuditReport) -> str:
    lines = ["## LLM production-readiness audit", "", f"**{headline(report)}** — {counts(report)}"]
    if report.providers:
        lines[-1] += f"; providers: {', '.join(report.providers)}"
    if report.llm_calls:
        lines += [
            "",
            "| category | score | grade | findings | per call site |",
            "| --- | ---: | :---: | ---: | ---: |",
        ]
        lines += [f"| {s.category} | {s.score} | {s.grade} | {s.findings} | {s.density:.2f} |" for s in report.scores]
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        by_file[f.path].append(f)
    for path, findings in by_file.items():
        lines += ["", f"### `{path}`", ""]
        for f in findings:
            lines.append(f"- **{f.rule}** {f.name} ({f.severity}) line {f.line}: {f.message}. *Fix:* {f.fix}")
    if report.skipped:
        lines += ["", "### Skipped", ""]
        lines += [f"- `{s.path}`: {s.reason}" for s in report.skipped]
    if report.baseline_suppressed or report.suppressed_inline:
        lines += ["", f"_{report.baseline_suppressed} in baseline, {report.suppressed_inline} suppressed inline._"]
    return "\n".join(lines) + "\n"
