"""Prices from `genai-prices`, the price authority: it ships its data and works offline.

Its data holds dated price changes (some in the future), so every look-up takes the
moment to price at; tests pass a fixed one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from genai_prices import __version__ as GENAI_PRICES_VERSION
from genai_prices import data_snapshot
from genai_prices.types import ModelInfo as GenaiModel
from genai_prices.types import ModelPrice, PriceCalculation, TieredPrices, Usage

from .model import Prices

BATCH_CONTEXT = {"processing": "batch"}
PRICE_SOURCE = f"genai-prices {GENAI_PRICES_VERSION}"


@cache
def _providers() -> dict[str, Any]:
    return {provider.id: provider for provider in data_snapshot.get_snapshot().providers}


def genai_models(provider_id: str) -> list[GenaiModel]:
    provider = _providers().get(provider_id)
    return list(provider.models) if provider else []


def find_genai_model(provider_id: str, model_id: str) -> GenaiModel | None:
    """The genai-prices entry whose match rules accept `model_id` (dated ids included)."""
    provider = _providers().get(provider_id)
    if provider is None:
        return None
    return provider.find_model(model_id.lower())


def _base(value: Decimal | TieredPrices | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, TieredPrices):
        return float(value.base)
    return float(value)


def prices_of(model: GenaiModel, at: datetime | None = None) -> Prices:
    when = at or datetime.now(tz=UTC)
    standard = model.get_prices(when)
    batch = model.get_prices(when, BATCH_CONTEXT) if _has_batch(model, when) else None
    tiers = [tier.start for v in vars(standard).values() if isinstance(v, TieredPrices) for tier in v.tiers]
    return Prices(
        input=_base(standard.input_mtok),
        output=_base(standard.output_mtok),
        cache_read=_base(standard.cache_read_mtok),
        cache_write=_base(standard.cache_write_mtok),
        batch_input=_base(batch.input_mtok) if batch else None,
        batch_output=_base(batch.output_mtok) if batch else None,
        tiered=bool(tiers),
        tier_threshold=min(tiers) if tiers else None,
        source=PRICE_SOURCE,
    )


def _has_batch(model: GenaiModel, at: datetime) -> bool:
    for variant in model.price_variants or ():
        active = variant.constraint is None or variant.constraint.active(at)
        if active and variant.when.get("processing") == "batch":
            return True
    return False


def has_batch(model: GenaiModel, at: datetime | None = None) -> bool:
    return _has_batch(model, at or datetime.now(tz=UTC))


def calc(
    model: GenaiModel,
    provider_id: str,
    *,
    input_tokens: int,
    output_tokens: int,
    cache_read_tokens: int = 0,
    cache_write_tokens: int = 0,
    batch: bool = False,
    at: datetime | None = None,
) -> PriceCalculation:
    """Price one call. genai-prices counts cache tokens as part of `input_tokens`."""
    usage = Usage(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cache_read_tokens=cache_read_tokens,
        cache_write_tokens=cache_write_tokens,
    )
    provider = _providers()[provider_id]
    context = BATCH_CONTEXT if batch else None
    return model.calc_price(usage, provider, genai_request_timestamp=at, price_context=context)


def model_price(model: GenaiModel, at: datetime | None = None) -> ModelPrice:
    return model.get_prices(at or datetime.now(tz=UTC))
