"""`llmwright session start|append|show|close|list` and the SubagentStop hook.

Thin over `llmwright.sessions`: the project is `--project DIR`, else `$CLAUDE_PROJECT_DIR`
(Claude Code sets it for hooks and tools), else the nearest folder up from the current
one holding `.claude/sessions/` or `.git`, else the current directory.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from llmwright.errors import InvalidInput
from llmwright.sessions import (
    SessionFile,
    append_report,
    close_session,
    handle_subagent_stop,
    list_sessions,
    parse_iso,
    project_dir,
    readable,
    show_session,
    start_session,
)

from .render import print_json

project_option = click.option(
    "--project",
    type=click.Path(file_okay=False),
    default=None,
    help="project directory holding .claude/sessions/ (default: $CLAUDE_PROJECT_DIR, else the nearest folder "
    "up from here with .claude/sessions/ or .git, else here)",
)
format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for scripts (the models in tools/sessions/models.py)",
)


@click.group("session")
def session_command() -> None:
    """Start, append to, show, close and list session files: the reports subagents leave in .claude/sessions/.

    \b
    llmwright session start "support bot model choice"
    llmwright session append --agent llm-ml-engineer --file report.md
    llmwright session show | close | list
    """


@session_command.command("start")
@click.argument("name", nargs=-1, required=True)
@project_option
@format_option
def start(name: tuple[str, ...], project: str | None, output_format: str) -> None:
    """Start a session: .claude/sessions/active/<date>-<name>.md (one active session at a time)."""
    started = start_session(project_dir(project), " ".join(name))
    if output_format == "json":
        print_json(started)
        return
    click.echo(f"started session {started.title!r}: {started.relative_path}")


@session_command.command("append")
@click.option("--agent", required=True, help="who wrote the report, e.g. llm-ml-engineer")
@click.option("--title", default=None, help="report title (default: the report's first heading)")
@click.option("--file", "report_file", type=click.Path(dir_okay=False, allow_dash=True), help="the report; - = stdin")
@click.option("--session", "session_name", default=None, help="an active session's name (default: the active one)")
@click.argument("source", required=False, metavar="[-]")
@project_option
@format_option
def append(
    agent: str,
    title: str | None,
    report_file: str | None,
    session_name: str | None,
    source: str | None,
    project: str | None,
    output_format: str,
) -> None:
    """Append a markdown report (--file FILE, or - for stdin) to the active session.

    Secrets are redacted first; the append is atomic under a file lock. With no active
    session the report is written on its own under .claude/sessions/reports/.
    """
    report = _read_report(report_file, source)
    result = append_report(project_dir(project), agent, report, title=title, session=session_name)
    if output_format == "json":
        print_json(result)
        return
    click.echo(result.message)


@session_command.command("show")
@click.argument("name", required=False)
@project_option
@format_option
def show(name: str | None, project: str | None, output_format: str) -> None:
    """Print the active session (or the named session or report)."""
    view = show_session(project_dir(project), name)
    if output_format == "json":
        print_json(view)
        return
    click.echo(view.content, nl=not view.content.endswith("\n"))


@session_command.command("close")
@click.argument("name", required=False)
@project_option
@format_option
def close(name: str | None, project: str | None, output_format: str) -> None:
    """Close the active session: it moves to .claude/sessions/archive/."""
    closed = close_session(project_dir(project), name)
    if output_format == "json":
        print_json(closed)
        return
    click.echo(f"closed session {closed.title!r} ({len(closed.reports)} reports): {closed.relative_path}")


@session_command.command("list")
@project_option
@format_option
def list_command(project: str | None, output_format: str) -> None:
    """List active and archived sessions and standalone reports."""
    listing = list_sessions(project_dir(project))
    if output_format == "json":
        print_json(listing)
        return
    sections = [
        ("Active session", listing.active),
        ("Archived sessions", listing.archived),
        ("Standalone reports", listing.reports),
    ]
    for heading, files in sections:
        click.echo(f"{heading}:")
        for item in files:
            click.echo(f"  {_line(item)}")
        if not files:
            click.echo("  (none)")


@session_command.group("hook")
def hook_command() -> None:
    """Commands Claude Code runs as plugin hooks."""


@hook_command.command("subagent-stop")
@project_option
@format_option
def subagent_stop(project: str | None, output_format: str) -> None:
    """Append an llmwright subagent's final message (SubagentStop JSON on stdin) to the session.

    Never fails the Claude Code session: whatever goes wrong becomes a note on stderr, exit 0.
    """
    try:
        raw = "" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.read()
        outcome = handle_subagent_stop(raw, project)
    except Exception as exc:  # a hook must not break the user's session
        click.echo(f"llmwright: session hook recorded nothing: {exc}", err=True)
        return
    if output_format == "json":
        print_json(outcome)
        return
    click.echo(f"llmwright: {outcome.reason}", err=True)


def _read_report(report_file: str | None, source: str | None) -> str:
    if source is not None and source != "-":
        raise InvalidInput(f"unexpected argument {source!r}: give the report with --file FILE, or - for stdin")
    if (report_file is None) == (source is None):
        raise InvalidInput("give the report once: --file FILE, or - to read it from stdin")
    from llmwright.tokens import read_stdin, read_text_file

    if report_file == "-" or source == "-":
        return read_stdin()  # refuses a terminal, binary input and text that is not UTF-8
    if not Path(report_file or "").exists():
        raise InvalidInput(f"cannot read the report {report_file!r}: No such file or directory; check the path")
    return read_text_file(report_file or "")


def _line(item: SessionFile) -> str:
    when = readable(parse_iso(item.started)) if item.started else "unknown time"
    if item.state == "report":
        agent = item.reports[0].agent if item.reports else "unknown agent"
        return f"{item.name}  {agent}  {item.title!r}  {when}"
    closed = f"  closed {readable(parse_iso(item.closed))}" if item.closed else ""
    return f"{item.name}  {item.title!r}  started {when}{closed}  {len(item.reports)} report(s)"
