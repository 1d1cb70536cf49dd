"""Prices from `genai-prices`, the price authority: it ships its data and works offline.

Its data holds dated price changes (some in the future), so every look-up takes the
moment to price at; tests pass a fixed one. `llmwright models --update` fetches newer
data with genai-prices' own updater (`UpdatePrices`) and keeps it in the user data dir;
the providers it holds replace the shipped ones of the same id.
"""

from __future__ import annotations

import logging
import pickle
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from genai_prices import __version__ as GENAI_PRICES_VERSION
from genai_prices import data_snapshot
from genai_prices.types import ModelInfo as GenaiModel
from genai_prices.types import ModelPrice, PriceCalculation, TieredPrices, Usage

from ..paths import data_dir
from .lifecycle import now
from .model import Prices

BATCH_CONTEXT = {"processing": "batch"}
PRICES_FILE = "genai-prices.pickle"
# The day this release's maintainers last checked the installed genai-prices data.
SHIPPED_PRICES_CHECKED = date(2026, 11, 23)
logger = logging.getLogger("llmwright.catalog")


@dataclass(frozen=True)
class PriceData:
    """The genai-prices providers in use, and whether they come from a refresh."""

    providers: dict[str, Any]
    refreshed: date | None

    @property
    def checked(self) -> date:
        return self.refreshed or SHIPPED_PRICES_CHECKED

    @property
    def label(self) -> str:
        if self.refreshed:
            return f"genai-prices {GENAI_PRICES_VERSION} + data refreshed {self.refreshed}"
        return f"genai-prices {GENAI_PRICES_VERSION}"


def prices_file() -> Path:
    return data_dir() / PRICES_FILE


def _refreshed() -> tuple[list[Any], date] | None:
    """What `models --update` saved, when it was saved by this genai-prices version."""
    path = prices_file()
    if not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            saved = pickle.load(handle)
        if saved.get("genai_prices") != GENAI_PRICES_VERSION:
            logger.info("refreshed prices in %s are for another genai-prices version; using the shipped data", path)
            return None
        return list(saved["providers"]), date.fromisoformat(saved["fetched"])
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, KeyError, TypeError, ValueError):
        logger.warning("refreshed prices in %s are unreadable; using the shipped data", path)
        return None


@cache
def price_data() -> PriceData:
    providers = {provider.id: provider for provider in data_snapshot.get_snapshot().providers}
    refreshed = _refreshed()
    if refreshed is None:
        return PriceData(providers=providers, refreshed=None)
    fetched, when = refreshed
    providers.update({provider.id: provider for provider in fetched})
    return PriceData(providers=providers, refreshed=when)


def _providers() -> dict[str, Any]:
    return price_data().providers


def price_source() -> str:
    return price_data().label


def genai_models(provider_id: str) -> list[GenaiModel]:
    provider = _providers().get(provider_id)
    return list(provider.models) if provider else []


def find_genai_model(provider_id: str, model_id: str) -> GenaiModel | None:
    """The genai-prices entry whose match rules accept `model_id` (dated ids included).

    A provider that resells others' models (Azure's OpenAI models, Vertex's Claude) falls
    back to their first-party prices, as genai-prices itself does.
    """
    providers = _providers()
    provider = providers.get(provider_id)
    if provider is None:
        return None
    return provider.find_model(model_id.lower(), all_providers=list(providers.values()))


def _base(value: Decimal | TieredPrices | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, TieredPrices):
        return float(value.base)
    return float(value)


def prices_of(model: GenaiModel, at: datetime | None = None) -> Prices:
    when = at or now()
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
        source=price_source(),
    )


def _has_batch(model: GenaiModel, at: datetime) -> bool:
    for variant in model.price_variants or ():
        active = variant.constraint is None or variant.constraint.active(at)
        if active and variant.when.get("processing") == "batch":
            return True
    return False


def has_batch(model: GenaiModel, at: datetime | None = None) -> bool:
    return _has_batch(model, at or now())


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
    return model.calc_price(usage, provider, genai_request_timestamp=at or now(), price_context=context)


def model_price(model: GenaiModel, at: datetime | None = None) -> ModelPrice:
    return model.get_prices(at or now())
