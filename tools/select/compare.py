"""A side-by-side matrix for named models on one workload."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from ..catalog import Catalog, get_catalog, load_ratings
from ..cost import DAYS_PER_MONTH, Workload, estimate_cost
from .constraints import estimate_p95_s, thinking_tokens
from .measured import load_measured
from .quality import quality_for
from .requirements import TaskKind


class ComparisonRow(BaseModel):
    model: str
    tier: str | None = Field(description="None when the ratings table does not rate this model")
    quality: float | None
    quality_evidence: str = Field("", description="the benchmark figure behind quality, or 'no benchmark data'")
    thinking_tokens: int | None = Field(None, description="hidden thinking tokens a request adds (in the cost)")
    cost_per_request_usd: float
    cost_per_month_usd: float | None
    p95_s_estimate: float | None = Field(description="from the latency table, thinking included; None = no data")
    p95_s_measured: float | None = Field(None, description="from the usage ledger, when it has enough recent calls")
    error_rate_measured: float | None = Field(None, description="retryable failures per attempt, usage ledger")
    measured_calls: int | None = None
    context_window: int | None
    fits: bool | None
    capabilities: list[str]
    status: str


class Comparison(BaseModel):
    kind: str
    input_tokens: int
    output_tokens: int
    requests_per_day: float | None
    rows: list[ComparisonRow]
    data_version: str


def compare(
    models: list[str],
    kind: TaskKind = "chat",
    input_tokens: int = 1000,
    output_tokens: int = 300,
    requests_per_day: float | None = None,
    catalog: Catalog | None = None,
    ledger: str | Path | None = None,
) -> Comparison:
    catalog = catalog or get_catalog()
    ratings = load_ratings(catalog)
    measured = load_measured(ledger, catalog)
    rows = []
    for ref in models:
        model = catalog.resolve(ref)
        rating = ratings.of(model.ref)
        thinking = thinking_tokens(rating) if rating else 0
        workload = Workload(
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            reasoning_tokens=thinking or 0,
            requests_per_day=requests_per_day,
        )
        cost = estimate_cost(model, workload, catalog.priced_at)
        window = model.context_window
        seen = measured.get(model.ref)
        quality = quality_for(rating, kind, ratings) if rating else None
        rows.append(
            ComparisonRow(
                model=model.ref,
                tier=rating.tier if rating else None,
                quality=quality.value if quality else None,
                quality_evidence=quality.evidence if quality else "not rated: no tier or benchmark data",
                thinking_tokens=thinking,
                cost_per_request_usd=cost.per_call_usd,
                cost_per_month_usd=cost.per_day_usd * DAYS_PER_MONTH if cost.per_day_usd is not None else None,
                p95_s_estimate=estimate_p95_s(rating, output_tokens) if rating else None,
                p95_s_measured=seen.p95_s if seen else None,
                error_rate_measured=seen.error_rate if seen else None,
                measured_calls=seen.calls if seen else None,
                context_window=window,
                fits=None if window is None else window >= input_tokens + output_tokens,
                capabilities=list(model.capabilities),
                status=model.status,
            )
        )
    return Comparison(
        kind=kind,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        requests_per_day=requests_per_day,
        rows=rows,
        data_version=f"{catalog.data_version}; ratings {ratings.version}",
    )
