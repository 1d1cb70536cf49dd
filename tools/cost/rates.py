"""Per-token rates for pricing real calls fast, derived from `estimate_cost` itself.

Pricing a call through genai-prices takes ~0.2 ms of CPU (it re-derives which unit prices
which token on every call); a gateway under load pays that on every answer. Without tiered
prices, a call's cost is linear in its token counts, so probing `estimate_cost` once with
unit workloads gives exact coefficients, and pricing becomes four multiplications. Rates
are cached per model and hour, so dated price changes still take effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from ..catalog import ModelInfo
from .estimate import Workload, estimate_cost

PROBE_TOKENS = 1_000_000
MAX_CACHED = 1024
_CACHE: dict[tuple[str, datetime], TokenRates] = {}  # (model ref, hour) -> rates


@dataclass(frozen=True)
class TokenRates:
    """USD for one call = per_call + Σ tokens × rate (cache tokens are part of input tokens)."""

    per_call: float
    input: float
    output: float
    cache_read: float
    cache_write: float

    def usd(self, input_tokens: int, output_tokens: int, cache_read_tokens: int, cache_write_tokens: int) -> float:
        return (
            self.per_call
            + input_tokens * self.input
            + output_tokens * self.output
            + cache_read_tokens * self.cache_read
            + cache_write_tokens * self.cache_write
        )


def token_rates(model: ModelInfo) -> TokenRates | None:
    """Rates valid this hour, or None when the price is tiered (not linear) or unknown."""
    if model.prices is None or model.prices.tiered:
        return None
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    key = (model.ref, hour)
    if key not in _CACHE:
        if len(_CACHE) > MAX_CACHED:
            _CACHE.clear()
        _CACHE[key] = _probe(model, hour)
    return _CACHE[key]


def _probe(model: ModelInfo, hour: datetime) -> TokenRates:
    def cost(**workload: int | float) -> float:
        return estimate_cost(model, Workload(**workload), at=hour).per_call_usd  # type: ignore[arg-type]

    n = PROBE_TOKENS
    base = cost(input_tokens=0)
    input_rate = cost(input_tokens=n) - base
    return TokenRates(
        per_call=base,
        input=input_rate / n,
        output=(cost(input_tokens=0, output_tokens=n) - base) / n,
        cache_read=(cost(input_tokens=n, cache_hit=1.0) - base - input_rate) / n,
        cache_write=(cost(input_tokens=n, cache_write_tokens=n) - base - input_rate) / n,
    )
