"""Readers for the catalog's data files: the curated overlay and LiteLLM's table (providers: `llmwright.providers`).

LiteLLM's `model_prices_and_context_window.json` (MIT, see data/LITELLM_LICENSE) gives
windows, output limits, capabilities and deprecation dates. We ship a trimmed copy and
never import `litellm` itself: it is slow to import and touches the network.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..paths import data_dir
from ..providers import ProviderRow
from .model import CAPABILITIES, Capability

LITELLM_FILE = "litellm_models.json"
LITELLM_META_KEY = "_llmwright_meta"
KEEP_MODES = {"chat", "responses", "completion", None}


@dataclass
class CuratedData:
    version: str
    rows: list[dict[str, Any]] = field(default_factory=list)


def _data_text(name: str) -> str:
    return resources.files("llmwright.catalog").joinpath("data").joinpath(name).read_text(encoding="utf-8")


@cache
def load_curated() -> CuratedData:
    try:
        raw = tomllib.loads(_data_text("curated.toml"))
    except FileNotFoundError:
        return CuratedData(version="none")
    return CuratedData(version=str(raw.get("meta", {}).get("version", "unknown")), rows=raw.get("models", []))


def override_file() -> Path:
    """Where `models --update` keeps the refreshed model table."""
    return data_dir() / LITELLM_FILE


@cache
def load_litellm() -> dict[str, dict[str, Any]]:
    """The refreshed copy from `models --update` if there is one, else the shipped copy."""
    override = override_file()
    if override.is_file():
        try:
            return json.loads(override.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass  # a damaged refresh must not break the catalog: fall back to the shipped data
    return json.loads(_data_text(LITELLM_FILE))


def litellm_version() -> str:
    meta = load_litellm().get(LITELLM_META_KEY, {})
    return f"litellm {meta.get('litellm_version', '?')} (extracted {meta.get('extracted', '?')})"


def litellm_checked() -> date:
    """The day the model table in use was extracted (shipped) or refreshed."""
    extracted = str(load_litellm().get(LITELLM_META_KEY, {}).get("extracted", ""))
    try:
        return date.fromisoformat(extracted)
    except ValueError:
        return date.min


def trim_litellm(raw: dict[str, Any], providers: dict[str, ProviderRow], meta: dict[str, str]) -> dict[str, Any]:
    """Keep only text-generation entries of providers we know; the rest is dead weight."""
    wanted = {key for spec in providers.values() for key in spec.litellm}
    kept = {
        name: entry
        for name, entry in raw.items()
        if isinstance(entry, dict) and entry.get("litellm_provider") in wanted and entry.get("mode") in KEEP_MODES
    }
    kept[LITELLM_META_KEY] = meta
    return kept


def litellm_capabilities(entry: dict[str, Any]) -> list[Capability]:
    structured = bool(entry.get("supports_response_schema") or entry.get("supports_native_structured_output"))
    flags: dict[Capability, bool] = {
        "tools": bool(entry.get("supports_function_calling")),
        "vision": bool(entry.get("supports_vision")),
        "json": structured or bool(entry.get("supports_json_mode")),
        "structured_output": structured,
        "reasoning": bool(entry.get("supports_reasoning")),
        "streaming": entry.get("mode") in ("chat", "responses", "completion", None)
        and entry.get("supports_native_streaming", True) is not False,
    }
    return [cap for cap in CAPABILITIES if flags[cap]]


def per_million(value: Any) -> float | None:
    if isinstance(value, int | float):
        return round(float(value) * 1_000_000, 6)
    return None
