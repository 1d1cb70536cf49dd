"""The catalog: coverage, look-ups, prices from genai-prices, status from the data files."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest
from genai_prices import Usage, calc_price

from llmwright.catalog import parse_capability
from llmwright.errors import InvalidInput, UnknownModel
from tests.conftest import PRICED_AT


@pytest.mark.parametrize(
    "provider",
    ["openai", "anthropic", "google", "groq", "fireworks", "mistral", "deepseek", "openrouter", "ollama", "vllm"],
)
def test_every_required_provider_has_models(catalog, provider: str) -> None:
    assert catalog.find(provider=provider, include_retired=True)


@pytest.mark.parametrize("family", ["llama3", "qwen", "mistral", "gemma", "phi"])
def test_local_families_are_free_and_local(catalog, family: str) -> None:
    local = [m for m in catalog.find(hosting="local") if family in m.model.lower()]
    assert local, family
    assert all(m.prices and m.prices.input == 0 and m.prices.output == 0 for m in local)


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("openai:gpt-4o-2024-08-06", "openai:gpt-4o-2024-08-06"),
        ("anthropic:claude-3-5-sonnet-latest", "anthropic:claude-3-5-sonnet-20241022"),
        ("gemini:gemini-2.5-pro", "google:gemini-2.5-pro"),
        ("google:models/gemini-2.5-flash", "google:gemini-2.5-flash"),
        ("fireworks:accounts/fireworks/models/deepseek-v3p2", "fireworks:deepseek-v3p2"),
        ("ollama:llama3.2:3b", "ollama:llama3.2"),
        ("OpenAI:GPT-4o", "openai:gpt-4o"),
    ],
)
def test_aliases_and_snapshots_resolve(catalog, ref: str, expected: str) -> None:
    assert catalog.resolve(ref).ref == expected


@pytest.mark.parametrize(
    ("ref", "suggestion"),
    [
        ("anthropic:claude-sonet-4-5", "claude-sonnet-4-5"),
        ("openai:gpt-4o-foo", "openai:gpt-4o"),
        ("opneai:gpt-4o", "gpt-4o"),
    ],
)
def test_unknown_models_suggest_close_names(catalog, ref: str, suggestion: str) -> None:
    with pytest.raises(UnknownModel) as info:
        catalog.resolve(ref)
    assert any(suggestion in s for s in info.value.suggestions)
    assert "llmwright models" in str(info.value)


@pytest.mark.parametrize("ref", ["gpt-4o", ":gpt-4o", "openai:", ""])
def test_malformed_references_explain_the_format(catalog, ref: str) -> None:
    with pytest.raises(InvalidInput, match="provider:model"):
        catalog.resolve(ref)


@pytest.mark.parametrize(
    "ref",
    [
        "openai:gpt-4o",
        "openai:gpt-4o-mini",
        "anthropic:claude-sonnet-4-5",
        "anthropic:claude-haiku-4-5",
        "google:gemini-2.5-pro",
    ],
)
def test_prices_match_genai_prices(catalog, ref: str) -> None:
    model = catalog.resolve(ref)
    provider = model.provider
    # 100k tokens stays under every long-context tier threshold; x10 gives the per-million rate
    tokens_in = calc_price(
        Usage(input_tokens=100_000), model.model, provider_id=provider, genai_request_timestamp=PRICED_AT
    )
    tokens_out = calc_price(
        Usage(output_tokens=100_000), model.model, provider_id=provider, genai_request_timestamp=PRICED_AT
    )
    assert model.prices.input == pytest.approx(float(tokens_in.total_price) * 10)
    assert model.prices.output == pytest.approx(float(tokens_out.total_price) * 10)


def test_entries_carry_windows_capabilities_and_sources(catalog) -> None:
    gpt4o = catalog.resolve("openai:gpt-4o")
    assert gpt4o.context_window == 128_000
    assert gpt4o.max_output_tokens == 16_384
    assert {"tools", "vision", "structured_output", "streaming"} <= set(gpt4o.capabilities)
    assert any("genai-prices" in s.ref for s in gpt4o.sources)
    assert any("LiteLLM" in s.ref for s in gpt4o.sources)


def test_retired_models_name_their_date_and_replacement(catalog) -> None:
    old = catalog.resolve("anthropic:claude-3-5-sonnet-20241022")
    assert old.status == "retired"
    assert old.retires_on is not None
    assert old.replacement and catalog.resolve(old.replacement)


def test_retired_models_are_hidden_unless_asked(catalog) -> None:
    default = {m.ref for m in catalog.find(provider="anthropic")}
    everything = {m.ref for m in catalog.find(provider="anthropic", include_retired=True)}
    assert "anthropic:claude-3-5-sonnet-20241022" not in default
    assert "anthropic:claude-3-5-sonnet-20241022" in everything


def test_capability_filter(catalog) -> None:
    vision = catalog.find(capabilities=["vision"])
    assert vision and all("vision" in m.capabilities for m in vision)
    with pytest.raises(InvalidInput, match="unknown capability"):
        parse_capability("telepathy")


def test_unknown_provider_filter_is_an_error(catalog) -> None:
    with pytest.raises(InvalidInput, match="unknown provider"):
        catalog.find(provider="skynet")


def test_every_curated_row_has_source_and_checked_date() -> None:
    text = resources.files("llmwright.catalog").joinpath("data").joinpath("curated.toml").read_text()
    rows = tomllib.loads(text)["models"]
    assert rows
    for row in rows:
        assert row.get("source", "").startswith("http"), row["ref"]
        assert len(str(row.get("checked", ""))) == 10, row["ref"]
        assert ":" in row["ref"]


def test_no_hosted_model_is_silently_free(catalog) -> None:
    """A hosted model either has a real price or none at all (which cost estimation refuses)."""
    for model in catalog.models:
        if model.hosting == "hosted" and model.prices is not None and model.prices.input == 0:
            assert model.prices.source  # free tiers are marked by their source, never invented
