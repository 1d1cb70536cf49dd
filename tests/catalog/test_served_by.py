"""A model is offered under a provider only when that provider serves it, and says where that is stated."""

from __future__ import annotations

import pytest

from llmwright.errors import UnknownModel
from llmwright.providers import provider_rows


@pytest.mark.parametrize("ref", ["openai:gpt-oss-120b", "openai:gpt-oss-20b", "openai:gpt-oss-safeguard-20b"])
def test_open_weights_openai_does_not_serve_are_not_offered_under_openai(catalog, ref: str) -> None:
    with pytest.raises(UnknownModel):
        catalog.resolve(ref)
    assert catalog.resolve("groq:openai/gpt-oss-120b").provider == "groq"  # served there, so offered there


def test_a_local_runtimes_cloud_models_are_hosted_and_never_free(catalog) -> None:
    cloud = [m for m in catalog.find(provider="ollama") if m.model.endswith("-cloud")]
    assert {m.ref for m in cloud} >= {"ollama:gpt-oss:120b-cloud", "ollama:qwen3-coder:480b-cloud"}
    for model in cloud:
        assert model.hosting == "hosted" and model.prices is None, model.ref
        assert not model.free_trial_tier
    assert all(m.hosting == "local" for m in catalog.find(provider="ollama") if not m.model.endswith("-cloud"))


def test_every_model_cites_where_its_provider_offers_it(catalog) -> None:
    for model in catalog.models:
        offered = [s for s in model.sources if s.covers == "offered by this provider"]
        assert offered, model.ref
        assert offered[0].ref == provider_rows()[model.provider].models_source


def test_residency_is_declared_with_a_source() -> None:
    for name, row in provider_rows().items():
        if row.residency:
            assert row.residency_source.startswith("https://"), name
        if row.hosting == "hosted":
            assert row.residency or row.residency_note, f"{name}: say why its residency is unknown"
