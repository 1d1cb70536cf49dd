"""`llmwright select` and the `select_model` / `compare_models` MCP tools."""

from __future__ import annotations

import json
import tomllib

from mcp import Client

from llmwright.server.server import build_server
from tests.support.cli import run_cli

DONE_WHEN = [
    "select",
    "--task",
    "classify support tickets into 12 categories",
    "--requests-per-day",
    "2000000",
    "--max-cost-per-day",
    "200",
    "--needs",
    "structured_output",
]


def test_select_from_the_issue_prints_a_signed_off_recommendation() -> None:
    table = run_cli(*DONE_WHEN)
    assert table.returncode == 0, table.stderr
    assert "primary" in table.stdout and "fallback 1" in table.stdout and "[routes.classification]" in table.stdout
    report = json.loads(run_cli(*DONE_WHEN, "--format", "json").stdout)
    assert report["primary"]["tier"] in ("small", "mid")
    assert report["primary"]["cost_per_month_usd"] / 30 <= 200
    assert report["fallbacks"][0]["provider"] != report["primary"]["provider"]
    assert tomllib.loads(report["route_snippet"])["routes"]["classification"]["chain"][0] == report["primary"]["model"]
    markdown = run_cli(*DONE_WHEN, "--format", "markdown")
    assert markdown.stdout.startswith("## Model recommendation") and "| primary |" in markdown.stdout


def test_select_bad_input_is_one_line() -> None:
    result = run_cli("select", "--task", "x y z", "--local-only", "--providers", "openai")
    assert result.returncode == 2 and "local-only contradicts" in result.stderr
    result = run_cli("select", "--task", "x y z", "--needs", "telepathy")
    assert result.returncode == 2 and "unknown capability" in result.stderr
    result = run_cli("select", "--task", "x y z", "--max-cost-per-day", "5")
    assert result.returncode == 2 and "requests_per_day" in result.stderr


async def test_select_and_compare_over_mcp() -> None:
    async with Client(build_server()) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        assert {"select_model", "compare_models"} <= names
        picked = await client.call_tool(
            "select_model", {"requirements": {"task": "summarise news", "local_only": True}}
        )
        assert not picked.is_error
        assert picked.structured_content["primary"]["hosting"] == "local"
        compared = await client.call_tool(
            "compare_models", {"models": ["openai:gpt-4o-mini", "anthropic:claude-haiku-4-5"], "requests_per_day": 1000}
        )
        assert not compared.is_error
        rows = compared.structured_content["rows"]
        assert [r["model"] for r in rows] == ["openai:gpt-4o-mini", "anthropic:claude-haiku-4-5"]
        assert all(r["cost_per_month_usd"] > 0 for r in rows)
        bad = await client.call_tool("select_model", {"requirements": {"task": "x y", "providers": ["skynet"]}})
        assert bad.is_error and "unknown provider" in bad.content[0].text
