"""`audit_repo` and the rule catalog resource: the same engine call as `llmwright audit`.

The tool audits only inside the client's roots (MCP `roots/list`) or the directories
the server was started with (`llmwright serve --allow-root DIR`); any other path is refused,
so a model cannot make the server read arbitrary files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import anyio
from mcp.server.mcpserver import Context, MCPServer, Resolve
from mcp_types import ListRootsResult
from pydantic import Field

from llmwright.audit import AuditReport, AuditRequest, audit, rule_catalog
from llmwright.errors import InvalidInput

from ..state import ServerState, server_state
from .guard import READ_ONLY, tool_errors
from .roots import ask_roots, root_paths


def _permitted(path: str, client_roots: list[Path], allowed_roots: list[Path]) -> Path:
    """The path to audit, when it lies inside the client's roots or a `--allow-root` directory."""
    try:
        target = Path(path).expanduser()
    except RuntimeError as exc:  # ~user that does not exist
        raise InvalidInput(f"path {path!r}: {exc}") from exc
    roots = [*allowed_roots, *client_roots]
    if not roots:
        raise InvalidInput(
            "no roots to audit in: the client shared no roots and the server was started without --allow-root"
        )
    if not target.is_absolute():
        target = roots[0] / target
    try:
        target = target.resolve()
        target.exists()  # stats it: a name too long for the file system fails here, not inside the audit
    except (OSError, ValueError, RuntimeError) as exc:  # a NUL byte, a name too long, a symlink loop
        raise InvalidInput(f"path {path!r} cannot be audited: {type(exc).__name__}: {exc}") from exc
    if not any(target == root or target.is_relative_to(root) for root in roots):
        allowed = ", ".join(str(r) for r in roots)
        raise InvalidInput(f"{path!r} is outside the allowed roots ({allowed}); audit refused")
    return target


@tool_errors
async def audit_repo_tool(
    ctx: Context,
    client_roots: Annotated[ListRootsResult, Resolve(ask_roots)],
    path: Annotated[
        str, Field(description="directory or file inside the client's roots (relative: to the first root)")
    ],
    select: Annotated[list[str], Field(description="only these rule ids or prefixes, e.g. LLM1, LLM201")] = [],  # noqa: B006
    ignore: Annotated[list[str], Field(description="skip these rule ids or prefixes")] = [],  # noqa: B006
    min_severity: Annotated[
        str,
        Field(
            description="drop findings below: critical, high, medium, low, info",
            pattern="^(critical|high|medium|low|info)$",
        ),
    ] = "info",
) -> AuditReport:
    """Audit Python code that calls LLMs for production readiness: findings with rule, location and fix; scores."""
    target = _permitted(path, root_paths(client_roots), server_state(ctx).allowed_roots)
    request = AuditRequest(path=str(target), select=select, ignore=ignore, min_severity=min_severity)  # type: ignore[arg-type]
    done = anyio.Event()
    progress: list[tuple[int, int]] = []
    outcome: list[AuditReport | BaseException] = []

    def work() -> None:
        try:
            outcome.append(audit(request, progress=lambda current, total: progress.append((current, total))))
        except BaseException as exc:  # handed to the caller below, outside the task group
            outcome.append(exc)

    async def run() -> None:
        try:
            await anyio.to_thread.run_sync(work)
        finally:
            done.set()

    async def report() -> None:
        sent = 0
        while not done.is_set():
            with anyio.move_on_after(0.2):
                await done.wait()
            if len(progress) > sent:
                sent = len(progress)
                current, total = progress[-1]
                await ctx.report_progress(current, total, f"{current}/{total} files")

    async with anyio.create_task_group() as group:
        group.start_soon(report)
        await run()
    (result,) = outcome
    if isinstance(result, BaseException):
        raise result
    return result


def register(server: MCPServer, state: ServerState) -> None:
    server.add_tool(audit_repo_tool, name="audit_repo", title="Audit LLM production readiness", annotations=READ_ONLY)

    @server.resource(
        "llmwright://audit/rules",
        name="audit-rules",
        description="Every audit rule: id, name, severity, category, documentation and fix",
        mime_type="application/json",
    )
    def rules_resource() -> str:
        import json

        return json.dumps([r.model_dump() for r in rule_catalog()], indent=2)


__all__ = ["register"]
