"""`llmwright models --update`: newer prices, windows and retirement dates from the network.

Two downloads, both or neither: prices with genai-prices' own updater (`UpdatePrices`,
the payload its background task would fetch) and LiteLLM's published model table
(windows, output limits, capabilities, deprecation dates). Both land in the user data
dir (LLMWRIGHT_DATA_DIR) and are preferred over the shipped copies from then on. The
report says what changed, model by model. Offline, or on a bad download, nothing is
written and the shipped data stays in use. `LLMWRIGHT_GENAI_PRICES_URL` and
`LLMWRIGHT_LITELLM_URL` point at a mirror.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from ..errors import LLMWrightError
from ..providers import provider_rows
from .lifecycle import today
from .model import ModelInfo
from .sources import LITELLM_META_KEY, override_file, trim_litellm

LITELLM_URL = "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"
TIMEOUT_S = 20.0


class ModelChange(BaseModel):
    model: str
    field: str = Field(description="what changed: input $/M, output $/M, context window, max output, status, ...")
    before: str | None
    after: str | None


class CatalogUpdate(BaseModel):
    """What `models --update` fetched and what it changed."""

    data_version_before: str
    data_version: str
    files: list[str] = Field(description="where the refreshed data was written")
    added: list[str] = Field(default_factory=list, description="models the catalog did not have")
    removed: list[str] = Field(default_factory=list, description="models no source lists any more")
    changes: list[ModelChange] = Field(default_factory=list)


def genai_prices_url() -> str:
    from genai_prices.update_prices import DEFAULT_UPDATE_URL

    return os.environ.get("LLMWRIGHT_GENAI_PRICES_URL") or DEFAULT_UPDATE_URL


def litellm_url() -> str:
    return os.environ.get("LLMWRIGHT_LITELLM_URL") or LITELLM_URL


def _offline(what: str, url: str, exc: Exception) -> LLMWrightError:
    reason = type(exc).__name__ if not str(exc) else f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
    return LLMWrightError(f"could not refresh {what} from {url} ({reason}); the data in use is unchanged")


def fetch_prices(url: str) -> list[Any]:
    """genai-prices providers, fetched and validated by genai-prices' own updater."""
    import httpx2
    from genai_prices import UpdatePrices

    updater = UpdatePrices(url=url, request_timeout=httpx2.Timeout(TIMEOUT_S, connect=5))
    try:
        snapshot = updater.fetch()
    except (httpx2.HTTPError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
        raise _offline("prices", url, exc) from exc
    if snapshot is None or not snapshot.providers:
        raise LLMWrightError(f"{url} returned no providers; the data in use is unchanged")
    return list(snapshot.providers)


def fetch_litellm(url: str) -> dict[str, Any]:
    """LiteLLM's table, trimmed to the providers and modes the catalog reads."""
    import httpx2

    try:
        response = httpx2.get(url, timeout=TIMEOUT_S, follow_redirects=True)
        response.raise_for_status()
        raw = response.json()
    except (httpx2.HTTPError, ValueError) as exc:
        raise _offline("the model table", url, exc) from exc
    if not isinstance(raw, dict):
        raise LLMWrightError(f"{url} is not LiteLLM's model table (a JSON object); the data in use is unchanged")
    meta = {"litellm_version": "main", "extracted": today().isoformat(), "license": "MIT"}
    return trim_litellm(raw, provider_rows(), meta)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _money(value: float | None) -> str | None:
    return None if value is None else f"{value:g}"


def _facts(model: ModelInfo) -> dict[str, str | None]:
    prices = model.prices
    return {
        "input $/M": _money(prices.input if prices else None),
        "output $/M": _money(prices.output if prices else None),
        "cache read $/M": _money(prices.cache_read if prices else None),
        "context window": None if model.context_window is None else str(model.context_window),
        "max output": None if model.max_output_tokens is None else str(model.max_output_tokens),
        "status": model.status,
        "retires on": None if model.retires_on is None else str(model.retires_on),
        "capabilities": ",".join(model.capabilities) or None,
    }


def diff_models(before: list[ModelInfo], after: list[ModelInfo]) -> tuple[list[str], list[str], list[ModelChange]]:
    """(added, removed, changed fields) between two builds of the catalog."""
    old = {m.ref: m for m in before}
    new = {m.ref: m for m in after}
    changes = []
    for ref in sorted(old.keys() & new.keys()):
        was, now_ = _facts(old[ref]), _facts(new[ref])
        changes += [ModelChange(model=ref, field=k, before=was[k], after=now_[k]) for k in was if was[k] != now_[k]]
    return sorted(new.keys() - old.keys()), sorted(old.keys() - new.keys()), changes


def update_catalog() -> CatalogUpdate:
    """Fetch both sources, write them only when both arrived, and report what changed."""
    from .catalog import clear_catalog, get_catalog
    from .prices import prices_file, save_refreshed

    before = get_catalog()
    prices_url, table_url = genai_prices_url(), litellm_url()
    providers = fetch_prices(prices_url)
    table = fetch_litellm(table_url)
    save_refreshed(providers, today(), prices_url)
    _write(override_file(), json.dumps(table, separators=(",", ":"), sort_keys=True).encode())
    clear_catalog()
    after = get_catalog()
    added, removed, changes = diff_models(before.models, after.models)
    return CatalogUpdate(
        data_version_before=before.data_version,
        data_version=after.data_version,
        files=[str(prices_file()), f"{override_file()} ({len(table) - (LITELLM_META_KEY in table)} entries)"],
        added=added,
        removed=removed,
        changes=changes,
    )
