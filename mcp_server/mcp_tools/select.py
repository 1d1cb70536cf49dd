"""`select_model`, `compare_models` and `evaluate_models`.

The first two read the gateway's usage ledger (where the configuration puts it) so
measured latency and error rates replace the table's estimates. `evaluate_models` takes
its cases inline — no file path, so a model cannot make the server read files — and runs
them through the server's one gateway, spending API credits: it is annotated open-world
and not read-only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp_types import ToolAnnotations
from pydantic import Field

from llmwright.config import load_config
from llmwright.select import Comparison, Recommendation, Requirements, TaskKind, compare, configured_ledger, recommend
from llmwright.select.evaluate import (
    DEFAULT_CONCURRENCY,
    DEFAULT_TARGET,
    EvalReport,
    dry_run_report,
    evaluate_models,
    inline_cases,
    plan_eval,
)

from ..state import ServerState, server_state
from .guard import READ_ONLY, tool_errors

EVALUATE = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=True)
MAX_INLINE_CASES = 200


def _ledger() -> Path | None:
    return configured_ledger(load_config())


@tool_errors
def select_model_tool(requirements: Requirements) -> Recommendation:
    """Recommend a primary model, a fallback chain on another provider, a budget option and cheaper step-down
    models, with a decision matrix, cited quality and latency evidence, the defaults applied, rejected models with
    the constraint each violates (and, when nothing fits, which constraints bind), and a gateway route snippet.
    Unknown requirement keys or values are errors naming the closest valid one."""
    config = load_config()
    return recommend(requirements, ledger=configured_ledger(config), config=config)


@tool_errors
def compare_models_tool(
    models: Annotated[list[str], Field(min_length=1, max_length=20, description="provider:model references")],
    kind: Annotated[TaskKind, Field(description="task kind for the quality column")] = "chat",
    input_tokens: Annotated[int, Field(ge=1, le=10_000_000)] = 1000,
    output_tokens: Annotated[int, Field(ge=1, le=1_000_000)] = 300,
    requests_per_day: Annotated[float | None, Field(gt=0, le=1e10)] = None,
) -> Comparison:
    """Side-by-side matrix (tier, quality, $/request, $/month, p95, context, capabilities) for named models."""
    return compare(models, kind, input_tokens, output_tokens, requests_per_day, ledger=_ledger())


@tool_errors
async def evaluate_models_tool(
    ctx: Context,
    candidates: Annotated[
        list[str], Field(min_length=1, max_length=10, description="provider:model references to run the cases on")
    ],
    cases: Annotated[
        list[dict[str, Any]],
        Field(
            min_length=1,
            max_length=MAX_INLINE_CASES,
            description="each {input: prompt or OpenAI-shape messages, system?, id?} plus exactly one check: "
            "exact (string), contains (string or list), regex, json_schema (object), "
            "one_of (labels) with label (the expected one), or judge {model, rubric} (graded by that model)",
        ),
    ],
    target_accuracy: Annotated[float, Field(ge=0, le=1, description="accuracy the pick must reach")] = DEFAULT_TARGET,
    requests_per_day: Annotated[float | None, Field(gt=0, le=1e10, description="sizes $/month")] = None,
    concurrency: Annotated[int, Field(ge=1, le=32, description="calls in flight at once")] = DEFAULT_CONCURRENCY,
    use_cache: Annotated[bool, Field(description="reuse cached answers (false: call again)")] = True,
    dry_run: Annotated[
        bool, Field(description="only estimate tokens and dollars per candidate and judge; call nothing")
    ] = False,
    fail_under: Annotated[
        float | None, Field(ge=0, le=1, description="accuracy the chosen candidate must reach (report.gate)")
    ] = None,
) -> EvalReport:
    """Run eval cases on candidate models through the gateway; rank them on accuracy, latency and cost
    per case, mark the Pareto-optimal ones and pick the cheapest at or above the target accuracy.
    Judged cases are graded by their judge model, whose cost is reported apart. With dry_run, nothing
    is called: `plan` holds the estimated tokens and dollars per candidate and judge."""
    parsed = inline_cases(cases)
    if dry_run:
        plan = plan_eval(parsed, candidates, requests_per_day=requests_per_day)
        checks: dict[str, int] = {}
        for case in parsed:
            checks[case.check.kind] = checks.get(case.check.kind, 0) + 1
        return dry_run_report(plan, checks, target_accuracy, concurrency)

    async def progress(done: int, total: int) -> None:
        await ctx.report_progress(done, total, f"{done}/{total} calls")

    return await evaluate_models(
        parsed,
        candidates,
        server_state(ctx).gateway(),
        target_accuracy=target_accuracy,
        requests_per_day=requests_per_day,
        concurrency=concurrency,
        no_cache=not use_cache,
        progress=progress,
        fail_under=fail_under,
    )


def register(server: MCPServer, state: ServerState) -> None:
    server.add_tool(select_model_tool, name="select_model", title="Select a model", annotations=READ_ONLY)
    server.add_tool(compare_models_tool, name="compare_models", title="Compare models", annotations=READ_ONLY)
    server.add_tool(
        evaluate_models_tool, name="evaluate_models", title="Evaluate models on your cases", annotations=EVALUATE
    )
