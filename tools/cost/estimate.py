"""What a call costs, and what a workload costs per day and month.

Assumptions, stated so users can check them: a month is 30 days; with a cache-hit
ratio r, r of the input tokens are billed at the cache-read price and the rest at the
input price (cache writes are not modelled unless asked); reasoning tokens are billed
as output; the batch option uses the provider's batch price where it has one.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from ..catalog import ModelInfo, calc, find_genai_model, has_batch
from ..errors import InvalidInput, PriceUnknown
from ..providers import provider_rows

DAYS_PER_MONTH = 30
MAX_REQUESTS_PER_DAY = 10**10


class Workload(BaseModel):
    """One call's tokens and how often it runs."""

    input_tokens: int = Field(ge=0)
    output_tokens: int = Field(0, ge=0, description="expected output tokens billed per call")
    reasoning_tokens: int = Field(0, ge=0, description="hidden reasoning tokens, billed as output")
    requests_per_day: float | None = Field(None, ge=0, le=MAX_REQUESTS_PER_DAY)
    cache_hit: float = Field(0.0, ge=0.0, le=1.0, description="share of input tokens read from the prompt cache")
    cache_write_tokens: int = Field(0, ge=0, description="input tokens written to the cache per call")
    batch: bool = False


class CostEstimate(BaseModel):
    model: str
    per_call_usd: float
    input_usd: float
    output_usd: float
    per_day_usd: float | None = None
    per_month_usd: float | None = None
    batch_applied: bool = False
    cache_read_tokens: int = 0
    price_source: str
    notes: list[str] = Field(default_factory=list)


def validate_workload(workload: Workload) -> None:
    if workload.cache_write_tokens > workload.input_tokens:
        raise InvalidInput("cache_write_tokens cannot exceed input tokens")


def estimate_cost(model: ModelInfo, workload: Workload, at: datetime | None = None) -> CostEstimate:
    validate_workload(workload)
    if model.prices is None:
        raise PriceUnknown(model.ref)
    notes: list[str] = []
    cache_read = round(workload.input_tokens * workload.cache_hit)
    output = workload.output_tokens + workload.reasoning_tokens
    if workload.cache_hit and model.prices.cache_read is None and model.hosting == "hosted":
        notes.append(f"{model.ref} has no cache-read price; cached input billed at the full input price")
        cache_read = 0
    spec = provider_rows()[model.provider]
    genai = (
        find_genai_model(spec.genai_prices, model.model) if spec.genai_prices and model.hosting == "hosted" else None
    )
    batch_applied = False
    if genai is not None:
        batch_applied = workload.batch and has_batch(genai, at)
        if workload.batch and not batch_applied:
            notes.append(f"{model.ref} has no batch price; standard prices used")
        priced = calc(
            genai,
            spec.genai_prices,
            input_tokens=workload.input_tokens,
            output_tokens=output,
            cache_read_tokens=cache_read,
            cache_write_tokens=workload.cache_write_tokens,
            batch=batch_applied,
            at=at,
        )
        input_usd, output_usd = float(priced.input_price), float(priced.output_price)
        threshold = model.prices.tier_threshold
        if threshold is not None and workload.input_tokens > threshold:
            notes.append(f"prompts over {threshold:,} input tokens pay {model.provider}'s long-context rate; included")
    else:
        input_usd, output_usd, batch_applied = _flat(model, workload, cache_read, output, notes)
    per_call = float(Decimal(str(input_usd)) + Decimal(str(output_usd)))
    per_day = per_call * workload.requests_per_day if workload.requests_per_day is not None else None
    return CostEstimate(
        model=model.ref,
        per_call_usd=per_call,
        input_usd=input_usd,
        output_usd=output_usd,
        per_day_usd=per_day,
        per_month_usd=per_day * DAYS_PER_MONTH if per_day is not None else None,
        batch_applied=batch_applied,
        cache_read_tokens=cache_read,
        price_source=model.prices.source,
        notes=notes,
    )


def _flat(
    model: ModelInfo, workload: Workload, cache_read: int, output: int, notes: list[str]
) -> tuple[float, float, bool]:
    """Prices from the catalog entry (LiteLLM's table, or zero for local models)."""
    prices = model.prices
    assert prices is not None
    batch = workload.batch and prices.batch_input is not None
    if workload.batch and not batch and model.hosting == "hosted":
        notes.append(f"{model.ref} has no batch price; standard prices used")
    input_rate = (prices.batch_input if batch else prices.input) or 0.0
    output_rate = (prices.batch_output if batch else prices.output) or 0.0
    if prices.input is None or prices.output is None:
        raise PriceUnknown(model.ref)
    read_rate = prices.cache_read if prices.cache_read is not None else input_rate
    write_rate = prices.cache_write if prices.cache_write is not None else input_rate
    fresh = workload.input_tokens - cache_read - workload.cache_write_tokens
    input_usd = (fresh * input_rate + cache_read * read_rate + workload.cache_write_tokens * write_rate) / 1_000_000
    return input_usd, output * output_rate / 1_000_000, batch
