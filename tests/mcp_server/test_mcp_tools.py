"""The MCP tools through the real `mcp` client: in memory and over stdio."""

from __future__ import annotations

import json
import os
import sys

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from llmwright.server.server import build_server
from tests.support.cli import ROOT, llmwright_command

TOOLS = {"list_models", "estimate_tokens", "estimate_cost"}


async def _exercise(client: Client) -> None:
    listed = await client.list_tools()
    tools = {tool.name: tool for tool in listed.tools}
    assert set(tools) >= TOOLS
    for name in TOOLS:
        annotations = tools[name].annotations
        assert annotations.read_only_hint and annotations.idempotent_hint  # open world: see test_annotations
        assert tools[name].output_schema, f"{name} must declare structured output"

    models = await client.call_tool("list_models", {"provider": "anthropic", "capabilities": ["vision"], "limit": 5})
    assert not models.is_error
    assert models.structured_content["count"] >= len(models.structured_content["models"]) > 0

    tokens = await client.call_tool(
        "estimate_tokens", {"models": ["openai:gpt-4o", "anthropic:claude-sonnet-4-6"], "text": "Hello world"}
    )
    assert not tokens.is_error
    methods = [r["method"] for r in tokens.structured_content["results"]]
    assert methods == ["exact", "estimate"]
    assert tokens.structured_content["results"][0]["tokens"] == 2

    cost = await client.call_tool(
        "estimate_cost",
        {"models": ["openai:gpt-4o-mini"], "input_tokens": 1000, "expected_output": 0, "requests_per_day": 100},
    )
    assert not cost.is_error
    row = cost.structured_content["results"][0]
    assert row["cost"]["per_call_usd"] == pytest.approx(0.00015)  # $0.15 / M input
    assert row["cost"]["per_day_usd"] == pytest.approx(0.015)

    bad = await client.call_tool("estimate_cost", {"models": ["openai:gpt-4oo"], "text": "hi"})
    assert bad.is_error
    assert "unknown model 'openai:gpt-4oo'" in bad.content[0].text and "gpt-4o" in bad.content[0].text

    bad_args = await client.call_tool("estimate_cost", {"models": [], "text": "hi"})
    assert bad_args.is_error

    neither = await client.call_tool("estimate_tokens", {"models": ["openai:gpt-4o"]})
    assert neither.is_error and "exactly one of text, messages or input_tokens" in neither.content[0].text

    bad_messages = await client.call_tool("estimate_tokens", {"models": ["openai:gpt-4o"], "messages": [{"role": "x"}]})
    assert bad_messages.is_error and "role must be one of" in bad_messages.content[0].text

    still_up = await client.call_tool("list_models", {"search": "gpt-4o-mini", "limit": 1})
    assert not still_up.is_error

    resources = await client.list_resources()
    assert "llmwright://catalog" in {str(r.uri) for r in resources.resources}
    catalog = await client.read_resource("llmwright://catalog")
    assert json.loads(catalog.contents[0].text)["count"] > 1000


async def test_tools_in_memory() -> None:
    async with Client(build_server()) as client:
        await _exercise(client)


async def test_a_misspelled_config_is_a_tool_error_and_the_server_stays_up(tmp_path, monkeypatch) -> None:
    config = tmp_path / "llmwright.toml"
    config.write_text("[gatway]\ndeadline_s = 5\n")
    monkeypatch.setenv("LLMWRIGHT_CONFIG", str(config))
    async with Client(build_server()) as client:
        for tool in ("usage_report", "provider_status"):
            result = await client.call_tool(tool, {})
            assert result.is_error
            assert "unknown table [gatway]; did you mean [gateway]?" in result.content[0].text
        assert not (await client.call_tool("list_models", {"limit": 1})).is_error


async def test_the_lifespan_closes_the_servers_gateway(fake, tmp_path, monkeypatch) -> None:
    from llmwright.server.state import ServerState
    from tests.gateway.conftest import config_toml

    monkeypatch.setenv("LLMWRIGHT_CONFIG", str(config_toml(fake, tmp_path)))
    state = ServerState.create()
    async with Client(build_server(state=state)) as client:
        assert not (await client.call_tool("provider_status", {})).is_error
        gateway = state._gateway
        assert gateway is not None
        again = await client.call_tool("provider_status", {})
        assert state._gateway is gateway and not again.is_error  # one gateway for the server's life
    assert state._gateway is None  # closed when the server stopped


async def test_tools_over_stdio(tmp_path) -> None:
    command, *args = llmwright_command()
    params = StdioServerParameters(
        command=command,
        args=[*args, "serve"],
        cwd=str(ROOT),
        env={"LLMWRIGHT_DATA_DIR": str(tmp_path), "PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT)},
    )
    async with Client(params, read_timeout_seconds=60) as client:
        await _exercise(client)


def test_python_dash_m_entry_point() -> None:
    import subprocess

    result = subprocess.run(
        [sys.executable, "-m", "llmwright.server", "--version"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0 and "llmwright" in result.stdout
