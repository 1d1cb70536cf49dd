"""The prompt library over MCP, in memory through the real `mcp` client."""

from __future__ import annotations

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError

from llmwright.prompts import load_library
from llmwright.server.server import build_server
from tests.gateway.conftest import config_toml

from .support import SequencedAnswers, valid_summary

MODEL, FAKE_MODEL = "openai:gpt-4o-mini", "gpt-4o-mini"
LIBRARY = load_library()


@pytest.fixture
def server(fake, tmp_path, monkeypatch):
    monkeypatch.setenv("LLMWRIGHT_CONFIG", str(config_toml(fake, tmp_path)))
    return build_server()  # its own gateway and library, from this configuration


async def test_every_template_is_an_mcp_prompt_with_its_arguments(server):
    async with Client(server) as client:
        listed = {p.name: p for p in (await client.list_prompts()).prompts}
        assert set(listed) == set(LIBRARY.names())
        roi = listed["roi-analysis"]
        assert roi.title == "ROI analysis" and roi.description.startswith("Return on investment")
        assert [(a.name, a.required) for a in roi.arguments] == [
            ("initiative", True),
            ("costs", True),
            ("benefits", True),
            ("horizon_months", False),
            ("discount_rate", False),
        ]
        summary = await client.get_prompt("executive-summary", {"findings": "p95 doubled", "audience": "the board"})
        (message,) = summary.messages
        assert (
            message.role == "user" and "for the board" in message.content.text and "p95 doubled" in message.content.text
        )
        troubleshooting = await client.get_prompt("troubleshooting-assistant", {"problem": "429s", "product": "API"})
        system, user = troubleshooting.messages
        assert "troubleshooting assistant for API" in system.content.text and user.content.text == "429s"
        with pytest.raises(MCPError, match=r"missing required variable\(s\) findings"):
            await client.get_prompt("executive-summary", {})
        with pytest.raises(MCPError, match=r"unknown variable\(s\) tone"):
            await client.get_prompt("executive-summary", {"findings": "x", "tone": "dry"})


async def test_run_prompt_validates_retries_once_and_reports_as_structured_output(fake, server):
    fake.answers = SequencedAnswers(**{FAKE_MODEL: [valid_summary(status="great"), valid_summary()]})
    async with Client(server) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert {"run_prompt", "list_prompt_templates"} <= set(tools)
        assert tools["run_prompt"].annotations.open_world_hint is True
        assert tools["run_prompt"].annotations.read_only_hint is False
        assert tools["list_prompt_templates"].annotations.read_only_hint is True
        assert tools["run_prompt"].output_schema
        result = await client.call_tool(
            "run_prompt", {"template": "executive-summary", "variables": {"findings": "x"}, "model": MODEL}
        )
        assert not result.is_error
        data = result.structured_content
        assert data["status"] == "ok" and data["output"]["status"] == "at_risk" and len(data["calls"]) == 2
        assert "'great' is not one of" in data["calls"][0]["validation_errors"][0]

        bad = await client.call_tool("run_prompt", {"template": "executive-summary", "variables": {}, "model": MODEL})
        assert bad.is_error and "missing required variable(s) findings" in bad.content[0].text
        unknown = await client.call_tool("run_prompt", {"template": "nope", "model": MODEL})
        assert unknown.is_error and "unknown prompt template 'nope'" in unknown.content[0].text

        listing = await client.call_tool("list_prompt_templates", {})
        names = [t["name"] for t in listing.structured_content["templates"]]
        assert names == LIBRARY.names() and "body" not in listing.structured_content["templates"][0]

        source = await client.read_resource("llmwright://prompts/roi-analysis")
        assert source.contents[0].text.startswith("---\nname: roi-analysis")


async def test_run_prompt_degrades_to_a_typed_result_when_disabled(fake, server, monkeypatch):
    monkeypatch.setenv("LLMWRIGHT_ENABLED", "0")
    async with Client(server) as client:
        result = await client.call_tool("run_prompt", {"template": "executive-summary", "variables": {"findings": "x"}})
    assert not result.is_error
    assert result.structured_content["status"] == "disabled" and fake.requests() == []
