"""What the gateway refuses before sending: retired and unknown models, output over a model's
limit, a prompt over every window; a deprecated model is sent with one warning."""

from __future__ import annotations

import logging
import time

import pytest

from llmwright.config import Config
from llmwright.errors import InvalidInput, UnknownModel
from llmwright.gateway import CallRequest, Gateway, ModelRetired, RequestRefused, preflight
from tests.support.cli import run_cli

from .conftest import KEYS, config_for, config_toml

RETIRED = "anthropic:claude-sonnet-4-5"  # retires 2026-11-30


@pytest.fixture(autouse=True)
def _after_retirement(monkeypatch):
    monkeypatch.setenv("LLMWRIGHT_TODAY", "2026-12-02")
    preflight._warned.clear()


async def test_a_retired_model_is_refused_before_sending_naming_its_replacement(fake, tmp_path):
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        with pytest.raises(ModelRetired) as refused:
            await gateway.complete("Say hi", RETIRED, fallback=["openai:gpt-4o-mini"])
    assert refused.value.ref == "anthropic:claude-sonnet-4-5-20250929"
    assert str(refused.value.retired_on) == "2026-11-30"
    assert refused.value.replacement == "anthropic:claude-sonnet-5-5"
    assert "use anthropic:claude-sonnet-5-5 instead" in str(refused.value)
    assert isinstance(refused.value, InvalidInput)  # exit 2 from the CLI, a tool error over MCP
    assert fake.requests() == []


async def test_allow_retired_sends_it_anyway(fake, tmp_path):
    config = config_for(fake, tmp_path, gateway={"allow_retired": True})
    async with Gateway(config) as gateway:
        result = await gateway.complete("Say hi", RETIRED)
    assert result.text and [r.model for r in fake.requests("p2")] == ["claude-sonnet-4-5"]


async def test_a_deprecated_model_is_sent_with_one_warning_naming_its_date(fake, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("LLMWRIGHT_TODAY", "2026-11-29")
    caplog.set_level(logging.WARNING, logger="llmwright.gateway")
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        for _ in range(3):
            await gateway.complete("Say hi", RETIRED)
    async with Gateway(config_for(fake, tmp_path)) as again:
        await again.complete("Say hi", RETIRED)
    warnings = [r.getMessage() for r in caplog.records if "deprecated" in r.getMessage()]
    assert warnings == [
        "anthropic:claude-sonnet-4-5-20250929 is deprecated (retires on 2026-11-30); "
        "plan a move to anthropic:claude-sonnet-5-5"
    ]
    assert len(fake.requests("p2")) == 4


async def test_an_unknown_name_is_refused_with_the_closest_names(tmp_path):
    async with Gateway(Config(), ledger=None, cache=None) as gateway:  # the real endpoints: nothing may go out
        with pytest.raises(UnknownModel) as unknown:
            await gateway.complete("Say hi", "openai:gpt-4o-mni")
    assert "openai:gpt-4o-mini" in unknown.value.suggestions


async def test_names_the_catalog_cannot_know_still_go_out(fake, tmp_path):
    """A provider pointed at another endpoint, a local server or a fine-tune may serve any name."""
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        proxied = await gateway.complete("Say hi", "openai:my-company-model")
        local = await gateway.complete("Say hi", "ollama:my-own-llama")
    assert proxied.text and local.text
    async with Gateway(Config(), ledger=None, cache=None) as gateway:
        preflight.check_model(gateway.target("openai:ft:gpt-4o-mini:acme::abc123"), gateway.config)


async def test_max_tokens_over_a_models_output_limit_is_refused(fake, tmp_path):
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        with pytest.raises(RequestRefused, match="max_tokens 100,000 is over openai:gpt-4o-mini's output limit"):
            await gateway.complete(CallRequest.from_prompt("Say hi", max_tokens=100_000), "openai:gpt-4o-mini")
    assert fake.requests() == []


async def test_a_prompt_over_every_window_is_refused_with_its_tokens_counted_fast(fake, tmp_path):
    huge = "All work and no play makes Jack a dull boy. " * 1_200_000  # ~53 MB
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        started = time.perf_counter()
        with pytest.raises(RequestRefused) as refused:
            await gateway.complete(huge, "openai:gpt-4o-mini")
        assert time.perf_counter() - started < 30  # it counts a window's worth, not 53 MB
        message = str(refused.value)
        assert "over " in message and "tokens" in message and "openai:gpt-4o-mini's 128,000-token" in message
        fits_somewhere = "word " * 150_000  # over gpt-4o-mini's window, within claude-sonnet-4-6's
        result = await gateway.complete(fits_somewhere, "openai:gpt-4o-mini", fallback=["anthropic:claude-sonnet-4-6"])
        assert result.text
    assert len(fake.requests()) >= 1


def test_call_refuses_a_retired_model_with_exit_2_and_allow_retired_overrides(fake, tmp_path):
    config = str(config_toml(fake, tmp_path))
    env = {**KEYS, "LLMWRIGHT_TODAY": "2026-12-02"}
    refused = run_cli("call", "Say hi", "-m", RETIRED, "--config", config, env=env)
    assert refused.returncode == 2, refused.stderr
    assert refused.stderr.startswith("error: anthropic:claude-sonnet-4-5-20250929 is retired (since 2026-11-30)")
    assert "anthropic:claude-sonnet-5-5" in refused.stderr and len(refused.stderr.splitlines()) == 1
    as_json = run_cli("call", "Say hi", "-m", RETIRED, "--config", config, "--format", "json", env=env)
    assert as_json.returncode == 2 and as_json.stdout == ""
    sent = run_cli("call", "Say hi", "-m", RETIRED, "--allow-retired", "--config", config, env=env)
    assert sent.returncode == 0 and sent.stdout.strip() == "Hello from the fake provider."
    deprecated = run_cli(
        "call", "-", "-m", RETIRED, "--config", config, input="Say hi", env={**env, "LLMWRIGHT_TODAY": "2026-11-29"}
    )
    assert deprecated.returncode == 0
    assert deprecated.stderr.splitlines()[0] == (
        "warning: anthropic:claude-sonnet-4-5-20250929 is deprecated (retires on 2026-11-30); "
        "plan a move to anthropic:claude-sonnet-5-5"
    )
