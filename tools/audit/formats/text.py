"""The terminal report: findings grouped by file with their code, then the scores."""

from __future__ import annotations

import io
from collections import defaultdict

from rich.console import Console
from rich.syntax import Syntax
from rich.table import Table

from ..model import AuditReport, Finding
from . import counts, headline

STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}


def to_text(report: AuditReport, color: bool = False, width: int = 120) -> str:
    buffer = io.StringIO()
    out = Console(file=buffer, force_terminal=color, no_color=not color, width=width, highlight=False)
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        by_file[f.path].append(f)
    for path, findings in by_file.items():
        out.print(f"[bold underline]{path}[/]")
        for f in findings:
            out.print(
                f"  {f.line}:{f.column} [{STYLE[f.severity]}]{f.severity}[/] [bold]{f.rule}[/] {f.name}: {f.message}"
            )
            if f.snippet:
                out.print(Syntax(f.snippet, "python", line_numbers=True, start_line=f.line, theme="ansi_dark"))
            out.print(f"    [dim]fix:[/] {f.fix}")
        out.print()
    for s in report.skipped:
        out.print(f"[dim]skipped {s.path}: {s.reason}[/]")
    out.print(f"[bold]{headline(report)}[/]")
    if report.llm_calls:
        table = Table(title_justify="left")
        for column in ("category", "score", "grade", "findings", "per call site"):
            table.add_column(column, justify="left" if column == "category" else "right")
        for s in report.scores:
            table.add_row(s.category, str(s.score), s.grade or "", str(s.findings), f"{s.density:.2f}")
        out.print(table)
    extra = ""
    if report.baseline_suppressed or report.suppressed_inline:
        extra = f"; {report.baseline_suppressed} in baseline, {report.suppressed_inline} suppressed inline"
    out.print(counts(report) + extra)
    return buffer.getvalue()
