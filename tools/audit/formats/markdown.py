"""The Markdown report: what subagents append to session files, and what a PR comment shows."""

from __future__ import annotations

from collections import defaultdict

from ..model import AuditReport, Finding


def to_markdown(report: AuditReport) -> str:
    overall = report.score()
    lines = [
        "## LLM production-readiness audit",
        "",
        f"**Readiness: {overall.score}/100 ({overall.grade})** — {len(report.findings)} findings in "
        f"{report.files_analyzed} files ({report.lines_analyzed:,} lines), {report.llm_calls} LLM call sites"
        + (f", providers: {', '.join(report.providers)}" if report.providers else ""),
        "",
        "| category | score | grade | findings |",
        "| --- | ---: | :---: | ---: |",
    ]
    lines += [f"| {s.category} | {s.score} | {s.grade} | {s.findings} |" for s in report.scores]
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
