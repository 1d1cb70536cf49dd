"""Report renderers: text (rich), json (the pydantic model), markdown and SARIF 2.1.0."""

from __future__ import annotations

from ..model import AuditReport
from .markdown import to_markdown
from .sarif import to_sarif
from .text import to_text

FORMATS = ("text", "json", "markdown", "sarif")


def render(report: AuditReport, fmt: str, color: bool = False) -> str:
    if fmt == "json":
        return report.model_dump_json(indent=2)
    if fmt == "markdown":
        return to_markdown(report)
    if fmt == "sarif":
        import json

        return json.dumps(to_sarif(report), indent=2)
    return to_text(report, color=color)


__all__ = ["FORMATS", "render", "to_markdown", "to_sarif", "to_text"]
