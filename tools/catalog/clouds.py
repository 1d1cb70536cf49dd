"""Clouds that serve other makers' models: Azure OpenAI, Amazon Bedrock, Google Vertex AI.

A cloud's entry is priced by genai-prices under the cloud (its own price list, or the
maker's where genai-prices falls back to it, as for Azure's OpenAI models) and described
by the maker's entry: window, output limit, capabilities, kind and vector size come from
`first_party`. A Bedrock id such as `anthropic.claude-sonnet-4-6-v1:0` also answers to the
maker's name (`bedrock:claude-sonnet-4-6`). Lifecycle is not copied: clouds retire models
on their own schedules.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from ..providers import ProviderRow
from .model import ModelInfo, Source
from .prices import find_genai_model, price_source, prices_checked, prices_of

# Bedrock's version tails: `-v1:0`, `-v2`, `-1:0`, `:0`.
VERSION_SUFFIX = re.compile(r"(-v\d+(:\d+)?|-\d+:\d+|:\d+)$")
COPIED = ("context_window", "max_output_tokens", "capabilities", "tokenizer", "kind", "dimensions")


def _maker_candidates(model_id: str, spec: ProviderRow) -> list[str]:
    """References at the maker that `model_id` may be: `maker.name-v1:0` on Bedrock, the same name elsewhere."""
    head, dot, rest = model_id.partition(".")
    if dot and head in spec.serves:
        return [f"{head}:{VERSION_SUFFIX.sub('', rest)}", f"{head}:{rest}"]
    return [f"{maker}:{model_id}" for maker in spec.serves]


def link_cloud_models(
    merged: dict[str, dict[str, Any]],
    clouds: dict[str, ProviderRow],
    makers: Any,
    at: datetime,
) -> None:
    """Link every cloud entry to its maker's, and add the maker's models a cloud prices under their own names.

    `makers` resolves maker references (a `Catalog` of the first-party entries).
    """
    for cloud, spec in clouds.items():
        linked: set[str] = set()
        taken = {ref.lower() for ref in merged} | {a.lower() for f in merged.values() for a in f.get("aliases", [])}
        for ref in sorted(r for r in merged if r.startswith(f"{cloud}:")):  # bare ids before `global.` ones
            fields = merged[ref]
            maker = _resolve_first(makers, _maker_candidates(fields["model"], spec))
            if maker is None:
                continue
            _describe(fields, maker)
            linked.add(maker.ref)
            alias = f"{cloud}:{maker.model}"
            if maker.model != fields["model"] and alias.lower() not in taken:
                fields["aliases"] = sorted({*fields.get("aliases", []), alias})
                taken.add(alias.lower())
        for maker in makers.models:
            if maker.provider not in spec.serves or maker.ref in linked or maker.hosting != "hosted":
                continue
            ref = f"{cloud}:{maker.model}"
            if ref.lower() in taken:
                continue
            genai = find_genai_model(spec.genai_prices, maker.model)
            if genai is None or genai.id != maker.model.lower():
                continue  # only where the cloud sells it under the maker's own name
            fields = {"ref": ref, "provider": cloud, "model": maker.model, "name": maker.name, "hosting": "hosted"}
            fields["prices"] = prices_of(genai, at)
            fields["sources"] = [
                Source(covers="offered by this provider", ref=spec.models_source, checked=spec.checked),
                Source(covers="prices", ref=price_source(), checked=str(prices_checked())),
            ]
            _describe(fields, maker)
            merged[ref] = fields
            taken.add(ref.lower())


def _resolve_first(makers: Any, candidates: list[str]) -> ModelInfo | None:
    return next((found for candidate in candidates if (found := makers.lookup(candidate)) is not None), None)


def _describe(fields: dict[str, Any], maker: ModelInfo) -> None:
    """The maker's description of the model (the same weights): it wins over genai-prices' rounder window."""
    fields["first_party"] = maker.ref
    for key in COPIED:
        value = getattr(maker, key)
        if key == "kind" or value not in (None, []):
            fields[key] = value
    checked = next((source.checked for source in maker.sources if source.checked), "")
    fields.setdefault("sources", []).append(
        Source(covers="window, output limit, capabilities: the same model as", ref=maker.ref, checked=checked)
    )
