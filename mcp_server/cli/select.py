"""`llmwright select`: requirements in, a justified primary + fallback chain out — or, with
`--eval FILE --candidates M1,M2`, the candidates run on your own cases and ranked on accuracy and cost."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from llmwright.config import load_config
from llmwright.errors import InvalidInput
from llmwright.gateway import Gateway
from llmwright.select import (
    TASK_KINDS,
    Recommendation,
    Requirements,
    configured_ledger,
    eval_markdown,
    eval_marks,
    format_ms,
    p95_label,
    plan_markdown,
    recommend,
    recommendation_markdown,
)
from llmwright.select.evaluate import (
    DEFAULT_CONCURRENCY,
    DEFAULT_TARGET,
    CaseResult,
    EvalPlan,
    EvalReport,
    evaluate_models,
    load_cases,
    plan_eval,
)

from .options import config_option
from .render import console, print_json, usd

RECOMMEND_ONLY = (
    "task",
    "kind",
    "complexity",
    "input_tokens",
    "output_tokens",
    "max_cost_per_request",
    "max_cost_per_day",
    "max_cost_per_1m_tokens",
    "latency_p95_s",
    "context_tokens",
    "local_only",
    "min_tier",
    "data_residency",
    "allow_preview",
)


@click.command("select")
@click.option("--task", help="what the model will do, in plain words")
@click.option("--kind", help=f"task kind, one of {', '.join(TASK_KINDS)} (inferred from --task when omitted)")
@click.option("--complexity", help="low, medium or high (inferred when omitted)")
@click.option("--requests-per-day", type=float, help="volume: sizes $/month (with --eval too)")
@click.option("--input-tokens", type=int, help="typical input tokens per request (default: typical for the task kind)")
@click.option("--output-tokens", type=int, help="typical output tokens per request (default: typical for the kind)")
@click.option("--max-cost-per-request", type=float)
@click.option("--max-cost-per-day", type=float)
@click.option("--max-cost-per-1m", "max_cost_per_1m_tokens", type=float, help="blended USD per million tokens")
@click.option("--latency-p95", "latency_p95_s", type=float, help="p95 seconds for a whole response")
@click.option(
    "--context", "context_tokens", type=int, help="context tokens every request sends (sizes input tokens too)"
)
@click.option("--needs", default="", help="capabilities, comma-separated: tools,vision,json,structured_output,...")
@click.option("--local-only", is_flag=True, help="self-hosted models only (ollama, vllm, lmstudio)")
@click.option("--providers", default="", help="allowed providers, comma-separated (naming a local runtime admits it)")
@click.option("--exclude-providers", default="", help="providers never to use, comma-separated")
@click.option("--min-tier", help="small, mid, strong or frontier")
@click.option(
    "--data-residency", help="region requests must stay in: us, eu, uk, ca, cn, jp, in, au (unknown residency fails)"
)
@click.option("--allow-preview", is_flag=True, help="let a preview / experimental model be the primary")
@click.option(
    "--ledger",
    "ledger_path",
    type=click.Path(dir_okay=False),
    help="usage ledger whose measured latency and errors override the table (default: the gateway's)",
)
@click.option("--no-ledger", is_flag=True, help="rank on the table's estimates only")
@click.option("--eval", "eval_file", type=click.Path(dir_okay=False), help="JSON Lines cases to run the candidates on")
@click.option("--candidates", default="", help="with --eval: provider:model references, comma-separated")
@click.option("--target-accuracy", type=click.FloatRange(0, 1), help="with --eval: the accuracy to meet (default 0.9)")
@click.option("--concurrency", type=click.IntRange(1, 256), help="with --eval: calls in flight at once (default 8)")
@click.option("--no-cache", is_flag=True, help="with --eval: neither read nor write the response cache")
@click.option(
    "--dry-run", is_flag=True, help="with --eval: estimate tokens and dollars per candidate and judge; call nothing"
)
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 1),
    help="with --eval: exit 1 when the chosen candidate's accuracy is below this (for CI)",
)
@config_option
@click.option("--format", "output_format", type=click.Choice(["table", "json", "markdown"]), default="table")
def select_command(
    output_format: str,
    needs: str,
    providers: str,
    exclude_providers: str,
    ledger_path: str | None,
    no_ledger: bool,
    eval_file: str | None,
    candidates: str,
    target_accuracy: float | None,
    concurrency: int | None,
    no_cache: bool,
    dry_run: bool,
    fail_under: float | None,
    config_path: str | None,
    **options: Any,
) -> None:
    """Recommend a primary model and a fallback chain that honour every hard constraint,
    or (--eval FILE --candidates M1,M2) settle the choice on your own cases."""
    if eval_file is not None:
        given = [f"--{name.replace('_', '-')}" for name in RECOMMEND_ONLY if options.get(name)]
        given += [flag for flag, value in (("--needs", needs), ("--providers", providers)) if value]
        given += ["--exclude-providers"] if exclude_providers else []
        given += [flag for flag, value in (("--ledger", ledger_path), ("--no-ledger", no_ledger)) if value]
        if given:
            raise InvalidInput(f"{', '.join(given)}: recommendation options, not used by an --eval run; drop them")
        if dry_run:
            _dry_run(eval_file, candidates, options, output_format)
            return
        settings = EvalSettings(target_accuracy, concurrency, no_cache, fail_under)
        _evaluate(eval_file, candidates, settings, config_path, options, output_format)
        return
    eval_only = [("--candidates", candidates), ("--target-accuracy", target_accuracy is not None)]
    eval_only += [("--concurrency", concurrency is not None), ("--no-cache", no_cache)]
    eval_only += [("--dry-run", dry_run), ("--fail-under", fail_under is not None)]
    misplaced = [flag for flag, value in eval_only if value]
    if misplaced:
        raise InvalidInput(f"{', '.join(misplaced)}: only used with --eval FILE (the cases to run the candidates on)")
    if not options.get("task"):
        raise InvalidInput('give --task "what the model will do", or --eval FILE --candidates M1,M2')
    split = [p.strip() for p in providers.split(",") if p.strip()]
    excluded = [p.strip() for p in exclude_providers.split(",") if p.strip()]
    capabilities = [c.strip() for c in needs.split(",") if c.strip()]
    given = {name: value for name, value in options.items() if value is not None and value is not False}
    requirements = Requirements(needs=capabilities, providers=split, exclude_providers=excluded, **given)
    if ledger_path is not None and not Path(ledger_path).is_file():
        raise InvalidInput(f"--ledger {ledger_path}: no such file (or --no-ledger to rank on the table alone)")
    config = load_config(config_path)
    ledger = None if no_ledger else (ledger_path or configured_ledger(config))
    result = recommend(requirements, ledger=ledger, config=config)
    if output_format == "json":
        print_json(result)
    elif output_format == "markdown":
        click.echo(recommendation_markdown(result))
    else:
        _print_table(result)


def _print_table(result: Recommendation) -> None:
    out = console()
    out.print(
        f"[bold]Task[/bold]: {escape(result.task)}  ({result.kind}, {result.complexity} complexity; "
        f"needs a {result.required_tier}-tier model or better)"
    )
    out.print(escape(result.data_version), style="dim")
    if result.primary is None:
        out.print("[bold red]No model fits every constraint.[/bold red]")
        for line in [*result.relax, *result.rules]:
            out.print(f"  - {escape(line)}")
        return
    table = Table(title="Decision matrix", title_justify="left")
    for column in ("", "model", "tier", "quality", "evidence", "$/request", "$/month", "p95 s", "context"):
        table.add_column(column, overflow="fold")
    roles = {result.primary.model: "primary"} | {f.model: f"fallback {i + 1}" for i, f in enumerate(result.fallbacks)}
    if result.budget_option:
        roles.setdefault(result.budget_option.model, "budget")
    rows = list(result.matrix) + [f for f in result.fallbacks if f.model not in {m.model for m in result.matrix}]
    for row in rows:
        table.add_row(
            roles.get(row.model, ""),
            row.model + (" (preview)" if row.preview else ""),
            row.tier,
            f"{row.quality:.2f}",
            escape(row.quality_evidence),
            usd(row.cost_per_request_usd),
            usd(row.cost_per_month_usd),
            p95_label(row),
            f"{row.context_window or 0:,}",
        )
    out.print(table)
    out.print("  p95: * measured on your usage ledger, ~ estimated from cited latency data, n/a no latency data")
    for line in [*result.justification, *result.rules, *result.tradeoffs]:
        out.print(f"  - {escape(line)}")
    for step in result.step_down:
        gives = escape(step.gives_up)
        out.print(f"  - Step down: {step.model} ({step.tier} tier) costs {step.saving_pct:g}% less: {gives}.")
    out.print("\n[bold]llmwright.toml[/bold]\n" + escape(result.route_snippet))


# -- --eval: settle it on your data ------------------------------------------------------------


@dataclass(frozen=True)
class EvalSettings:
    target_accuracy: float | None
    concurrency: int | None
    no_cache: bool
    fail_under: float | None


def _refs(candidates: str) -> list[str]:
    refs = [c.strip() for c in candidates.split(",") if c.strip()]
    if not refs:
        raise InvalidInput("--eval needs --candidates M1,M2 (provider:model references, comma-separated)")
    return refs


def _dry_run(eval_file: str, candidates: str, options: dict[str, Any], output_format: str) -> None:
    """Tokens and dollars for the whole eval from the estimator: no configuration, no key, no call."""
    plan = plan_eval(
        load_cases(eval_file),
        _refs(candidates),
        source=Path(eval_file).name,
        requests_per_day=options.get("requests_per_day"),
    )
    if output_format == "json":
        print_json(plan)
    elif output_format == "markdown":
        click.echo(plan_markdown(plan))
    else:
        _print_plan(plan)


def _evaluate(
    eval_file: str,
    candidates: str,
    settings: EvalSettings,
    config_path: str | None,
    options: dict[str, Any],
    output_format: str,
) -> None:
    refs = _refs(candidates)
    cases = load_cases(eval_file)
    config = load_config(config_path)
    report = asyncio.run(
        _run_eval(
            config,
            cases,
            refs,
            source=Path(eval_file).name,
            target_accuracy=DEFAULT_TARGET if settings.target_accuracy is None else settings.target_accuracy,
            concurrency=settings.concurrency or DEFAULT_CONCURRENCY,
            requests_per_day=options.get("requests_per_day"),
            no_cache=settings.no_cache,
            fail_under=settings.fail_under,
        )
    )
    if output_format == "json":
        print_json(report)
    elif output_format == "markdown":
        click.echo(eval_markdown(report))
    else:
        _print_eval(report)
    if all(candidate.status == "failed" for candidate in report.candidates):
        click.echo("error: no candidate answered a single case (see the errors above)", err=True)
        sys.exit(1)
    if report.gate is not None and not report.gate.passed:
        gate = report.gate
        accuracy = f"{gate.accuracy:.0%}" if gate.accuracy is not None else "no answer"
        click.echo(
            f"error: {gate.model or 'no candidate'} reached {accuracy}, under --fail-under {gate.fail_under:.0%}",
            err=True,
        )
        sys.exit(1)


def _print_plan(plan: EvalPlan) -> None:
    out = console()
    out.print(f"[bold]Dry run[/bold]: {escape(plan.source)}, {plan.cases} cases; nothing was called")
    table = Table(title="Estimated cost of the eval", title_justify="left")
    for column in ("model", "role", "calls", "input tokens", "output tokens", "thinking", "$ total", "$/case"):
        table.add_column(column, justify="left" if column in ("model", "role") else "right", no_wrap=column == "model")
    for row in [*plan.candidates, *plan.judges]:
        thinking = "unmeasured" if row.thinking_tokens is None else f"{row.thinking_tokens:,}"
        table.add_row(
            row.model,
            row.role,
            f"{row.calls:,}",
            f"{row.input_tokens:,}",
            f"{row.output_tokens:,}",
            thinking,
            usd(row.cost_usd),
            usd(row.cost_per_case_usd),
        )
    out.print(table)
    out.print(f"  total: {usd(plan.total_usd)}")
    for row in [*plan.candidates, *plan.judges]:
        for note in row.notes:
            out.print(f"  - {escape(row.model)}: {escape(note)}")
    for line in plan.assumptions:
        out.print(f"  - assumed: {escape(line)}")


async def _run_eval(config, cases, refs: list[str], **settings: Any) -> EvalReport:
    """The run, with a progress bar on stderr when it is a terminal (never in the JSON on stdout)."""
    columns = (TextColumn("evaluating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    bar = Progress(*columns, console=Console(stderr=True), transient=True, disable=not sys.stderr.isatty())
    task = bar.add_task("evaluating", total=len(cases) * len(refs))

    async def progress(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    async with Gateway(config) as gateway:
        with bar:
            return await evaluate_models(cases, refs, gateway, progress=progress, **settings)


def _print_eval(report: EvalReport) -> None:
    out = console()
    kinds = ", ".join(f"{n} {kind}" for kind, n in report.checks.items())
    out.print(
        f"[bold]Eval[/bold]: {escape(report.source)}, {report.cases} cases ({kinds}) on "
        f"{len(report.candidates)} candidates; target accuracy {report.target_accuracy:.0%}"
    )
    table = Table(title="Cost and quality on your cases", title_justify="left")
    monthly = report.requests_per_day is not None
    columns = ["", "model", "accuracy", "passed", "errors", "p50 ms", "p95 ms", "$/case"]
    for column in [*columns, *(["$/month"] if monthly else []), "status"]:
        justify = "right" if column not in ("", "model", "status") else "left"
        table.add_column(column, justify=justify, no_wrap=column == "model")
    for s in report.candidates:
        row = [
            eval_marks(s, report),
            s.model,
            f"{s.accuracy:.0%}",
            f"{s.passed}/{s.cases}",
            str(s.errors),
            format_ms(s.latency_ms_p50),
            format_ms(s.latency_ms_p95),
            usd(s.cost_per_case_usd),
        ]
        row += [usd(s.cost_per_month_usd)] if monthly else []
        table.add_row(*row, s.status)
    out.print(table)
    for line in report.verdict:
        out.print(f"  - {escape(line)}")
    misses: list[tuple[str, CaseResult]] = []
    for s in report.candidates:
        if s.status == "ok":
            misses += [(s.model, r) for r in s.results if not r.passed][:3]
    if misses:
        out.print("[bold]Misses[/bold] (up to 3 a model; --format json lists every case)")
        for model, r in misses:
            out.print(f"  - {escape(model)} {escape(r.id)}: {escape(r.error or r.why)}")
