"""Wire protocols, registered in one place: a provider's `kind` picks its class here.

Classes are imported on first use: the SDKs take seconds to import, and every CLI
command (not only `call`) would otherwise pay for them.
"""

from __future__ import annotations

import importlib

from llmwright.config import Config

from .base import Provider, ProviderSettings, canonical_provider, settings_for

WIRES: dict[str, str] = {
    "openai": "openai_compat:OpenAICompatProvider",
    "azure": "openai_compat:AzureOpenAIProvider",
    "anthropic": "anthropic:AnthropicProvider",
    "ollama": "ollama:OllamaProvider",
}


def wire(kind: str) -> type[Provider]:
    module, _, name = WIRES[kind].partition(":")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def build_provider(name: str, config: Config) -> Provider:
    settings = settings_for(name, config)
    return wire(settings.kind)(settings)


__all__ = [
    "WIRES",
    "Provider",
    "ProviderSettings",
    "build_provider",
    "canonical_provider",
    "settings_for",
    "wire",
]
