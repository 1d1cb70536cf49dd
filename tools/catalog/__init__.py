"""The model catalog: providers, prices, windows, capabilities and status, offline."""

from .catalog import Catalog, catalog_at, get_catalog, parse_capability, split_ref
from .model import CAPABILITIES, Capability, ModelInfo, Prices

__all__ = [
    "CAPABILITIES",
    "Capability",
    "Catalog",
    "ModelInfo",
    "Prices",
    "catalog_at",
    "get_catalog",
    "parse_capability",
    "split_ref",
]
