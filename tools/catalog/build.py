"""Merge the three sources into catalog entries.

Precedence, field by field: the curated overlay, then LiteLLM's table, then what
genai-prices knows (it has a window for some models). Prices come only from
genai-prices, or LiteLLM's table when genai-prices lacks the model; local models cost 0.
Status is not merged: it is read from the merged dates on the build's day
(`lifecycle.status_on`); a source's label counts only where no date says otherwise.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..providers import ProviderRow, provider_rows
from .clouds import link_cloud_models
from .lifecycle import now, status_on
from .model import CAPABILITIES, ModelInfo, Prices, Source
from .prices import find_genai_model, genai_models, price_source, prices_checked, prices_of
from .sources import (
    LITELLM_META_KEY,
    CuratedData,
    litellm_capabilities,
    litellm_checked,
    litellm_version,
    load_curated,
    load_litellm,
    per_million,
)

if TYPE_CHECKING:
    from genai_prices.types import ModelInfo as GenaiModel


def catalog_providers() -> dict[str, ProviderRow]:
    """The providers that own a model list (not those serving another's under another wire)."""
    return {name: row for name, row in provider_rows().items() if not row.models_of}


def strip_prefixes(model_id: str, spec: ProviderRow) -> str:
    changed = True
    while changed:
        changed = False
        for prefix in spec.strip:
            if model_id.startswith(prefix):
                model_id = model_id[len(prefix) :]
                changed = True
    return model_id


def hosting_of(spec: ProviderRow, model_id: str) -> str:
    """`hosted` for a local runtime's cloud models (`ollama:gpt-oss:120b-cloud`), else the provider's hosting."""
    if spec.hosted_models and re.search(spec.hosted_models, model_id):
        return "hosted"
    return spec.hosting


def _litellm_by_provider(providers: dict[str, ProviderRow]) -> dict[str, dict[str, dict[str, Any]]]:
    owner = {key: name for name, spec in providers.items() for key in spec.litellm}
    grouped: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in providers}
    for key, entry in load_litellm().items():
        if key == LITELLM_META_KEY:
            continue
        provider = owner.get(entry.get("litellm_provider", ""))
        if provider is None:
            continue
        model_id = strip_prefixes(key, providers[provider])
        if providers[provider].exclude and re.search(providers[provider].exclude, model_id):
            continue
        grouped[provider].setdefault(model_id, entry)
    return grouped


def _litellm_prices(entry: dict[str, Any]) -> Prices | None:
    if per_million(entry.get("input_cost_per_token")) is None:
        return None
    return Prices(
        input=per_million(entry.get("input_cost_per_token")),
        output=per_million(entry.get("output_cost_per_token")),
        cache_read=per_million(entry.get("cache_read_input_token_cost")),
        cache_write=per_million(entry.get("cache_creation_input_token_cost")),
        batch_input=per_million(entry.get("input_cost_per_token_batches")),
        batch_output=per_million(entry.get("output_cost_per_token_batches")),
        source=litellm_version(),
    )


def _parse_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value)
    return None


def _entry(
    provider: str,
    model_id: str,
    spec: ProviderRow,
    litellm_entry: dict[str, Any] | None,
    at: datetime,
    genai: GenaiModel | None = None,
) -> dict[str, Any]:
    if genai is None and spec.genai_prices:
        genai = find_genai_model(spec.genai_prices, model_id)
    hosting = hosting_of(spec, model_id)
    sources: list[Source] = [Source(covers="offered by this provider", ref=spec.models_source, checked=spec.checked)]
    fields: dict[str, Any] = {
        "ref": f"{provider}:{model_id}",
        "provider": provider,
        "model": model_id,
        "hosting": hosting,
    }
    if "embed" in model_id.lower():
        fields["kind"] = "embedding"  # every embedding model in the sources says so in its id
    if hosting != spec.hosting:
        pass  # a local runtime's cloud-hosted model: billed by subscription, so no per-token price
    elif spec.hosting == "local":
        fields["prices"] = Prices(input=0, output=0, cache_read=0, cache_write=0, source="local: no per-token charge")
    elif genai is not None:
        fields["prices"] = prices_of(genai, at)
        fields["name"] = genai.name
        sources.append(Source(covers="prices", ref=price_source(), checked=str(prices_checked())))
        if genai.context_window:
            fields["context_window"] = genai.context_window
        if genai.deprecated:
            fields["declared"] = "deprecated"
    if litellm_entry is not None:
        if "prices" not in fields and hosting == spec.hosting:
            fields["prices"] = _litellm_prices(litellm_entry)
        window = litellm_entry.get("max_input_tokens") or litellm_entry.get("max_tokens")
        if isinstance(window, int):
            fields["context_window"] = window
        max_out = litellm_entry.get("max_output_tokens")
        if isinstance(max_out, int):
            fields["max_output_tokens"] = max_out
        fields["capabilities"] = litellm_capabilities(litellm_entry)
        retires = _parse_date(litellm_entry.get("deprecation_date"))
        if retires is not None:
            fields["retires_on"] = retires
        sources.append(
            Source(
                covers="context window, max output, capabilities, deprecation",
                ref=f"LiteLLM model_prices_and_context_window.json, {litellm_version()}",
                checked=str(litellm_checked()),
            )
        )
    fields["sources"] = sources
    return fields


