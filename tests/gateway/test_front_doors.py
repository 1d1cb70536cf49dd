"""`llmwright call`, `llmwright usage` and the MCP tools, against the fake provider; and the canary key."""

from __future__ import annotations

import json
import logging

import pytest
from mcp import Client

from llmwright.config import load_config
from llmwright.gateway import Gateway, LLMError
from llmwright.server.server import build_server
from tests.support.cli import run_cli
from tests.support.fake_provider import Fault

from .conftest import CANARY, KEYS, config_toml

PRIMARY, SECONDARY = "anthropic:claude-sonnet-4-6", "openai:gpt-4o-mini"


@pytest.fixture
def mcp_config(fake, tmp_path, monkeypatch):
    monkeypatch.setenv("LLMWRIGHT_CONFIG", str(config_toml(fake, tmp_path)))
    return tmp_path  # each build_server() has its own gateway, built from this configuration


def test_cli_call_with_fallback_text_and_json(fake, tmp_path):
    config = str(config_toml(fake, tmp_path))
    fake.fail("p2", *[Fault("status", 503)] * 3)
    text = run_cli("call", "Say hi", "--model", PRIMARY, "--fallback", SECONDARY, "--config", config, env=KEYS)
    assert text.returncode == 0, text.stderr
    assert text.stdout.strip() == "Hello from the fake provider."
    assert "openai:gpt-4o-mini" in text.stderr and "4 attempt(s)" in text.stderr
    as_json = run_cli(
        "call", "Say hi", "-m", PRIMARY, "-f", SECONDARY, "--config", config, "--format", "json", env=KEYS
    )
    data = json.loads(as_json.stdout)
    assert set(data) >= {"text", "provider", "model", "usage", "cost_usd", "latency_ms", "cached", "attempts"}
    assert data["cached"] is True and data["provider"] == "openai"  # the sqlite cache outlives the process
    assert len(fake.requests("p1")) == 1


def test_cli_call_streams_and_fails_in_one_line(fake, tmp_path):
    config = str(config_toml(fake, tmp_path))
    streamed = run_cli("call", "Say hi", "-m", SECONDARY, "--stream", "--config", config, env=KEYS)
    assert streamed.returncode == 0 and streamed.stdout.strip() == "Hello from the fake provider."
    fake.fault_rate("p1", 1.0, [Fault("status", 500)])
    failed = run_cli("call", "Say hi again", "-m", SECONDARY, "--config", config, env=KEYS)
    assert failed.returncode == 1
    assert failed.stderr.startswith("error: every provider failed (3 attempts") and "Traceback" not in failed.stderr
    assert failed.stderr.count("\n") == 1 and "ProviderUnavailable: " in failed.stderr and " x3)" in failed.stderr
    bad = run_cli("call", "Say hi", "--config", config, env=KEYS)
    assert bad.returncode == 2 and "give a model" in bad.stderr


def test_cli_usage(fake, tmp_path):
    config = str(config_toml(fake, tmp_path))
    run_cli("call", "Say hi", "-m", SECONDARY, "--config", config, env=KEYS)
    report = run_cli("usage", "--ledger", str(tmp_path / "usage.jsonl"), "--format", "json")
    data = json.loads(report.stdout)
    assert data["calls"] == 1 and data["per_model"][0]["model"] == "openai:gpt-4o-mini"
    table = run_cli("usage", "--ledger", str(tmp_path / "usage.jsonl"))
    assert "1 calls" in table.stdout and "openai:gpt-4o-mini" in table.stdout


async def test_mcp_tools_listed_and_callable(fake, mcp_config):
    progress: list[float] = []

    async def on_progress(value, total, message):
        progress.append(value)

    async with Client(build_server()) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert {"call_llm", "provider_status", "usage_report"} <= set(tools)
        assert tools["call_llm"].annotations.open_world_hint is True
        assert tools["call_llm"].annotations.idempotent_hint is False
        result = await client.call_tool(
            "call_llm", {"prompt": "Say hi", "model": PRIMARY, "fallback": [SECONDARY]}, progress_callback=on_progress
        )
        assert not result.is_error
        assert result.structured_content["text"] == "Hello from the fake provider."
        assert progress and progress[-1] == len("Hello from the fake provider.")
        bad = await client.call_tool("call_llm", {"prompt": "x", "model": "nope"})
        assert bad.is_error and "provider:model" in bad.content[0].text
        status = await client.call_tool("provider_status", {})
        providers = {p["provider"]: p for p in status.structured_content["providers"]}
        assert providers["anthropic"]["breaker"] == "closed" and providers["anthropic"]["recent_calls"] == 1
        usage = await client.call_tool("usage_report", {})
        assert usage.structured_content["calls"] == 1


async def test_canary_key_never_leaks(fake, tmp_path, monkeypatch, caplog):
    """The provider echoes the key in its error (as OpenAI's 401 does); it must not get past the gateway."""
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("LLMWRIGHT_CONFIG", str(config_toml(fake, tmp_path, extra='redact = "mask"')))
    fake.fail("p1", Fault("status", 401, message=f"Incorrect API key provided: {CANARY}"))
    fake.fail("p1", Fault("status", 500, message=f"upstream saw {CANARY}"))
    outputs: list[str] = []
    async with Gateway(load_config()) as gateway:
        with pytest.raises(LLMError) as caught:
            await gateway.complete("hi", SECONDARY)
        outputs += [str(caught.value), json.dumps([a.model_dump() for a in caught.value.attempts])]
        result = await gateway.complete(f"my key is {CANARY}", SECONDARY, fallback=[PRIMARY])
        outputs.append(result.model_dump_json())
        outputs.append(json.dumps([s.model_dump() for s in await gateway.status()]))
    outputs.append(str(fake.requests("p1")[-1].body))  # redaction masked the key in the prompt too
    cli = run_cli("call", "hi", "-m", SECONDARY, "--format", "json", env={**KEYS, "LLMWRIGHT_LOG_LEVEL": "DEBUG"})
    outputs += [cli.stdout, cli.stderr]
    outputs += [record.getMessage() for record in caplog.records]
    outputs += [(tmp_path / "usage.jsonl").read_text(), (tmp_path / "cache.sqlite3").read_bytes().decode("latin-1")]
    for text in outputs:
        assert CANARY not in text


async def test_every_provider_failed_says_why_without_the_key(fake, tmp_path, monkeypatch):
    """The one-line summary quotes each attempt's reason; a provider echoing the key must not put it there."""
    monkeypatch.setenv("LLMWRIGHT_CONFIG", str(config_toml(fake, tmp_path)))
    fake.fault_rate("p1", 1.0, [Fault("status", 500, message=f"upstream rejected key {CANARY}")])
    fake.fault_rate("p2", 1.0, [Fault("status", 503)])
    async with Gateway(load_config()) as gateway:
        with pytest.raises(LLMError) as caught:
            await gateway.complete("hi", SECONDARY, fallback=[PRIMARY])
    message = str(caught.value)
    assert CANARY not in message
    assert message == (
        "every provider failed (6 attempts: "
        f"{SECONDARY} error ProviderUnavailable: HTTP 500: upstream rejected key *** x3; "  # retries counted
        f"{PRIMARY} error Overloaded: HTTP 503: injected fault x3)"
    )
