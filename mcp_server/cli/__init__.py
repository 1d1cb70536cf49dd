"""The `llmwright` command line: a thin click layer over the engine.

Commands are registered in `COMMANDS` (name -> module:attribute) and imported when run,
so `llmwright estimate` does not pay for the gateway's SDKs or the audit engine. Each
parses its options into an engine request, calls one engine function and renders the
result. Errors become one line on stderr: exit code 2 for bad input, 1 for everything
else, never a traceback (set LLMWRIGHT_DEBUG=1 to see one). A reader that goes away
(`llmwright models | head -1`) ends the command quietly.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from typing import Any

import click

from llmwright import __version__

COMMANDS: dict[str, str] = {
    "models": "models:models_command",
    "estimate": "estimate:estimate_command",
    "select": "select:select_command",
    "serve": "serve:serve_command",
    "audit": "audit:audit_command",
    "call": "call:call_command",
    "usage": "usage:usage_command",
    "session": "session:session_command",
    "run": "run:run_command",
    "prompts": "prompts:prompts_command",
}

EXIT_ERROR = 1
EXIT_USAGE = 2


class Group(click.Group):
    """Loads commands on use and maps engine errors to one-line messages and documented exit codes."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attribute = target.partition(":")
        return getattr(importlib.import_module(f"{__name__}.{module}"), attribute)

    def invoke(self, ctx: click.Context) -> Any:
        from pydantic import ValidationError

        from llmwright.errors import InvalidInput, LLMWrightError

        from ..errors import describe_validation

        try:
            result = super().invoke(ctx)
        except click.UsageError as exc:  # click would print usage, a hint and the error: three lines
            where = exc.ctx.command_path if exc.ctx else "llmwright"
            _fail(f"{exc.format_message()} (see `{where} --help`)", EXIT_USAGE)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except BrokenPipeError:
            _quiet_broken_pipe()
        except InvalidInput as exc:
            _fail(str(exc), EXIT_USAGE)
        except ValidationError as exc:
            _fail(describe_validation(exc), EXIT_USAGE)
        except LLMWrightError as exc:
            _fail(str(exc), EXIT_ERROR)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except Exception as exc:  # the last line of defence: say what broke, no traceback
            if os.environ.get("LLMWRIGHT_DEBUG"):
                raise
            _fail(f"internal error: {type(exc).__name__}: {exc} (set LLMWRIGHT_DEBUG=1 for a traceback)", EXIT_ERROR)
        _data_notice()
        return result


def all_commands() -> dict[str, click.Command]:
    """Every command, imported (for the README's table and tests)."""
    ctx = click.Context(cli)
    return {name: command for name in cli.list_commands(ctx) if (command := cli.get_command(ctx, name))}


def _fail(message: str, code: int) -> None:
    _data_notice()
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _data_notice() -> None:
    """When the command read the catalog and its data is over 60 days old, say so on stderr."""
    catalog = sys.modules.get("llmwright.catalog")
    if catalog is None or not catalog.catalog_loaded():
        return
    try:
        current = catalog.get_catalog()
        notice = catalog.data_age(current.day, current.data_date).notice
    except Exception:  # a notice must never turn a good answer into an error
        return
    if notice:
        click.echo(f"note: {notice}", err=True)


def _quiet_broken_pipe() -> None:
    """The reader closed the pipe (`| head`): stop without a message, as `cat` does."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    sys.exit(0)


class _Formatter(logging.Formatter):
    """`warning: …` on stderr, like the CLI's own messages."""

    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname.lower()}: {record.getMessage()}"


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="llmwright")
def cli() -> None:
    """llmwright: model selection, provider calls with fallback, token & cost estimation, audits."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    logging.basicConfig(level=os.environ.get("LLMWRIGHT_LOG_LEVEL", "WARNING"), handlers=[handler])


def main() -> None:
    try:
        cli(prog_name="llmwright")
    except BrokenPipeError:
        _quiet_broken_pipe()
    except SystemExit:
        try:
            sys.stdout.flush()  # what is still buffered, while a closed pipe can still be handled here
        except BrokenPipeError:
            _quiet_broken_pipe()
        raise