def _apply_curated(fields: dict[str, Any], row: dict[str, Any]) -> None:
    for key in (
        "name",
        "hosting",
        "kind",
        "dimensions",
        "context_window",
        "max_output_tokens",
        "replacement",
        "tokenizer",
    ):
        if key in row:
            fields[key] = row[key]
    if "aliases" in row:
        fields["aliases"] = sorted(set(fields.get("aliases", [])) | set(row["aliases"]))
    if "capabilities" in row:
        fields["capabilities"] = [cap for cap in CAPABILITIES if cap in row["capabilities"]]
    for key in ("deprecated_on", "retires_on"):
        if key in row:
            fields[key] = _parse_date(row[key])
    if "status" in row:
        fields["declared"] = row["status"]
    if fields.get("hosting") == "local":
        fields["prices"] = Prices(input=0, output=0, cache_read=0, cache_write=0, source="local: no per-token charge")
    fields.setdefault("sources", []).append(
        Source(covers="curated overlay", ref=row.get("source", "curated.toml"), checked=str(row.get("checked", "")))
    )


def build_models(at: datetime | None = None, curated: CuratedData | None = None) -> list[ModelInfo]:
    """Every model of every known provider, merged from the shipped data, with its status on `at`'s day."""
    when = at or now()
    today = when.date()
    providers = catalog_providers()
    curated = curated or load_curated()
    litellm = _litellm_by_provider(providers)
    merged: dict[str, dict[str, Any]] = {}
    for provider, spec in providers.items():
        for model_id, entry in litellm[provider].items():
            merged[f"{provider}:{model_id}"] = _entry(provider, model_id, spec, entry, when)
        include = re.compile(spec.genai_include) if spec.genai_include else None
        for genai in genai_models(spec.genai_prices) if spec.genai_prices else []:
            model_id = strip_prefixes(genai.id, spec)
            ref = f"{provider}:{model_id}"
            excluded = spec.exclude and re.search(spec.exclude, genai.id)
            if ref in merged or excluded or (include and not include.search(genai.id)):
                continue
            if getattr(genai.prices, "input_mtok", 1) is None:
                continue
            merged[ref] = _entry(provider, model_id, spec, None, when, genai)
    curated_refs = {row["ref"] for row in curated.rows}
    for row in curated.rows:
        ref = row["ref"]
        provider, _, model_id = ref.partition(":")
        if provider not in providers:
            continue
        if ref not in merged:
            merged[ref] = _entry(provider, model_id, providers[provider], None, when)
        _apply_curated(merged[ref], row)
        for alias in row.get("aliases", []):
            if alias in merged and alias not in curated_refs:
                del merged[alias]  # the curated row is the one entry for this model
    clouds = {name: spec for name, spec in providers.items() if spec.serves}
    makers = [_finish(fields, today) for ref, fields in merged.items() if ref.partition(":")[0] not in clouds]
    from .catalog import Catalog

    link_cloud_models(merged, clouds, Catalog(models=[m for m in makers if m], data_version="", day=today), when)
    models = [_finish(fields, today) for fields in merged.values()]
    return sorted((m for m in models if m is not None), key=lambda m: m.ref)


def _finish(fields: dict[str, Any], today: date) -> ModelInfo | None:
    """The entry with its status on `today`; None for a malformed upstream row (it must not take the catalog down)."""
    dates = {key: fields.get(key) for key in ("retires_on", "deprecated_on")}
    status = status_on(today, declared=fields.get("declared"), **dates)
    try:
        return ModelInfo(**{k: v for k, v in fields.items() if k != "declared"}, status=status)
    except ValidationError:
        return None
