"""The `llmwright` command line: a thin click layer over the engine.

Commands are registered in `COMMANDS`; each parses its options into an engine request,
calls one engine function and renders the result. Errors become one line on stderr:
exit code 2 for bad input, 1 for everything else, never a traceback (set
LLMWRIGHT_DEBUG=1 to see one).
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

import click
from pydantic import ValidationError

from llmwright import __version__
from llmwright.errors import InvalidInput, LLMWrightError

from ..errors import describe_validation
from .audit import audit_command
from .call import call_command
from .estimate import estimate_command
from .models import models_command
from .prompts import prompts_command
from .run import run_command
from .select import select_command
from .serve import serve_command
from .session import session_command
from .usage import usage_command

COMMANDS: list[click.Command] = [models_command, estimate_command, select_command, serve_command, audit_command]
COMMANDS += [call_command, usage_command]
COMMANDS += [session_command]
COMMANDS += [run_command, prompts_command]

EXIT_ERROR = 1
EXIT_USAGE = 2


class Group(click.Group):
    """Maps engine errors to one-line messages and documented exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
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


def _fail(message: str, code: int) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="llmwright")
def cli() -> None:
    """llmwright: model selection, provider calls with fallback, token & cost estimation, audits."""
    logging.basicConfig(level=os.environ.get("LLMWRIGHT_LOG_LEVEL", "WARNING"), stream=sys.stderr)


for command in COMMANDS:
    cli.add_command(command)


def main() -> None:
    cli(prog_name="llmwright")
