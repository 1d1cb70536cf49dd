"""Scenario tests for model selection, with hand-checked expectations."""

from __future__ import annotations

import pytest

from llmwright.catalog import load_ratings
from llmwright.errors import InvalidInput
from llmwright.select import Requirements, recommend
from llmwright.select.quality import quality_for


def chosen(result):
    return [result.primary, *result.fallbacks]


def test_high_volume_simple_classification_gets_a_small_cheap_model(catalog) -> None:
    result = recommend(
        Requirements(
            task="classify support tickets into 12 categories",
            requests_per_day=2_000_000,
            max_cost_per_day=200,
            needs=["structured_output"],
            input_tokens=400,
            output_tokens=10,
        ),
        catalog,
    )
    assert result.kind == "classification" and result.complexity == "low"
    assert result.primary is not None
    assert result.primary.tier in ("small", "mid")
    for choice in chosen(result):
        assert "structured_output" in choice.capabilities
        if choice.hosting == "hosted":
            assert choice.cost_per_month_usd / 30 <= 200 + 1e-9


def test_air_gapped_request_gets_only_local_models(catalog) -> None:
    result = recommend(Requirements(task="summarise internal incident reports", local_only=True), catalog)
    assert result.primary is not None
    assert all(choice.hosting == "local" for choice in chosen(result))
    assert any("local-only" in reason for r in result.rejected for reason in r.reasons)


def test_huge_context_gets_only_models_whose_window_fits(catalog) -> None:
    result = recommend(Requirements(task="answer questions over a long contract", context_tokens=600_000), catalog)
    assert result.primary is not None
    assert all(choice.context_window >= 600_300 for choice in chosen(result))
    assert any("context window" in reason for r in result.rejected for reason in r.reasons)


def test_vision_task_gets_only_vision_models(catalog) -> None:
    result = recommend(Requirements(task="read totals from photos of receipts"), catalog)
    assert result.kind == "vision"
    assert all("vision" in choice.capabilities for choice in chosen(result))


def test_quality_first_agentic_coding_gets_a_frontier_model(catalog) -> None:
    result = recommend(Requirements(task="autonomous agentic coding across a large repository", kind="code"), catalog)
    assert result.complexity == "high"
    assert result.primary.tier == "frontier"


def test_first_fallback_is_on_another_provider(catalog) -> None:
    result = recommend(Requirements(task="customer support chat assistant", requests_per_day=10_000), catalog)
    assert result.fallbacks
    assert result.fallbacks[0].provider != result.primary.provider


def test_rejected_models_name_the_violated_constraint(catalog) -> None:
    result = recommend(Requirements(task="extract invoice fields", needs=["vision"], providers=["openai"]), catalog)
    reasons = {reason for r in result.rejected for reason in r.reasons}
    assert any(reason.startswith("provider") for reason in reasons)
    assert all(choice.provider == "openai" for choice in chosen(result) if choice.hosting == "hosted")


def test_contradictory_constraints_are_refused(catalog) -> None:
    with pytest.raises(InvalidInput, match="local-only contradicts"):
        recommend(Requirements(task="anything at all", local_only=True, providers=["openai"]), catalog)


def test_impossible_budget_says_what_to_relax(catalog) -> None:
    result = recommend(Requirements(task="write legal analysis", complexity="high", max_cost_per_request=1e-9), catalog)
    assert result.primary is None
    assert any("cost budget" in line for line in result.relax)


def test_route_snippet_is_ready_to_paste(catalog) -> None:
    import tomllib

    result = recommend(Requirements(task="summarise news articles"), catalog)
    route = tomllib.loads(result.route_snippet)["routes"]
    (chain,) = [r["chain"] for r in route.values()]
    assert chain[0] == result.primary.model and len(chain) == 1 + len(result.fallbacks)


def test_same_inputs_same_answer(catalog) -> None:
    req = Requirements(task="translate product descriptions into German", requests_per_day=5000)
    assert recommend(req, catalog).model_dump() == recommend(req, catalog).model_dump()


def test_unknown_provider_is_an_error(catalog) -> None:
    with pytest.raises(InvalidInput, match="unknown provider"):
        recommend(Requirements(task="anything at all", providers=["skynet"]), catalog)


def test_a_coding_model_is_not_the_fallback_for_summaries_but_keeps_its_tier_for_code(catalog) -> None:
    """Devstral and Codestral are built for code: off their kind they rate a tier lower, and say why."""
    summaries = recommend(
        Requirements(task="summarise support tickets for a CRM", requests_per_day=50_000, input_tokens=2_000),
        catalog,
    )
    assert not {choice.model for choice in chosen(summaries)} & {
        "mistral:devstral-medium-latest",
        "mistral:codestral-latest",
    }
    ratings = load_ratings(catalog)
    devstral = ratings.of("mistral:devstral-medium-latest")
    assert devstral is not None and devstral.tier == "mid"
    off_kind = quality_for(devstral, "summarization", ratings)
    assert off_kind.value == 0.45 and "built for code" in off_kind.evidence
    on_kind = quality_for(devstral, "code", ratings)
    assert on_kind.value >= 0.65 and "built for code" not in on_kind.evidence
    codestral = ratings.of("mistral:codestral-latest")
    assert codestral is not None and quality_for(codestral, "chat", ratings).value < 0.45
