"""Requirements in, a justified primary + fallback chain out, never breaking a hard constraint."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from ..catalog import Catalog, get_catalog
from ..cost import DAYS_PER_MONTH
from ..errors import InvalidInput
from ..providers import suggestible
from .constraints import Candidate, price, required_tier, violations
from .infer import infer_complexity, infer_kind
from .measured import Measured, load_measured
from .quality import QualityData, estimated_p95_s, load_quality, quality_for
from .rank import rank
from .requirements import TYPICAL_TOKENS, Requirements


class Choice(BaseModel):
    model: str
    provider: str
    hosting: str
    tier: str
    quality: float = Field(description="0-1, for this task kind")
    cost_per_request_usd: float
    cost_per_month_usd: float | None
    p95_s_estimate: float = Field(description="from the model's speed class (quality table)")
    p95_s_measured: float | None = Field(None, description="from the usage ledger; used in ranking when set")
    error_rate_measured: float | None = Field(None, description="retryable failures per attempt, usage ledger")
    context_window: int | None
    capabilities: list[str]
    score: float


class MeasuredLatency(BaseModel):
    """A model whose ledger figures replace the table's latency estimate in ranking."""

    model: str
    calls: int = Field(description="attempts sent in the window")
    errors: int
    error_rate: float
    p50_s: float | None
    p95_s: float | None
    p95_s_estimate: float = Field(description="what the table would have said")
    since: str
    until: str


class Rejected(BaseModel):
    model: str
    reasons: list[str]


class Recommendation(BaseModel):
    schema_version: str = "1"
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
    matrix: list[Choice] = Field(default_factory=list, description="the top candidates side by side")
    justification: list[str] = Field(default_factory=list)
    tradeoffs: list[str] = Field(default_factory=list)
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


def _choice(candidate: Candidate, req: Requirements, score: float) -> Choice:
    m = candidate.model
    per_month = candidate.cost_per_day * DAYS_PER_MONTH if candidate.cost_per_day is not None else None
    measured = candidate.measured
    return Choice(
        model=m.ref,
        provider=m.provider,
        hosting=m.hosting,
        tier=candidate.rating.tier,
        quality=quality_for(candidate.rating, m, req.kind or "chat"),
        cost_per_request_usd=candidate.cost_per_request,
        cost_per_month_usd=per_month,
        p95_s_estimate=estimated_p95_s(candidate.rating, req.output_tokens or 0),
        p95_s_measured=measured.p95_s if measured else None,
        error_rate_measured=measured.error_rate if measured else None,
        context_window=m.context_window,
        capabilities=list(m.capabilities),
        score=score,
    )


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
            "input_tokens": req.input_tokens or typical_in,
            "output_tokens": req.output_tokens or typical_out,
        }
    )


def _chain(ranked: list[tuple[Candidate, float]], req: Requirements, local_pool: list[tuple[Candidate, float]]):
    primary, primary_score = ranked[0]
    chain: list[tuple[Candidate, float]] = []
    other = next(((c, s) for c, s in ranked[1:] if c.model.provider != primary.model.provider), None)
    if other:
        chain.append(other)
    used = {primary.model.ref, *(c.model.ref for c, _ in chain)}
    extra = next(((c, s) for c, s in ranked[1:] if c.model.ref not in used), None)
    if extra:
        chain.append(extra)
    if not req.local_only and primary.model.hosting == "hosted" and local_pool:
        chain.append(local_pool[0])  # last resort when every hosted provider is down
    return (primary, primary_score), chain


def _measured_notes(measured: dict[str, Measured], quality: QualityData, req: Requirements) -> list[MeasuredLatency]:
    return [
        MeasuredLatency(
            model=ref,
            calls=m.calls,
            errors=m.errors,
            error_rate=m.error_rate,
            p50_s=m.p50_s,
            p95_s=m.p95_s,
            p95_s_estimate=estimated_p95_s(quality.ratings[ref], req.output_tokens or 0),
            since=m.since,
            until=m.until,
        )
        for ref, m in sorted(measured.items())
        if ref in quality.ratings
    ]


