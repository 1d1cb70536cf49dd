"""Map a bare model string found in code ("gpt-3.5-turbo-0301", "anthropic/claude-2.1") to the catalog.

Code rarely writes `provider:model`; the provider is implied by the client. Try the
client's provider first, then the providers whose names the model id suggests, then all.
Unknown strings return None: a rule never guesses about a model the catalog does not know.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from ..errors import LLMWrightError

if TYPE_CHECKING:
    from ..catalog import ModelInfo

PREFIX_HINTS = (
    ("claude", "anthropic"),
    ("gpt", "openai"),
    ("o1", "openai"),
    ("o3", "openai"),
    ("o4", "openai"),
    ("text-", "openai"),
    ("gemini", "google"),
    ("mistral", "mistral"),
    ("llama", "groq"),
)


@lru_cache(maxsize=4096)
def lookup_model(name: str, provider: str | None = None) -> ModelInfo | None:
    name = name.strip()
    if not name or " " in name or len(name) > 120:
        return None
    if "/" in name:  # litellm / OpenRouter style "anthropic/claude-2.1"
        head, _, rest = name.partition("/")
        provider, name = provider or head, rest
    candidates = [provider] if provider else []
    candidates += [p for prefix, p in PREFIX_HINTS if name.lower().startswith(prefix)]
    from ..catalog import get_catalog  # loaded on first use, in the main process

    catalog = get_catalog()
    for candidate in dict.fromkeys(c for c in candidates if c):
        try:
            return catalog.resolve(f"{candidate}:{name}")
        except LLMWrightError:
            continue
    return None
