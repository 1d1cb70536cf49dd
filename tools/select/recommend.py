"""Requirements in, a justified primary + fallback chain out, never breaking a hard constraint.

Defaults a user would otherwise have to know to ask for, each stated in the output when it applies:
hosted models only unless a local runtime is asked for (or configured); preview models and, for
latency-bound tasks, models that think before answering are never the primary unless asked;
input tokens are the stated context; unknown residency or latency fails a stated requirement.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from ..catalog import TIERS, Catalog, ModelInfo, Ratings, get_catalog, is_preview, load_ratings
from ..cost import DAYS_PER_MONTH
from ..errors import InvalidInput
from ..providers import provider_rows, suggestible
from .binding import Binding, binding_constraints
from .constraints import (
    Candidate,
    Violation,
    estimate_p95_s,
    latency_gap,
    price,
    required_tier,
    thinking_tokens,
    violations,
)
from .infer import infer_complexity, infer_kind
from .measured import Measured, load_measured
from .quality import quality_for
from .rank import rank
from .requirements import TYPICAL_TOKENS, Requirements

if TYPE_CHECKING:
    from ..config import Config


class BenchmarkFigure(BaseModel):
    benchmark: str
    value: float
    unit: str
    run: str
    source: str
    licence: str
    date: str


class Choice(BaseModel):
    model: str
    provider: str
    hosting: str
    tier: str
    tier_source: str = Field("", description="where the tier comes from; llmwright-heuristic is a labelled guess")
    quality: float = Field(description="tier score moved by the benchmark figure for this task kind, when there is one")
    quality_evidence: str = Field("", description="the figure the quality rests on, or 'no benchmark data'")
    benchmark: BenchmarkFigure | None = None
    cost_per_request_usd: float
    cost_per_month_usd: float | None
    thinking_tokens: int | None = Field(None, description="hidden thinking tokens a request adds; None = unmeasured")
    thinks: bool | None = Field(None, description="reasons before answering by default; None = not known")
    p95_s: float | None = Field(None, description="the p95 used in ranking: measured, else estimated; None = no data")
    latency_evidence: str = ""
    p95_s_estimate: float | None = Field(None, description="from the latency table, thinking included")
    p95_s_measured: float | None = Field(None, description="from the usage ledger, when it has enough recent calls")
    error_rate_measured: float | None = Field(None, description="retryable failures per attempt, usage ledger")
    context_window: int | None
    capabilities: list[str]
    preview: bool = False
    score: float


class StepDown(BaseModel):
    """A cheaper model of a lower tier that fits every other constraint, and what choosing it gives up."""

    model: str
    tier: str
    cost_per_request_usd: float
    saving_pct: float
    gives_up: str


class MeasuredLatency(BaseModel):
    model: str
    calls: int
    errors: int
    error_rate: float
    p50_s: float | None
    p95_s: float | None
    p95_s_estimate: float | None = Field(description="what the latency table would have said; None = no data")
    since: str
    until: str


class Rejected(BaseModel):
    model: str
    reasons: list[str]


class Recommendation(BaseModel):
    schema_version: str = "2"
    task: str
    kind: str
    kind_inferred: bool
    complexity: str
    complexity_inferred: bool
    required_tier: str
    input_tokens: int
    output_tokens: int
    tokens_assumed: bool = Field(description="typical tokens for the task kind were assumed")
    primary: Choice | None
    fallbacks: list[Choice] = Field(default_factory=list)
    budget_option: Choice | None = None
    step_down: list[StepDown] = Field(
        default_factory=list, description="cheaper lower-tier models and what they give up"
    )
    matrix: list[Choice] = Field(default_factory=list, description="the top candidates side by side")
    justification: list[str] = Field(default_factory=list)
    rules: list[str] = Field(default_factory=list, description="defaults that shaped this answer")
    tradeoffs: list[str] = Field(default_factory=list)
    binding: list[Binding] = Field(default_factory=list, description="when nothing fits: each constraint's effect")
    relax: list[str] = Field(default_factory=list, description="when nothing fits: what to relax and what it buys")
    route_snippet: str = ""
    monthly_cost_usd: float | None = None
    rejected: list[Rejected] = Field(default_factory=list)
    measured: list[MeasuredLatency] = Field(
        default_factory=list, description="models whose usage-ledger latency and error rate were used in ranking"
    )
    ledger: str | None = Field(None, description="the usage ledger read for measured figures")
    considered: int
    data_version: str


def _choice(candidate: Candidate, req: Requirements, ratings: Ratings, score: float) -> Choice:
    m, rating = candidate.model, candidate.rating
    per_month = candidate.cost_per_day * DAYS_PER_MONTH if candidate.cost_per_day is not None else None
    measured = candidate.measured
    quality = quality_for(rating, req.kind or "chat", ratings)
    figure = None
    if quality.score is not None:
        s = quality.score
        figure = BenchmarkFigure(
            benchmark=s.benchmark,
            value=s.value,
            unit=ratings.benchmarks[s.benchmark].unit,
            run=s.run,
            source=s.source,
            licence=s.licence,
            date=s.date,
        )
    estimate = estimate_p95_s(rating, req.output_tokens or 0, req.input_tokens or 0)
    return Choice(
        model=m.ref,
        provider=m.provider,
        hosting=m.hosting,
        tier=rating.tier,
        tier_source=rating.tier_source,
        quality=quality.value,
        quality_evidence=quality.evidence,
        benchmark=figure,
        cost_per_request_usd=candidate.cost_per_request,
        cost_per_month_usd=per_month,
        thinking_tokens=thinking_tokens(rating),
        thinks=rating.thinks,
        p95_s=candidate.p95_s,
        latency_evidence=_latency_evidence(candidate, estimate, req),
        p95_s_estimate=estimate,
        p95_s_measured=measured.p95_s if measured else None,
        error_rate_measured=measured.error_rate if measured else None,
        context_window=m.context_window,
        capabilities=list(m.capabilities),
        preview=is_preview(m),
        score=score,
    )


def _latency_evidence(candidate: Candidate, estimate: float | None, req: Requirements) -> str:
    if candidate.latency_measured and candidate.measured is not None:
        return f"measured on your usage ledger ({candidate.measured.calls} calls)"
    latency = candidate.rating.latency
    if estimate is not None and latency is not None:
        licence = latency.licence.split(",")[0]
        return f"estimated from {latency.probes:,} probes ({licence}, {latency.date}): {latency.source}"
    return latency_gap(candidate.rating, req.input_tokens or 0)


def _validate(req: Requirements, catalog: Catalog) -> Requirements:
    if req.local_only and any(catalog.providers[catalog.provider_name(p)].hosting == "hosted" for p in req.providers):
        raise InvalidInput(
            "local-only contradicts the hosted providers listed; drop --local-only or the hosted providers"
        )
    providers = [catalog.provider_name(p) for p in req.providers]
    excluded = [catalog.provider_name(p) for p in req.exclude_providers]
    kind = req.kind or infer_kind(req.task)
    needs = list(dict.fromkeys([*req.needs, *(["vision"] if kind == "vision" else [])]))
    typical_in, typical_out = TYPICAL_TOKENS[kind]
    return req.model_copy(
        update={
            "providers": providers,
            "exclude_providers": excluded,
            "kind": kind,
            "needs": needs,
            "complexity": req.complexity or infer_complexity(req.task, kind),
            "input_tokens": req.input_tokens or req.context_tokens or typical_in,
            "output_tokens": req.output_tokens or typical_out,
        }
    )


def configured_local_providers(config: Config | None) -> list[str]:
    """Local runtimes a configuration sets up (`[providers.ollama]`): their models become candidates."""
    if config is None:
        return []
    rows = provider_rows()
    return sorted({rows[n].catalog_provider for n in config.providers if n in rows and rows[n].hosting == "local"})


def _local_admitted(req: Requirements, configured: Iterable[str]) -> tuple[bool, str]:
    """Whether self-hosted models are candidates, and why (stated in the output)."""
    rows = provider_rows()
    named = [p for p in req.providers if rows[p].hosting == "local"]
    if req.local_only:
        return True, "local-only: self-hosted models only."
    if named:
        return True, f"Self-hosted models are candidates because --providers names {', '.join(named)}."
    configured = list(configured)
    if configured:
        return True, f"Self-hosted models are candidates because llmwright.toml configures {', '.join(configured)}."
    return False, (
        "Hosted models only (the default): self-hosted runtimes (ollama, vllm, lmstudio) cost $0 per token but "
        "need your hardware; ask with --local-only, --providers ollama, or a [providers.ollama] table."
    )


def _pick_primary(
    ranked: list[tuple[Candidate, float]], req: Requirements
) -> tuple[tuple[Candidate, float] | None, list[str]]:
    """The best candidate the defaults let lead, and a line for each kind of candidate passed over."""
    latency_bound = req.latency_p95_s is not None and "reasoning" not in req.needs
    passed: dict[str, list[str]] = {"preview": [], "thinks": []}
    for candidate, score in ranked:
        if is_preview(candidate.model) and not req.allow_preview:
            passed["preview"].append(candidate.model.ref)
        elif latency_bound and candidate.rating.thinks:
            passed["thinks"].append(candidate.model.ref)
        else:
            return (candidate, score), _passed_lines(passed)
    return None, _passed_lines(passed)


def _passed_lines(passed: dict[str, list[str]]) -> list[str]:
    lines = []
    if passed["preview"]:
        lines.append(
            f"Not primary, preview or experimental: {', '.join(passed['preview'][:3])} "
            "(they may change or vanish without notice; --allow-preview to let one lead)."
        )
    if passed["thinks"]:
        lines.append(
            f"Not primary, thinks before answering on a latency-bound task: {', '.join(passed['thinks'][:3])} "
            "(--needs reasoning to accept one)."
        )
    return lines


def _chain(
    ranked: list[tuple[Candidate, float]], primary: Candidate, local_pool: list[tuple[Candidate, float]]
) -> list[tuple[Candidate, float]]:
    rest = [(c, s) for c, s in ranked if c is not primary]
    chain: list[tuple[Candidate, float]] = []
    other = next(((c, s) for c, s in rest if c.model.provider != primary.model.provider), None)
    if other:
        chain.append(other)
    extra = next(((c, s) for c, s in rest if all(c is not x for x, _ in chain)), None)
    if extra:
        chain.append(extra)
    if primary.model.hosting == "hosted" and local_pool:
        chain.append(local_pool[0])  # last resort when every hosted provider is down
    return chain


def _step_down(
    tier_only: list[Candidate], primary: Candidate, req: Requirements, ratings: Ratings, limit: int = 3
) -> list[StepDown]:
    """Cheaper models below the required tier that fit every other constraint, labelled with what they give up."""
    cheaper = sorted(
        (c for c in tier_only if c.cost_per_request < primary.cost_per_request),
        key=lambda c: (-TIERS.index(c.rating.tier), c.cost_per_request, c.model.ref),
    )
    found = []
    for c in cheaper[:limit]:
        saving = 1 - c.cost_per_request / primary.cost_per_request if primary.cost_per_request else 0.0
        found.append(
            StepDown(
                model=c.model.ref,
                tier=c.rating.tier,
                cost_per_request_usd=c.cost_per_request,
                saving_pct=round(saving * 100, 1),
                gives_up=ratings.gives_up(c.rating, primary.rating, req.kind or "chat"),
            )
        )
    return found


def _measured_notes(measured: dict[str, Measured], ratings: Ratings, req: Requirements) -> list[MeasuredLatency]:
    return [
        MeasuredLatency(
            model=ref,
            calls=m.calls,
            errors=m.errors,
            error_rate=m.error_rate,
            p50_s=m.p50_s,
            p95_s=m.p95_s,
            p95_s_estimate=estimate_p95_s(ratings.models[ref], req.output_tokens or 0, req.input_tokens or 0),
            since=m.since,
            until=m.until,
        )
        for ref, m in sorted(measured.items())
        if ref in ratings.models
    ]


def _candidates(
    catalog: Catalog, ratings: Ratings, req: Requirements, measured: dict[str, Measured], allow_local: bool
) -> tuple[list[Candidate], list[tuple[ModelInfo, Candidate | None, list[Violation]]]]:
    eligible: list[Candidate] = []
    rejected: list[tuple[ModelInfo, Candidate | None, list[Violation]]] = []
    for ref, rating in sorted(ratings.models.items()):
        model = catalog.resolve(ref)
        if model.status == "retired" or not suggestible(model.provider, req.providers) or model.free_trial_tier:
            continue
        candidate = price(model, rating, req, measured.get(ref), catalog.priced_at)
        found = violations(model, rating, candidate, req, allow_local)
        if found:
            rejected.append((model, candidate, found))
        elif candidate is not None:
            eligible.append(candidate)
    return eligible, rejected


def recommend(
    requirements: Requirements,
    catalog: Catalog | None = None,
    ledger: str | Path | None = None,
    config: Config | None = None,
) -> Recommendation:
    """`ledger`: a usage ledger whose measured latency and error rates replace the table's estimates;
    `config`: the configuration whose local runtimes (`[providers.ollama]`) make self-hosted models candidates."""
    catalog = catalog or get_catalog()
    req = _validate(requirements, catalog)
    ratings = load_ratings(catalog)
    measured = load_measured(ledger, catalog)
    allow_local, hosting_rule = _local_admitted(req, configured_local_providers(config))
    eligible, rejected = _candidates(catalog, ratings, req, measured, allow_local)
    ranked = rank(eligible, req, ratings)
    picked, passed = _pick_primary(ranked, req)
    rules = [hosting_rule, *passed]
    base = {
        "task": req.task,
        "kind": req.kind,
        "kind_inferred": requirements.kind is None,
        "complexity": req.complexity,
        "complexity_inferred": requirements.complexity is None,
        "input_tokens": req.input_tokens,
        "output_tokens": req.output_tokens,
        "tokens_assumed": (requirements.input_tokens is None and requirements.context_tokens is None)
        or requirements.output_tokens is None,
        "required_tier": required_tier(req),
        "rejected": [Rejected(model=m.ref, reasons=[v.reason for v in found]) for m, _, found in rejected],
        "measured": _measured_notes(measured, ratings, req),
        "ledger": str(ledger) if ledger is not None else None,
        "considered": len(ratings.models),
        "data_version": f"{catalog.data_version}; ratings {ratings.version}",
    }
    if picked is None:
        bindings = binding_constraints(rejected, ranked, req, ratings)
        return Recommendation(**base, primary=None, rules=rules, binding=bindings, relax=[b.advice for b in bindings])
    primary, primary_score = picked
    tier_only = [c for m, c, found in rejected if c is not None and {v.constraint for v in found} == {"tier"}]
    local_pool = rank([c for c in tier_only if c.model.hosting == "local"], req, ratings) if allow_local else []
    chain = _chain(ranked, primary, local_pool)
    options = [(c, s) for c, s in ranked if c is not primary and (req.allow_preview or not is_preview(c.model))]
    cheapest = min(options, key=lambda pair: (pair[0].cost_per_request, pair[0].model.ref), default=None)
    from .explain import justify, measured_lines, route_snippet, tradeoffs

    choice = _choice(primary, req, ratings, primary_score)
    fallbacks = [_choice(c, req, ratings, s) for c, s in chain]
    budget = None
    if cheapest is not None and cheapest[0].cost_per_request < primary.cost_per_request:
        budget = _choice(cheapest[0], req, ratings, cheapest[1])
    return Recommendation(
        **base,
        primary=choice,
        fallbacks=fallbacks,
        budget_option=budget,
        step_down=_step_down(
            [c for c in tier_only if c.model.hosting == "hosted" or allow_local], primary, req, ratings
        ),
        matrix=[_choice(c, req, ratings, s) for c, s in ranked[:8]],
        justification=[
            *justify(req, requirements, choice, fallbacks, len(eligible), len(rejected)),
            *measured_lines(base["measured"]),
        ],
        rules=rules,
        tradeoffs=tradeoffs(choice, fallbacks, budget),
        route_snippet=route_snippet(req, choice, fallbacks),
        monthly_cost_usd=choice.cost_per_month_usd,
    )