def recommend(
    requirements: Requirements, catalog: Catalog | None = None, ledger: str | Path | None = None
) -> Recommendation:
    """`ledger`: a usage ledger whose measured latency and error rates replace the table's estimates."""
    catalog = catalog or get_catalog()
    req = _validate(requirements, catalog)
    quality = load_quality(catalog)
    measured = load_measured(ledger, catalog)
    eligible: list[Candidate] = []
    local_fallbacks: list[Candidate] = []
    rejected: list[Rejected] = []
    for ref, rating in sorted(quality.ratings.items()):
        model = catalog.resolve(ref)
        if model.status == "retired" or not suggestible(model.provider, req.providers):
            continue
        if model.free_trial_tier:
            continue
        candidate = price(model, rating, req, measured.get(ref))
        reasons = violations(model, rating, candidate, req)
        if reasons:
            rejected.append(Rejected(model=ref, reasons=reasons))
            relaxed = [r for r in reasons if not r.startswith("quality tier")]
            if model.hosting == "local" and not relaxed and candidate:
                local_fallbacks.append(candidate)  # fits everything but the tier: a last resort only
        elif candidate is not None:
            eligible.append(candidate)
    ranked = rank(eligible, req)
    base = {
        "task": req.task,
        "kind": req.kind,
        "kind_inferred": requirements.kind is None,
        "complexity": req.complexity,
        "complexity_inferred": requirements.complexity is None,
        "input_tokens": req.input_tokens,
        "output_tokens": req.output_tokens,
        "tokens_assumed": requirements.input_tokens is None or requirements.output_tokens is None,
        "required_tier": required_tier(req),
        "rejected": rejected,
        "measured": _measured_notes(measured, quality, req),
        "ledger": str(ledger) if ledger is not None else None,
        "considered": len(quality.ratings),
        "data_version": f"{catalog.data_version}; quality {quality.version}",
    }
    if not ranked:
        return Recommendation(**base, primary=None, relax=_relax_advice(rejected))
    local_ranked = rank(local_fallbacks, req) or [(c, s) for c, s in ranked if c.model.hosting == "local"][:1]
    (primary, primary_score), chain = _chain(
        ranked, req, [pair for pair in local_ranked if pair[0] is not ranked[0][0]]
    )
    cheapest = min(ranked, key=lambda pair: (pair[0].cost_per_request, pair[0].model.ref))
    from .explain import justify, measured_lines, route_snippet, tradeoffs

    choice = _choice(primary, req, primary_score)
    fallbacks = [_choice(c, req, s) for c, s in chain]
    budget = _choice(cheapest[0], req, cheapest[1]) if cheapest[0] is not primary else None
    return Recommendation(
        **base,
        primary=choice,
        fallbacks=fallbacks,
        budget_option=budget,
        matrix=[_choice(c, req, s) for c, s in ranked[:8]],
        justification=[
            *justify(req, choice, fallbacks, len(eligible), len(rejected)),
            *measured_lines(base["measured"]),
        ],
        tradeoffs=tradeoffs(choice, fallbacks, budget),
        route_snippet=route_snippet(req, choice, fallbacks),
        monthly_cost_usd=choice.cost_per_month_usd,
    )


def _relax_advice(rejected: list[Rejected]) -> list[str]:
    """For each constraint, how many models fail only on it: relaxing it buys those."""
    only: dict[str, list[str]] = {}
    for item in rejected:
        kinds = {reason.split(" ")[0] if not reason.startswith("$") else "budget" for reason in item.reasons}
        if len(item.reasons) == 1 or len(kinds) == 1:
            only.setdefault(_constraint_name(item.reasons[0]), []).append(item.model)
    advice = [
        f"relax {name}: {len(models)} model(s) would fit, e.g. {', '.join(models[:3])}"
        for name, models in sorted(only.items(), key=lambda kv: -len(kv[1]))
    ]
    return advice or ["no single constraint blocks everything; relax two (e.g. budget and tier)"]


def _constraint_name(reason: str) -> str:
    for key, name in (
        ("budget", "the cost budget"),
        ("/1M", "the cost budget"),
        ("p95", "the latency budget"),
        ("context window", "the context size"),
        ("lacks", "the required capabilities"),
        ("quality tier", "the quality tier"),
        ("local-only", "local-only"),
        ("provider", "the provider list"),
    ):
        if key in reason:
            return name
    return reason
