"""The model catalog: providers, prices, windows, capabilities, status and cited ratings, offline."""

from typing import Any

from .catalog import (
    SNAPSHOT_SUFFIX,
    Catalog,
    catalog_at,
    catalog_loaded,
    clear_catalog,
    get_catalog,
    parse_capability,
    split_ref,
)
from .freshness import STALE_AFTER_DAYS, DataAge, data_age, data_version
from .lifecycle import Status, lifecycle_notice, status_on, today
from .listing import ModelList, list_models
from .model import CAPABILITIES, Capability, ModelInfo, Prices
from .prices import calc, find_genai_model, has_batch
from .ratings import TIERS, Benchmark, Latency, Rating, Ratings, Score, Tier, is_preview, load_ratings

__all__ = [
    "CAPABILITIES",
    "SNAPSHOT_SUFFIX",
    "STALE_AFTER_DAYS",
    "TIERS",
    "Benchmark",
    "Capability",
    "Catalog",
    "CatalogUpdate",
    "DataAge",
    "Latency",
    "ModelInfo",
    "ModelList",
    "Prices",
    "Rating",
    "Ratings",
    "Score",
    "Status",
    "Tier",
    "calc",
    "catalog_at",
    "catalog_loaded",
    "clear_catalog",
    "data_age",
    "data_version",
    "find_genai_model",
    "get_catalog",
    "has_batch",
    "is_preview",
    "lifecycle_notice",
    "list_models",
    "load_ratings",
    "parse_capability",
    "split_ref",
    "status_on",
    "today",
    "update_catalog",
]


def __getattr__(name: str) -> Any:
    """`update_catalog` is loaded on use: it needs httpx, which every other catalog user can skip."""
    if name in ("update_catalog", "CatalogUpdate"):
        from . import refresh

        return getattr(refresh, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
