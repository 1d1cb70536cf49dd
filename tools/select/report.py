"""Selection reports as markdown: what the CLI's `--format markdown` prints and subagents append to sessions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..cost import format_usd as usd

if TYPE_CHECKING:  # evaluate loads the gateway; recommending alone must not pay for it
    from .evaluate import CandidateScore, EvalPlan, EvalReport
    from .recommend import Choice, Recommendation


def recommendation_markdown(result: Recommendation) -> str:
    """The recommendation as the markdown report subagents append to session files."""
    lines = [
        f"## Model recommendation: {result.task}",
        "",
        f"Kind **{result.kind}**, complexity **{result.complexity}**, required tier **{result.required_tier}**.",
        "",
    ]
    if result.primary is None:
        return "\n".join(
            [
                *lines,
                "No model fits every constraint.",
                *[f"- {line}" for line in [*result.relax, *result.rules]],
            ]
        )
    lines += [
        "| role | model | tier | quality | evidence | $/request | $/month | p95 s | context |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for role, row in [("primary", result.primary), *[(f"fallback {i + 1}", f) for i, f in enumerate(result.fallbacks)]]:
        lines.append(
            f"| {role} | {row.model} | {row.tier} | {row.quality:.2f} | {row.quality_evidence} | "
            f"{usd(row.cost_per_request_usd)} | {usd(row.cost_per_month_usd)} | {p95_label(row)} | "
            f"{row.context_window or 0:,} |"
        )
    step_down = [f"Step down: {s.model} ({s.tier}), {s.saving_pct:g}% cheaper: {s.gives_up}." for s in result.step_down]
    lines += [
        "",
        *[f"- {line}" for line in [*result.justification, *result.rules, *result.tradeoffs, *step_down]],
        "",
        "```toml",
        result.route_snippet.rstrip(),
        "```",
    ]
    return "\n".join(lines)


def p95_label(row: Choice) -> str:
    """`*1.2` measured on the ledger, `~0.9` estimated from latency data, `n/a` without data."""
    if row.p95_s_measured is not None:
        return f"*{row.p95_s_measured}"
    return f"~{row.p95_s_estimate}" if row.p95_s_estimate is not None else "n/a"


def eval_marks(score: CandidateScore, report: EvalReport) -> str:
    marks = ["pick"] if score.model == report.recommended else []
    marks += ["pareto"] if score.pareto else []
    return ", ".join(marks)


def format_ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def eval_markdown(report: EvalReport) -> str:
    """The eval report as markdown, for session files and pull requests."""
    monthly = report.requests_per_day is not None
    lines = [
        f"## Model evaluation: {report.source}",
        "",
        f"{report.cases} cases on {len(report.candidates)} candidates, target accuracy "
        f"**{report.target_accuracy:.0%}**.",
        "",
        "| | model | accuracy | errors | p50 ms | p95 ms | $/case |" + (" $/month |" if monthly else ""),
        "|---|---|---|---|---|---|---|" + ("---|" if monthly else ""),
    ]
    for s in report.candidates:
        lines.append(
            f"| {eval_marks(s, report)} | {s.model} | {s.accuracy:.0%} ({s.passed}/{s.cases}) | {s.errors} | "
            f"{format_ms(s.latency_ms_p50)} | {format_ms(s.latency_ms_p95)} | {usd(s.cost_per_case_usd)} |"
            + (f" {usd(s.cost_per_month_usd)} |" if monthly else "")
        )
    return "\n".join([*lines, "", *[f"- {line}" for line in report.verdict]])


def plan_markdown(plan: EvalPlan) -> str:
    """A dry run's estimate as markdown: tokens and dollars per candidate and judge."""
    lines = [
        f"## Eval dry run: {plan.source}",
        "",
        f"{plan.cases} cases; nothing was called. Estimated total **{usd(plan.total_usd)}**.",
        "",
        "| model | role | calls | input tokens | output tokens | thinking | $ total | $/case |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in [*plan.candidates, *plan.judges]:
        thinking = "unmeasured" if row.thinking_tokens is None else f"{row.thinking_tokens:,}"
        lines.append(
            f"| {row.model} | {row.role} | {row.calls:,} | {row.input_tokens:,} | {row.output_tokens:,} | {thinking} | "
            f"{usd(row.cost_usd)} | {usd(row.cost_per_case_usd)} |"
        )
    notes = [f"{row.model}: {note}" for row in [*plan.candidates, *plan.judges] for note in row.notes]
    return "\n".join([*lines, "", *[f"- {line}" for line in [*notes, *plan.assumptions]]])
