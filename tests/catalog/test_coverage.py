"""Azure OpenAI, Bedrock and Vertex references priced by genai-prices and linked to the maker's
model; embedding models with their price per input token and vector size (`estimate --embedding`)."""

from __future__ import annotations

import json

import pytest
from genai_prices import Usage, calc_price

from llmwright.errors import InvalidInput
from llmwright.estimate import EstimateRequest, estimate
from tests.conftest import PRICED_AT
from tests.support.cli import run_cli


def _genai_per_million(model: str, provider: str) -> tuple[float, float]:
    def price(usage: Usage) -> float:
        calculated = calc_price(usage, model, provider_id=provider, genai_request_timestamp=PRICED_AT)
        return float(calculated.total_price) * 10

    return price(Usage(input_tokens=100_000)), price(Usage(output_tokens=100_000))


@pytest.mark.parametrize(
    ("ref", "entry", "genai", "maker"),
    [
        ("azure:gpt-4o", "azure:gpt-4o", ("gpt-4o", "azure"), "openai:gpt-4o"),
        ("azure:gpt-4o-mini", "azure:gpt-4o-mini", ("gpt-4o-mini", "azure"), "openai:gpt-4o-mini"),
        (
            "bedrock:claude-sonnet-4-6",
            "bedrock:anthropic.claude-sonnet-4-6-v1:0",
            ("anthropic.claude-sonnet-4-6-v1:0", "aws"),
            "anthropic:claude-sonnet-4-6",
        ),
        (
            "bedrock:us.anthropic.claude-sonnet-4-6-v1:0",
            "bedrock:anthropic.claude-sonnet-4-6-v1:0",
            ("anthropic.claude-sonnet-4-6-v1:0", "aws"),
            "anthropic:claude-sonnet-4-6",
        ),
        (
            "vertex:gemini-3.5-flash",
            "vertex:gemini-3.5-flash",
            ("gemini-3.5-flash", "google"),
            "google:gemini-3.5-flash",
        ),
        (
            "vertex:claude-sonnet-4-6@20260217",
            "vertex:claude-sonnet-4-6",
            ("claude-sonnet-4-6", "google"),
            "anthropic:claude-sonnet-4-6",
        ),
    ],
)
def test_cloud_references_are_priced_by_the_cloud_and_described_by_the_maker(catalog, ref, entry, genai, maker):
    model = catalog.resolve(ref)
    assert model.ref == entry and model.first_party == catalog.resolve(maker).ref
    assert (model.prices.input, model.prices.output) == pytest.approx(_genai_per_million(*genai))
    made = catalog.resolve(maker)
    assert model.context_window == made.context_window and set(model.capabilities) == set(made.capabilities)


def test_clouds_are_offered_only_when_named(catalog):
    """Copies of the same model would crowd every list of alternatives."""
    from llmwright.cost import Workload, cheaper_alternatives, estimate_cost

    gpt = catalog.resolve("openai:gpt-4o")
    workload = Workload(input_tokens=1000, output_tokens=100)
    cheaper = cheaper_alternatives(catalog, gpt, workload, estimate_cost(gpt, workload, PRICED_AT), limit=20)
    offered = [*cheaper.alternatives, *cheaper.step_down]
    assert offered and not any(a.model.split(":")[0] in ("azure", "bedrock", "vertex") for a in offered)


@pytest.mark.parametrize(
    ("ref", "dimensions", "per_million"),
    [
        ("openai:text-embedding-3-small", 1536, 0.02),
        ("openai:text-embedding-3-large", 3072, 0.13),
        ("azure:text-embedding-3-small", 1536, 0.02),
        ("google:gemini-embedding-001", 3072, 0.15),
        ("mistral:mistral-embed", 1024, 0.1),
        ("bedrock:amazon.titan-embed-text-v2:0", 1024, 0.02),
        ("ollama:nomic-embed-text", 768, 0.0),
    ],
)
def test_embedding_models_have_a_price_per_input_token_and_a_vector_size(catalog, ref, dimensions, per_million):
    model = catalog.resolve(ref)
    assert model.kind == "embedding" and model.dimensions == dimensions
    assert model.prices.input == pytest.approx(per_million) and model.context_window
    assert model not in catalog.find(provider=model.provider)  # chat look-ups never offer one
    assert model in catalog.find(provider=model.provider, kind="embedding")


def test_estimate_prices_embeddings_beside_a_chat_model_for_a_rag_pipeline(catalog):
    chunk = "Refunds are issued within 30 days of purchase when the item is unused. " * 20
    report = estimate(
        EstimateRequest(
            models=["openai:gpt-4o-mini"],
            embedding_models=["openai:text-embedding-3-small", "ollama:nomic-embed-text"],
            text=chunk,
            requests_per_day=1_000_000,
            at=PRICED_AT,
        ),
        catalog,
    )
    chat, small, local = report.results
    assert chat.model.kind == "chat" and small.model.kind == "embedding" and small.model.dimensions == 1536
    assert small.cost.output_usd == 0 and small.cost.per_call_usd == pytest.approx(small.tokens.tokens * 0.02 / 1e6)
    assert small.cost.per_day_usd == pytest.approx(small.cost.per_call_usd * 1_000_000)
    assert small.fit.fits and small.fit.context_window == 8191 and small.fit.max_output_tokens == 0
    assert local.cost.per_call_usd == 0 and not small.alternatives
    with pytest.raises(InvalidInput, match="is an embedding model"):
        estimate(EstimateRequest(models=["openai:text-embedding-3-small"], text="hi"), catalog)
    with pytest.raises(InvalidInput, match="not an embedding model"):
        estimate(EstimateRequest(embedding_models=["openai:gpt-4o"], text="hi"), catalog)


def test_estimate_embedding_on_the_command_line_reads_stdin() -> None:
    result = run_cli(
        "estimate", "--embedding", "openai:text-embedding-3-small", "-", "--requests-per-day", "1e6", "--format", "json",
        input="What is the refund window for unused items?",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)["results"]
    assert row["model"]["dimensions"] == 1536 and row["tokens"]["method"] == "exact" and row["cost"]["output_usd"] == 0
    table = run_cli(
        "estimate", "-e", "openai:text-embedding-3-small", "-m", "azure:gpt-4o", "What is the refund window?"
    )
    assert table.returncode == 0, table.stderr
    assert "1,536" in table.stdout and "azure:gpt-4o" in table.stdout and "$0.00000" in table.stdout


def test_a_catalog_only_cloud_says_how_to_call_it() -> None:
    result = run_cli("call", "Say hi", "-m", "bedrock:claude-sonnet-4-6", env={"LLMWRIGHT_CONFIG": ""})
    assert result.returncode == 2 and "[providers.bedrock] needs kind" in result.stderr
