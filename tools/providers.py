"""The provider table (`providers.toml`) and the one resolver of the names users write for providers.

The gateway reads a row's connection fields, the catalog its pricing and model-list fields;
one row keeps the two from disagreeing about which providers exist.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from .errors import InvalidInput

WireKind = Literal["openai", "azure", "anthropic", "ollama", ""]  # "": in the catalog only, no gateway wire
Hosting = Literal["hosted", "local"]
# Where a request's data may be processed, as `--data-residency` names it. `local` is not
# a region: it marks providers that run on the user's own hardware, which meet any residency.
RESIDENCIES: tuple[str, ...] = ("us", "eu", "uk", "ca", "cn", "jp", "in", "au")
RESIDENCY_ALIASES = {"europe": "eu", "eea": "eu", "usa": "us", "united states": "us", "china": "cn", "gb": "uk"}


@dataclass(frozen=True)
class ProviderRow:
    """One provider: its connection preset and where its models and prices come from."""

    name: str
    display_name: str
    kind: WireKind
    base_url: str
    api_key_env: str
    max_tokens_param: str
    hosting: Hosting
    reseller: bool
    aliases: tuple[str, ...]
    genai_prices: str
    genai_include: str
    litellm: tuple[str, ...]
    exclude: str
    strip: tuple[str, ...]
    models_of: str
    serves: tuple[str, ...]
    hosted_models: str
    residency: tuple[str, ...]
    residency_source: str
    residency_note: str
    source: str
    models_source: str
    checked: str

    @property
    def catalog_provider(self) -> str:
        """The provider whose models this one serves in the catalog (itself, unless `models_of`)."""
        return self.models_of or self.name


@cache
def provider_rows() -> dict[str, ProviderRow]:
    """Every row of the shipped table, by canonical name, in file order."""
    text = resources.files("llmwright").joinpath("providers.toml").read_text(encoding="utf-8")
    return {
        name: ProviderRow(
            name=name,
            display_name=row["name"],
            kind=row["kind"],
            base_url=row["base_url"],
            api_key_env=row["api_key_env"],
            max_tokens_param=row.get("max_tokens_param", "max_tokens"),
            hosting=row["hosting"],
            reseller=bool(row.get("reseller", False)),
            aliases=tuple(row.get("aliases", ())),
            genai_prices=row.get("genai_prices", ""),
            genai_include=row.get("genai_include", ""),
            litellm=tuple(row.get("litellm", ())),
            exclude=row.get("exclude", ""),
            strip=tuple(row.get("strip", ())),
            models_of=row.get("models_of", ""),
            serves=tuple(row.get("serves", ())),
            hosted_models=row.get("hosted_models", ""),
            residency=tuple(row.get("residency", ())),
            residency_source=row.get("residency_source", ""),
            residency_note=row.get("residency_note", ""),
            source=row["source"],
            models_source=row["models_source"],
            checked=row["checked"],
        )
        for name, row in tomllib.loads(text).items()
    }


def canonical_provider(name: str, extra: Iterable[str] = ()) -> str:
    """The canonical name for a provider name or alias; `extra` are names a config file adds.

    Raises InvalidInput naming the closest known names.
    """
    key = name.strip().lower()
    added = [str(n).lower() for n in extra]
    if key in added:
        return key
    for canonical, row in provider_rows().items():
        if key == canonical or key in row.aliases:
            return canonical
    known = [*provider_rows(), *added]
    close = difflib.get_close_matches(key, [*known, *(a for r in provider_rows().values() for a in r.aliases)], n=3)
    hint = f" Did you mean {' or '.join(close)}?" if close else ""
    raise InvalidInput(f"unknown provider {name!r}.{hint} Known: {', '.join(known)}.")


def provider_row(name: str) -> ProviderRow:
    """The row for a provider name or alias (raises InvalidInput for an unknown one)."""
    return provider_rows()[canonical_provider(name)]


def key_variables() -> list[str]:
    """Every environment variable the table says holds a key."""
    return sorted({row.api_key_env for row in provider_rows().values() if row.api_key_env})


def canonical_residency(value: str) -> str:
    """A residency a user wrote (`EU`, `europe`) as the table spells it; InvalidInput names the closest."""
    key = value.strip().lower()
    key = RESIDENCY_ALIASES.get(key, key)
    if key in RESIDENCIES:
        return key
    close = difflib.get_close_matches(key, [*RESIDENCIES, *RESIDENCY_ALIASES], n=1, cutoff=0.5)
    hint = f" Did you mean {RESIDENCY_ALIASES.get(close[0], close[0])!r}?" if close else ""
    raise InvalidInput(f"unknown data residency {value!r}.{hint} Known: {', '.join(RESIDENCIES)}.")


def meets_residency(provider: str, hosting: str, residency: str) -> bool:
    """Whether a model served this way keeps requests in `residency`.

    A model running on your own hardware always does; a hosted one only where the provider's row
    declares that residency with a source; an unknown residency never does.
    """
    if hosting == "local":
        return True
    row = provider_rows().get(provider)
    return row is not None and residency in row.residency


def suggestible(provider: str, named: Iterable[str] = ()) -> bool:
    """Whether a provider's models may be suggested: a reseller's only when the user named it.

    Resellers (the `reseller` column) list the same models as the providers they resell, so
    offering them unasked would only repeat those models under another name.
    """
    row = provider_rows().get(provider)
    return row is None or not row.reseller or provider in set(named)
