"""`llmwright audit`: the production-readiness audit for people, CI and pre-commit.

Exit codes (documented, CI relies on them):
  0  no finding at or above --fail-on (default: high)
  1  at least one finding at or above --fail-on
  2  usage error: missing path, unknown rule, bad config or baseline
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from llmwright.audit import FORMATS, SEVERITIES, AuditRequest, audit, fails, render, rules_by_id
from llmwright.errors import InvalidInput

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _list_rules() -> str:
    lines = [f"{'id':<8}{'name':<24}{'severity':<10}{'category':<15}title"]
    for rule in rules_by_id().values():
        lines.append(f"{rule.id:<8}{rule.name:<24}{rule.severity:<10}{rule.category:<15}{rule.title}")
    return "\n".join(lines)


def _explain(rule_id: str) -> str:
    if not rule_id.strip():
        raise InvalidInput("rule id is empty; give one such as LLM101 (see `llmwright audit --list-rules`)")
    rule = rules_by_id().get(rule_id.strip().upper())
    if rule is None:
        raise InvalidInput(f"unknown rule {rule_id!r}; run `llmwright audit --list-rules` to see them")
    info = rule.info()
    return f"{info.id} {info.name} ({info.severity}, {info.category}): {info.title}\n\n{info.doc}\n\nFix: {info.fix}"


@click.command("audit")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--fail-on",
    type=click.Choice([*SEVERITIES, "never"]),
    default="high",
    show_default=True,
    help="exit 1 when a finding is at or above this severity",
)
@click.option("--select", multiple=True, help="only these rule ids or prefixes (LLM1, LLM201); comma or repeat")
@click.option("--ignore", multiple=True, help="skip these rule ids or prefixes")
@click.option("--exclude", multiple=True, help="gitignore-style path patterns to skip")
@click.option("--baseline", type=click.Path(), help="report only findings not in this saved report")
@click.option("--output", "-o", type=click.Path(), help="write the report to FILE instead of stdout")
@click.option("--config", type=click.Path(), help="settings file (default: llmwright.toml / pyproject.toml)")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), help="worker processes (default: all cores)")
@click.option("--no-progress", is_flag=True, help="no progress bar")
@click.option("--list-rules", is_flag=True, help="list every rule and exit")
@click.option("--explain", metavar="RULE", help="print a rule's documentation and exit")
def audit_command(
    paths: tuple[str, ...],
    output_format: str,
    fail_on: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    exclude: tuple[str, ...],
    baseline: str | None,
    output: str | None,
    config: str | None,
    jobs: int | None,
    no_progress: bool,
    list_rules: bool,
    explain: str | None,
) -> None:
    """Find what an LLM integration lacks before production (PATH defaults to '.').

    \b
    llmwright audit .                                 rich report, exit 1 on high+
    llmwright audit src --format sarif -o audit.sarif for GitHub code scanning
    llmwright audit . --format json -o base.json --fail-on never; later: --baseline base.json
    llmwright audit --explain LLM202

    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage error.
    """
    try:
        if list_rules:
            click.echo(_list_rules())
            return
        if explain is not None:
            click.echo(_explain(explain))
            return
        if len(paths) > 1:
            raise InvalidInput("give one PATH (a file or a directory)")
        if output:
            _check_output(Path(output))
        request = AuditRequest(
            path=paths[0] if paths else ".",
            select=_split(select),
            ignore=_split(ignore),
            exclude=list(exclude),
            baseline=baseline,
            config=config,
            jobs=jobs,
        )
        report = _run(request, show_progress=not no_progress and sys.stderr.isatty())
    except InvalidInput as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    color = output is None and sys.stdout.isatty()
    text = render(report, output_format, color=color)
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            click.echo(f"error: cannot write the report to {output}: {exc.strerror or exc}", err=True)
            sys.exit(EXIT_USAGE)
        click.echo(f"wrote {output_format} report to {output}", err=True)
    else:
        click.echo(text, nl=not text.endswith("\n"))
    sys.exit(EXIT_FINDINGS if fail_on != "never" and fails(report, fail_on) else EXIT_CLEAN)  # type: ignore[arg-type]


def _check_output(path: Path) -> None:
    """Fail before the audit, not after it, when the report cannot be written."""
    parent = path.expanduser().parent
    if path.is_dir():
        raise InvalidInput(f"cannot write the report to {path}: it is a directory; give a file name")
    if not parent.is_dir():
        raise InvalidInput(f"cannot write the report to {path}: folder {parent} does not exist; create it first")


def _run(request: AuditRequest, show_progress: bool):
    if not show_progress:
        return audit(request)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress("auditing", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task("files", total=None)
        return audit(request, progress=lambda done, total: bar.update(task, completed=done, total=total))
