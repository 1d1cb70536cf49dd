"""Prices from `genai-prices`, the price authority: it ships its data and works offline.

Its data holds dated price changes (some in the future), so every look-up takes the
moment to price at; tests pass a fixed one. `llmwright models --update` fetches newer
data with genai-prices' own updater (`UpdatePrices`) and keeps it in the user data dir;
the providers it holds replace the shipped ones of the same id.
"""

from __future__ import annotations

import logging
import pickle
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..paths import data_dir
from .lifecycle import now
from .model import Prices

if TYPE_CHECKING:  # genai-prices is imported on first use: `llmwright models` never needs it
    from genai_prices.types import ModelInfo as GenaiModel
    from genai_prices.types import ModelPrice, PriceCalculation, TieredPrices

BATCH_CONTEXT = {"processing": "batch"}
PRICES_FILE = "genai-prices.pickle"
# The day this release's maintainers last checked the installed genai-prices data.
SHIPPED_PRICES_CHECKED = date(2026, 11, 23)
logger = logging.getLogger("llmwright.catalog")


@cache
def genai_prices_version() -> str:
    return metadata.version("genai-prices")


def prices_file() -> Path:
    return data_dir() / PRICES_FILE


@cache
def refreshed_on() -> date | None:
    """The day `models --update` fetched the prices in use, or None for the shipped data.

    The file holds two pickles, a small header first, so this reads no prices.
    """
    path = prices_file()
    if not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            header = pickle.load(handle)
        if header.get("genai_prices") != genai_prices_version():
            logger.info("refreshed prices in %s are for another genai-prices version; using the shipped data", path)
            return None
        return date.fromisoformat(header["fetched"])
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, KeyError, TypeError, ValueError):
        logger.warning("refreshed prices in %s are unreadable; using the shipped data", path)
        return None


def prices_checked() -> date:
    return refreshed_on() or SHIPPED_PRICES_CHECKED


def price_source() -> str:
    refreshed = refreshed_on()
    version = genai_prices_version()
    return f"genai-prices {version} + data refreshed {refreshed}" if refreshed else f"genai-prices {version}"


def save_refreshed(providers: list[Any], fetched: date, url: str) -> None:
    """What `models --update` fetched: a header, then the providers (see `refreshed_on`)."""
    path = prices_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as handle:
        header = {"genai_prices": genai_prices_version(), "fetched": fetched.isoformat(), "url": url}
        pickle.dump(header, handle, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(providers, handle, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


@cache
def _providers() -> dict[str, Any]:
    """genai-prices' providers by id: the shipped ones, replaced by any refreshed ones of the same id."""
    from genai_prices import data_snapshot

    providers = {provider.id: provider for provider in data_snapshot.get_snapshot().providers}
    if refreshed_on() is None:
        return providers
    try:
        with prices_file().open("rb") as handle:
            pickle.load(handle)
            fetched = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        logger.warning("refreshed prices in %s are unreadable; using the shipped data", prices_file())
        return providers
    providers.update({provider.id: provider for provider in fetched})
    return providers


def clear_prices() -> None:
    """Forget what was read (after `models --update` wrote new prices)."""
    refreshed_on.cache_clear()
    _providers.cache_clear()


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
    from genai_prices.types import TieredPrices

    if value is None:
        return None
    if isinstance(value, TieredPrices):
        return float(value.base)
    return float(value)


def prices_of(model: GenaiModel, at: datetime | None = None) -> Prices:
    when = at or now()
    standard = model.get_prices(when)
    batch = model.get_prices(when, BATCH_CONTEXT) if _has_batch(model, when) else None
    from genai_prices.types import TieredPrices

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
    from genai_prices.types import Usage

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
