"""The catalog: every known model, and look-ups that are forgiving and strict at once.

Forgiving: aliases, provider aliases (`gemini:`), API-style prefixes, dated snapshots
(`gpt-4o-2024-08-06`, `claude-3-5-sonnet-20241022`) and `-latest` resolve. Strict: a name
that resolves to nothing raises `UnknownModel` with the closest known names; nothing
is ever priced at a silent zero.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from ..errors import InvalidInput, UnknownModel
from ..providers import ProviderRow, canonical_provider, provider_rows
from .build import build_models, strip_prefixes
from .model import CAPABILITIES, Capability, ModelInfo
from .prices import GENAI_PRICES_VERSION, find_genai_model
from .sources import litellm_version, load_curated

SNAPSHOT_SUFFIX = re.compile(r"([-@](\d{4}-\d{2}-\d{2}|\d{8}|\d{4}|latest|v\d+(\.\d+)*)|:latest)$")


def split_ref(ref: str) -> tuple[str, str]:
    """`provider:model` into its parts; the model part may itself hold colons (Ollama tags)."""
    provider, sep, model = ref.strip().partition(":")
    if not sep or not provider or not model:
        raise InvalidInput(
            f"model reference {ref!r} must look like provider:model, e.g. openai:gpt-4o-mini or "
            "anthropic:claude-sonnet-4-5"
        )
    return provider.lower(), model


@dataclass
class Catalog:
    models: list[ModelInfo]
    data_version: str
    _by_ref: dict[str, ModelInfo] = field(init=False, repr=False)
    _aliases: dict[str, ModelInfo] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_ref = {m.ref.lower(): m for m in self.models}
        self._aliases = {alias.lower(): m for m in self.models for alias in m.aliases}

    @property
    def providers(self) -> dict[str, ProviderRow]:
        return provider_rows()

    def provider_name(self, name: str) -> str:
        """The provider whose models a name or alias users write refers to (`ollama_v1` -> `ollama`)."""
        return provider_rows()[canonical_provider(name)].catalog_provider

    def resolve(self, ref: str) -> ModelInfo:
        provider_raw, model_raw = split_ref(ref)
        try:
            provider = self.provider_name(provider_raw)
        except InvalidInput as exc:
            raise UnknownModel(ref, self.suggest(ref), reason=f"unknown provider {provider_raw!r}") from exc
        spec = self.providers[provider]
        model_id = strip_prefixes(model_raw.strip(), spec)
        for candidate in self._candidates(provider, model_id):
            found = self._by_ref.get(candidate.lower()) or self._aliases.get(candidate.lower())
            if found is not None:
                return found
        genai_hit = self._via_genai_prices(spec, provider, model_id)
        if genai_hit is not None:
            return genai_hit
        raise UnknownModel(ref, self.suggest(f"{provider}:{model_id}"))

    def _candidates(self, provider: str, model_id: str) -> Iterable[str]:
        yield f"{provider}:{model_id}"
        stripped = model_id
        while (shorter := SNAPSHOT_SUFFIX.sub("", stripped)) != stripped:
            stripped = shorter
            yield f"{provider}:{stripped}"

    def _via_genai_prices(self, spec: ProviderRow, provider: str, model_id: str) -> ModelInfo | None:
        """genai-prices knows many dated ids; accept its match only for a snapshot suffix."""
        if not spec.genai_prices:
            return None
        genai = find_genai_model(spec.genai_prices, model_id)
        if genai is None:
            return None
        base = SNAPSHOT_SUFFIX.sub("", model_id.lower())
        if base != genai.id and not model_id.lower().startswith(genai.id):
            return None
        rest = model_id.lower()[len(genai.id) :]
        if rest and not SNAPSHOT_SUFFIX.fullmatch(rest) and base != genai.id:
            return None
        return self._by_ref.get(f"{provider}:{genai.id}".lower())

    def suggest(self, ref: str, limit: int = 5) -> list[str]:
        names = list(self._by_ref) + list(self._aliases)
        lowered = ref.lower()
        close = difflib.get_close_matches(lowered, names, n=limit, cutoff=0.6)
        if not close:
            _, _, model = lowered.partition(":")
            by_model = {name.partition(":")[2]: name for name in names}
            close = [by_model[m] for m in difflib.get_close_matches(model, list(by_model), n=limit, cutoff=0.6)]
        return [self._by_ref[c].ref if c in self._by_ref else self._aliases[c].ref for c in close]

    def find(
        self,
        provider: str | None = None,
        capabilities: Iterable[Capability] = (),
        hosting: str | None = None,
        include_retired: bool = False,
    ) -> list[ModelInfo]:
        wanted = self.provider_name(provider) if provider else None
        needs = list(capabilities)
        return [
            m
            for m in self.models
            if (wanted is None or m.provider == wanted)
            and all(m.has(cap) for cap in needs)
            and (hosting is None or m.hosting == hosting)
            and (include_retired or m.status != "retired")
        ]


def parse_capability(name: str) -> Capability:
    key = name.strip().lower().replace("-", "_")
    aliases = {
        "function_calling": "tools",
        "tool_calling": "tools",
        "json_mode": "json",
        "structured": "structured_output",
    }
    key = aliases.get(key, key)
    if key not in CAPABILITIES:
        close = difflib.get_close_matches(key, [*CAPABILITIES, *aliases], n=1, cutoff=0.5)
        hint = f" Did you mean {aliases.get(close[0], close[0])!r}?" if close else ""
        raise InvalidInput(f"unknown capability {name!r}.{hint} Use one of: {', '.join(CAPABILITIES)}")
    return key  # type: ignore[return-value]


def data_version() -> str:
    return f"{GENAI_PRICES_VERSION}; {litellm_version()}; curated {load_curated().version}"


@cache
def get_catalog() -> Catalog:
    """The process-wide catalog, built once from the shipped data (offline)."""
    from .cache import cached_models

    return Catalog(models=cached_models(build_models), data_version=data_version())


def catalog_at(at: datetime) -> Catalog:
    """A catalog priced at a fixed moment (tests, reproducible reports)."""
    return Catalog(models=build_models(at=at), data_version=data_version())
