"""`provider_status`: what an operator needs to see per provider, and nothing secret."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from llmwright.config import Config
from llmwright.usage import percentile

if TYPE_CHECKING:
    from .link import Link
    from .shared import Shared


class ProviderStatus(BaseModel):
    provider: str
    kind: str
    base_url: str
    key_env: str | None = Field(None, description="the variable name only, never its value")
    configured: bool
    breaker: str
    consecutive_failures: int
    cooling_down: bool = Field(False, description="a 429's Retry-After holds calls back right now")
    limiter: dict[str, float | None]
    recent_calls: int
    error_rate: float | None
    latency_ms_p50: float | None
    latency_ms_p95: float | None
    spent_today_usd: float = 0.0
    spent_today_tokens: float = 0.0
    budget_warnings: list[str] = Field(default_factory=list)
    shared: str = Field("", description="whose limits, budgets and breakers these are: this process's or Redis's")


async def provider_status(link: Link, shared: Shared, config: Config) -> ProviderStatus:
    settings = link.provider.settings
    recent = list(link.recent)
    latencies = [latency for ok, latency in recent if ok]
    tokens, usd = await shared.budgets.spent(f"provider:{link.name}")
    breaker = await link.breaker.read()
    warnings = []
    o = settings.options
    warn = config.gateway.budget_warn_at
    if o.daily_usd and usd >= warn * o.daily_usd:
        warnings.append(f"${usd:.4f} of ${o.daily_usd:g} daily budget used")
    if o.daily_tokens and tokens >= warn * o.daily_tokens:
        warnings.append(f"{tokens:g} of {o.daily_tokens} daily tokens used")
    return ProviderStatus(
        provider=link.name,
        kind=settings.kind,
        base_url=settings.base_url,
        key_env=settings.api_key_env or None,
        configured=not settings.api_key_env or bool(settings.api_key()),
        breaker=breaker.state,
        consecutive_failures=breaker.failures,
        cooling_down=breaker.cooling_down,
        limiter=await link.limiter.headroom(),
        recent_calls=len(recent),
        error_rate=round(sum(not ok for ok, _ in recent) / len(recent), 4) if recent else None,
        latency_ms_p50=_ms(percentile(latencies, 50)),
        latency_ms_p95=_ms(percentile(latencies, 95)),
        spent_today_usd=round(usd, 6),
        spent_today_tokens=tokens,
        budget_warnings=warnings,
        shared=shared.describe(),
    )


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
