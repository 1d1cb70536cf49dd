"""The catalog: every known model, and look-ups that are forgiving and strict at once.

Forgiving: aliases, provider aliases (`gemini:`), API-style prefixes, dated snapshots
(`gpt-4o-2024-08-06`, `claude-3-5-sonnet-20241022`) and `-latest` resolve. Strict: a name
that resolves to nothing raises `UnknownModel` with the closest known names; nothing
is ever priced at a silent zero.
"""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from ..errors import InvalidInput, UnknownModel
from ..providers import ProviderRow, canonical_provider, provider_rows
from .build import build_models, strip_prefixes
from .freshness import data_date, data_version
from .lifecycle import today
from .model import CAPABILITIES, Capability, ModelInfo, ModelKind
from .prices import find_genai_model

SNAPSHOT_SUFFIX = re.compile(r"([-@](\d{4}-\d{2}-\d{2}|\d{8}|\d{4}|latest|v\d+(\.\d+)*)|:latest)$")


def split_ref(ref: str) -> tuple[str, str]:
    """`provider:model` into its parts; the model part may itself hold colons (Ollama tags)."""
    provider, sep, model = ref.strip().partition(":")
    if not sep or not provider or not model:
        raise InvalidInput(
            f"model reference {ref!r} must look like provider:model, e.g. openai:gpt-4o-mini or "
            "anthropic:claude-sonnet-4-6"
        )
    return provider.lower(), model


@dataclass
class Catalog:
    models: list[ModelInfo]
    data_version: str
    day: date = field(default_factory=today)
    data_date: date | None = None
    # The moment prices are read at (some change by the hour); None: the moment of each estimate.
    priced_at: datetime | None = None
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
        found = self.lookup(ref)
        if found is not None:
            return found
        provider_raw, model_raw = split_ref(ref)
        try:
            provider = self.provider_name(provider_raw)
        except InvalidInput as exc:
            raise UnknownModel(ref, self.suggest(ref), reason=f"unknown provider {provider_raw!r}") from exc
        model_id = strip_prefixes(model_raw.strip(), self.providers[provider])
        raise UnknownModel(ref, self.suggest(f"{provider}:{model_id}"))

    def lookup(self, ref: str) -> ModelInfo | None:
        """The entry `ref` names, or None (no suggestions: cheap enough to try many candidates)."""
        provider_raw, model_raw = split_ref(ref)
        try:
            provider = self.provider_name(provider_raw)
        except InvalidInput:
            return None
        spec = self.providers[provider]
        model_id = strip_prefixes(model_raw.strip(), spec)
        for candidate in self._candidates(provider, model_id):
            found = self._by_ref.get(candidate.lower()) or self._aliases.get(candidate.lower())
            if found is not None:
                return found
        return self._via_genai_prices(spec, provider, model_id)

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

    def successor(self, model: ModelInfo) -> str | None:
        """The model to name instead of `model`: its replacement, followed past replacements that retired too."""
        seen = {model.ref}
        current = model
        while current.replacement:
            try:
                current = self.resolve(current.replacement)
            except UnknownModel:
                return model.replacement
            if current.status != "retired" or current.ref in seen:
                return current.ref
            seen.add(current.ref)
        return model.replacement

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
        kind: ModelKind | None = "chat",
    ) -> list[ModelInfo]:
        """Models matching every filter; chat models unless `kind` says otherwise (None: every kind)."""
        wanted = self.provider_name(provider) if provider else None
        needs = list(capabilities)
        return [
            m
            for m in self.models
            if (wanted is None or m.provider == wanted)
            and all(m.has(cap) for cap in needs)
            and (hosting is None or m.hosting == hosting)
            and (kind is None or m.kind == kind)
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


_current: Catalog | None = None
_lock = threading.Lock()


def get_catalog() -> Catalog:
    """The process-wide catalog for today (offline), rebuilt when the day changes.

    Statuses are dates read on a day: a server running past midnight must not keep
    calling a model active on the day it retires.
    """
    global _current
    day = today()
    current = _current
    if current is not None and current.day == day:
        return current
    with _lock:
        if _current is None or _current.day != day:
            from .cache import cached_catalog

            models, version, when = cached_catalog(lambda: (build_models(), data_version(), data_date()))
            _current = Catalog(models=models, data_version=version, day=day, data_date=when)
        return _current


def clear_catalog() -> None:
    """Forget the built catalog and the data it was built from (after `models --update`)."""
    global _current
    from .prices import clear_prices
    from .sources import load_litellm

    with _lock:
        _current = None
        load_litellm.cache_clear()
        clear_prices()


def catalog_loaded() -> bool:
    """Whether this process has read the catalog (the CLI then shows the data's age notice)."""
    return _current is not None


def catalog_at(at: datetime) -> Catalog:
    """A catalog priced and dated at a fixed moment (tests, reproducible reports)."""
    return Catalog(
        models=build_models(at=at), data_version=data_version(), day=at.date(), data_date=data_date(), priced_at=at
    )
