"""`llmwright models --update`: refresh LiteLLM's table from the network when there is one.

The refreshed copy goes to the user data dir (LLMWRIGHT_DATA_DIR, default
~/.local/share/llmwright) and is preferred over the shipped copy; prices stay with
genai-prices. Offline, the shipped data stays in use and the command says so.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx2

from ..errors import LLMWrightError
from ..paths import data_dir
from ..providers import provider_rows
from .sources import LITELLM_FILE, load_litellm, trim_litellm

LITELLM_URL = "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"
TIMEOUT_S = 20.0


def override_file() -> Path:
    return data_dir() / LITELLM_FILE


def refresh_litellm(url: str = LITELLM_URL) -> str:
    try:
        response = httpx2.get(url, timeout=TIMEOUT_S, follow_redirects=True)
        response.raise_for_status()
        raw = response.json()
    except (httpx2.HTTPError, json.JSONDecodeError) as exc:
        raise LLMWrightError(
            f"could not refresh the model table from {url} ({type(exc).__name__}); the shipped data stays in use"
        ) from exc
    meta = {"litellm_version": "main", "extracted": datetime.now(tz=UTC).date().isoformat(), "license": "MIT"}
    trimmed = trim_litellm(raw, provider_rows(), meta)
    target = override_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(trimmed, separators=(",", ":"), sort_keys=True), encoding="utf-8")
    tmp.replace(target)
    load_litellm.cache_clear()
    return f"refreshed {len(trimmed) - 1} model entries into {target}"
