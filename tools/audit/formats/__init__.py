"""Report renderers: text (rich), json (the pydantic model), markdown and SARIF 2.1.0."""

from __future__ import annotations

from ..model import AuditReport

FORMATS = ("text", "json", "markdown", "sarif")
NO_SITES = "no LLM call sites found"


def headline(report: AuditReport) -> str:
    """ "Readiness 82/100 (B) over 14 LLM call sites (chat 10, embed 4)", or why there is no grade."""
    if not report.llm_calls:
        return f"Readiness: {NO_SITES}"
    overall = report.score()
    kinds = ", ".join(f"{kind} {n}" for kind, n in report.call_sites_by_kind.items())
    return f"Readiness {overall.score}/100 ({overall.grade}) over {report.llm_calls} LLM call sites ({kinds})"


def counts(report: AuditReport) -> str:
    unverified = f" ({report.unverified} unverified)" if report.unverified else ""
    return (
        f"{len(report.findings)} findings{unverified} in {report.files_analyzed} files "
        f"({report.files_parsed} parsed, {report.lines_analyzed:,} lines), {report.llm_calls} LLM call sites"
    )


def render(report: AuditReport, fmt: str, color: bool = False) -> str:
    from .markdown import to_markdown
    from .sarif import to_sarif
    from .text import to_text

    if fmt == "json":
        return report.model_dump_json(indent=2)
    if fmt == "markdown":
        return to_markdown(report)
    if fmt == "sarif":
        import json

        return json.dumps(to_sarif(report), indent=2)
    return to_text(report, color=color)


def __getattr__(name: str) -> object:
    if name in ("to_markdown", "to_sarif", "to_text"):
        from . import markdown, sarif, text

        return {"to_markdown": markdown.to_markdown, "to_sarif": sarif.to_sarif, "to_text": text.to_text}[name]
    raise AttributeError(name)


__all__ = ["FORMATS", "NO_SITES", "counts", "headline", "render", "to_markdown", "to_sarif", "to_text"]
