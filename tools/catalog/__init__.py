"""The model catalog: providers, prices, windows, capabilities, status and cited ratings, offline."""

from typing import Any

from .catalog import SNAPSHOT_SUFFIX, Catalog, catalog_at, data_version, get_catalog, parse_capability, split_ref
from .listing import ModelList, list_models
from .model import CAPABILITIES, Capability, ModelInfo, Prices
from .prices import calc, find_genai_model, has_batch
from .ratings import TIERS, Benchmark, Latency, Rating, Ratings, Score, Tier, is_preview, load_ratings

__all__ = [
    "CAPABILITIES",
    "SNAPSHOT_SUFFIX",
    "TIERS",
    "Benchmark",
    "Capability",
    "Catalog",
    "Latency",
    "ModelInfo",
    "ModelList",
    "Prices",
    "Rating",
    "Ratings",
    "Score",
    "Tier",
    "calc",
    "catalog_at",
    "data_version",
    "find_genai_model",
    "get_catalog",
    "has_batch",
    "is_preview",
    "list_models",
    "load_ratings",
    "parse_capability",
    "refresh_litellm",
    "split_ref",
]


def __getattr__(name: str) -> Any:
    """`refresh_litellm` is loaded on use: it needs httpx, which every other catalog user can skip."""
    if name == "refresh_litellm":
        from .refresh import refresh_litellm

        return refresh_litellm
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
