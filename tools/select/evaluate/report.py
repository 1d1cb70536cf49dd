"""From outcomes to a cost–quality verdict: scores, the Pareto front, the cheapest good-enough model.

Accuracy counts every case: a call that failed is a miss (its count is shown apart).
Cost per case is priced from the tokens each answer used, cached or not, so a re-run
served from the cache still shows what the model costs in production; `spent_usd` is
what this run paid. Latency percentiles cover answers that came from the provider.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from llmwright.cost import DAYS_PER_MONTH
from llmwright.usage import percentile

from .plan import EvalPlan
from .run import CandidateRun, Outcome


class CaseResult(BaseModel):
    id: str
    passed: bool
    check: str
    answer: str | None = Field(description="the answer, first 300 characters, secrets scrubbed")
    why: str = Field("", description="for a miss: what the check found wrong")
    error: str | None = Field(None, description="the call's error when it failed")
    latency_ms: float | None
    cached: bool
    cost_usd: float | None
    judge_cost_usd: float | None = Field(None, description="a judged case: the judge call's cost, not the candidate's")


class CandidateScore(BaseModel):
    model: str
    status: Literal["ok", "failed"] = Field(description="failed: no call answered; the error says why")
    error: str | None = None
    cases: int
    passed: int
    accuracy: float = Field(description="passed / cases; failed calls count as misses")
    errors: int = Field(description="calls that failed")
    cached: int = Field(description="answers served from the response cache")
    latency_ms_p50: float | None
    latency_ms_p95: float | None
    cost_per_case_usd: float | None = Field(description="mean over answered cases; None when the price is unknown")
    cost_total_usd: float | None = Field(description="production cost of every answered case")
    cost_per_month_usd: float | None = Field(None, description="at requests_per_day, 30 days")
    spent_usd: float = Field(description="what this run paid for the candidate's answers (cached answers are free)")
    judge_cost_usd: float = Field(0.0, description="judge calls grading this candidate, priced from their tokens")
    judge_spent_usd: float = Field(0.0, description="what this run paid for those judge calls")
    pareto: bool = Field(False, description="no other candidate is as accurate and as cheap, and better on one")
    meets_target: bool = False
    results: list[CaseResult] = Field(default_factory=list)


class Gate(BaseModel):
    """`--fail-under`: the accuracy the chosen candidate must reach for the run to pass (CI)."""

    fail_under: float
    model: str | None = Field(description="the chosen candidate: the pick, else the closest; None if none answered")
    accuracy: float | None
    passed: bool


class EvalReport(BaseModel):
    schema_version: str = "1"
    source: str = Field(description="the eval file, or 'inline'")
    cases: int
    checks: dict[str, int] = Field(description="cases per check kind")
    target_accuracy: float
    recommended: str | None = Field(description="the cheapest candidate at or above target_accuracy")
    closest: str | None = Field(None, description="when none meets the target: the most accurate candidate")
    candidates: list[CandidateScore] = Field(description="most accurate first, then cheapest; failed last")
    verdict: list[str]
    concurrency: int
    requests_per_day: float | None = None
    elapsed_s: float
    judge_cost_usd: float = Field(0.0, description="every judge call, priced from its tokens; not in any $/case")
    judge_spent_usd: float = Field(0.0, description="what this run paid for judge calls")
    gate: Gate | None = Field(None, description="set with fail_under: whether the chosen candidate reached it")
    plan: EvalPlan | None = Field(None, description="a dry run: the estimated tokens and dollars; nothing was called")
    data_version: str = Field(description="the catalog prices were taken from")


def _ms(values: list[float], q: int) -> float | None:
    """The q-th latency percentile in ms, to 0.1 ms."""
    value = percentile(values, q)
    return None if value is None else round(value, 1)


def _significant(value: float) -> float:
    """Six significant digits: sums of tiny prices otherwise print as 2.4000000000000003e-06."""
    return float(f"{value:.6g}")


def _result(outcome: Outcome) -> CaseResult:
    return CaseResult(
        id=outcome.case.id,
        passed=outcome.passed,
        check=outcome.case.check.kind,
        answer=outcome.answer,
        why=outcome.why,
        error=outcome.error,
        latency_ms=outcome.latency_ms,
        cached=outcome.cached,
        cost_usd=outcome.cost_usd,
        judge_cost_usd=outcome.judge_cost_usd,
    )


def score(run: CandidateRun, requests_per_day: float | None = None) -> CandidateScore:
    outcomes = list(run.outcomes.values())
    answered = [o for o in outcomes if o.error is None]
    latencies = [o.latency_ms for o in answered if o.latency_ms is not None]
    costs = [o.cost_usd for o in answered]
    priced = bool(answered) and all(c is not None for c in costs)
    total = _significant(sum(c for c in costs if c is not None)) if priced else None
    per_case = _significant(total / len(answered)) if total is not None else None
    passed = sum(o.passed for o in outcomes)
    return CandidateScore(
        model=run.model,
        status="ok" if answered else "failed",
        error=None if answered else run.first_error,
        cases=len(outcomes),
        passed=passed,
        accuracy=round(passed / len(outcomes), 4) if outcomes else 0.0,
        errors=len(outcomes) - len(answered),
        cached=sum(o.cached for o in answered),
        latency_ms_p50=_ms(latencies, 50),
        latency_ms_p95=_ms(latencies, 95),
        cost_per_case_usd=per_case,
        cost_total_usd=total,
        cost_per_month_usd=round(per_case * requests_per_day * DAYS_PER_MONTH, 4)
        if per_case is not None and requests_per_day
        else None,
        spent_usd=_significant(sum(o.spent_usd for o in outcomes)),
        judge_cost_usd=_significant(sum(o.judge_cost_usd or 0.0 for o in outcomes)),
        judge_spent_usd=_significant(sum(o.judge_spent_usd for o in outcomes)),
        results=[_result(o) for o in outcomes],
    )


def _comparable(scores: list[CandidateScore]) -> list[CandidateScore]:
    return [s for s in scores if s.status == "ok" and s.cost_per_case_usd is not None]


def mark_pareto(scores: list[CandidateScore]) -> None:
    """Pareto-optimal: no other candidate is at least as accurate and at least as cheap, strictly better on one."""
    pool = _comparable(scores)
    for s in pool:
        s.pareto = not any(
            o is not s
            and o.accuracy >= s.accuracy
            and o.cost_per_case_usd <= s.cost_per_case_usd  # type: ignore[operator]
            and (o.accuracy > s.accuracy or o.cost_per_case_usd < s.cost_per_case_usd)  # type: ignore[operator]
            for o in pool
        )


def pick(scores: list[CandidateScore], target: float) -> tuple[CandidateScore | None, CandidateScore | None]:
    """(cheapest at or above target, None) or (None, the most accurate as the closest)."""
    pool = _comparable(scores)
    for s in pool:
        s.meets_target = s.accuracy >= target
    good = [s for s in pool if s.meets_target]
    if good:
        return min(good, key=lambda s: (s.cost_per_case_usd, -s.accuracy, s.model)), None
    ok = [s for s in scores if s.status == "ok"]
    if not ok:
        return None, None
    return None, max(ok, key=lambda s: (s.accuracy, -(s.cost_per_case_usd or float("inf")), s.model))


def money(value: float | None) -> str:
    if value is None:
        return "unknown"
    return f"${value:,.2f}" if value >= 1 else f"${value:.6f}"


def verdict(
    scores: list[CandidateScore], target: float, best: CandidateScore | None, closest: CandidateScore | None
) -> list[str]:
    lines: list[str] = []
    if best is not None:
        line = (
            f"{best.model} is the cheapest candidate at or above {target:.0%} accuracy: "
            f"{best.accuracy:.0%} for {money(best.cost_per_case_usd)} a case"
        )
        better = [s for s in _comparable(scores) if s.accuracy > best.accuracy]
        if better and best.cost_per_case_usd:
            top = max(better, key=lambda s: (s.accuracy, -(s.cost_per_case_usd or 0)))
            factor = (top.cost_per_case_usd or 0) / best.cost_per_case_usd
            line += f"; {top.model} scores {top.accuracy:.0%} at {factor:.1f}x the cost"
        lines.append(line + ".")
    elif closest is not None:
        lines.append(
            f"No candidate reaches {target:.0%} accuracy; closest is {closest.model} at {closest.accuracy:.0%} "
            f"({money(closest.cost_per_case_usd)} a case). Improve the prompt or try stronger models."
        )
    else:
        lines.append("No candidate answered; see the errors below.")
    front = [s.model for s in scores if s.pareto]
    if front:
        lines.append(f"Pareto-optimal (no other is both as accurate and as cheap): {', '.join(front)}.")
    for s in scores:
        if s.status == "failed":
            lines.append(f"{s.model} failed, no case answered: {s.error}")
        elif s.errors:
            lines.append(f"{s.model}: {s.errors} of {s.cases} calls failed and count as misses.")
        elif s.cost_per_case_usd is None:
            lines.append(f"{s.model} has no known price; it is left out of the cost comparison.")
    cached = sum(s.cached for s in scores)
    if cached:
        lines.append(
            f"{cached} answers came from the response cache: costs are priced from their tokens, latency "
            "leaves them out (--no-cache to measure again)."
        )
    return lines


def gate(fail_under: float, best: CandidateScore | None, closest: CandidateScore | None) -> Gate:
    chosen = best or closest
    accuracy = chosen.accuracy if chosen else None
    return Gate(
        fail_under=fail_under,
        model=chosen.model if chosen else None,
        accuracy=accuracy,
        passed=accuracy is not None and accuracy >= fail_under,
    )


def build_report(runs: list[CandidateRun], target: float, fail_under: float | None = None, **fields: Any) -> EvalReport:
    scores = [score(run, fields.get("requests_per_day")) for run in runs]
    mark_pareto(scores)
    best, closest = pick(scores, target)
    ordered = sorted(
        scores,
        key=lambda s: (s.status != "ok", -s.accuracy, s.cost_per_case_usd is None, s.cost_per_case_usd or 0, s.model),
    )
    checks: dict[str, int] = {}
    for outcome in runs[0].outcomes.values() if runs else []:
        checks[outcome.case.check.kind] = checks.get(outcome.case.check.kind, 0) + 1
    lines = verdict(ordered, target, best, closest)
    judge_cost = _significant(sum(s.judge_cost_usd for s in scores))
    if judge_cost or any(s.judge_spent_usd for s in scores):
        lines.append(
            f"Judge calls cost {money(judge_cost)} at list prices ({money(sum(s.judge_spent_usd for s in scores))} "
            "paid this run); they are not in any candidate's cost per case."
        )
    checked = gate(fail_under, best, closest) if fail_under is not None else None
    if checked is not None:
        outcome = "passes" if checked.passed else "FAILS"
        lines.append(
            f"Gate --fail-under {checked.fail_under:.0%}: {checked.model or 'no candidate'} at "
            f"{checked.accuracy if checked.accuracy is not None else 0:.0%} {outcome}."
        )
    return EvalReport(
        cases=scores[0].cases if scores else 0,
        checks=checks,
        target_accuracy=target,
        recommended=best.model if best else None,
        closest=closest.model if closest else None,
        candidates=ordered,
        verdict=lines,
        judge_cost_usd=judge_cost,
        judge_spent_usd=_significant(sum(s.judge_spent_usd for s in scores)),
        gate=checked,
        **fields,
    )


def dry_run_report(plan: EvalPlan, checks: dict[str, int], target: float, concurrency: int) -> EvalReport:
    """A dry run in the report's shape, for doors that return one type: nothing ran, `plan` says what it would cost."""
    total = money(plan.total_usd)
    return EvalReport(
        source=plan.source,
        cases=plan.cases,
        checks=checks,
        target_accuracy=target,
        recommended=None,
        candidates=[],
        verdict=[f"Dry run: nothing was called. The whole eval would cost about {total} at list prices."],
        concurrency=concurrency,
        elapsed_s=0.0,
        plan=plan,
        data_version=plan.data_version,
    )
