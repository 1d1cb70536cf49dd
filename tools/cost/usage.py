"""What a call that happened cost: real token usage priced from the catalog."""

from __future__ import annotations

from ..catalog import ModelInfo
from ..errors import LLMWrightError
from ..usage import Usage
from .estimate import Workload, estimate_cost
from .rates import token_rates


def cost_of_usage(info: ModelInfo | None, usage: Usage) -> float | None:
    """USD from the catalog for real usage; None when the model has no known price (never a silent 0)."""
    if info is None or info.prices is None:
        return None
    cached = usage.cache_read_tokens + usage.cache_write_tokens
    rates = token_rates(info) if cached <= usage.input_tokens else None
    if rates is not None:
        usd = rates.usd(usage.input_tokens, usage.output_tokens, usage.cache_read_tokens, usage.cache_write_tokens)
        return round(usd, 10)
    total = max(usage.input_tokens, 1)
    try:
        estimate = estimate_cost(
            info,
            Workload(
                input_tokens=usage.input_tokens,
                output_tokens=usage.output_tokens,  # includes reasoning tokens already
                cache_hit=min(usage.cache_read_tokens / total, 1.0),
                cache_write_tokens=min(usage.cache_write_tokens, usage.input_tokens),
            ),
        )
    except LLMWrightError:
        return None
    return round(estimate.per_call_usd, 10)
