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


def test_unknown_values_name_the_closest_valid_one_on_the_cli() -> None:
    for args, message in [
        (["--kind", "cod"], "Did you mean 'code'?"),
        (["--min-tier", "frontiers"], "Did you mean 'frontier'?"),
        (["--data-residency", "europa"], "Did you mean 'eu'?"),
        (["--needs", "vison"], "Did you mean 'vision'?"),
    ]:
        result = run_cli("select", "--task", "summarise news articles", *args)
        assert result.returncode == 2, args
        assert message in result.stderr and result.stderr.count("\n") == 1, result.stderr


def test_cli_defaults_are_stated_and_hold() -> None:
    report = json.loads(run_cli("select", "--task", "customer support chat answers", "--format", "json").stdout)
    chain = [report["primary"], *report["fallbacks"]]
    assert all(c["hosting"] == "hosted" for c in chain)
    assert any(r.startswith("Hosted models only (the default)") for r in report["rules"])
    assert report["primary"]["quality_evidence"] and report["primary"]["latency_evidence"]
    voice = run_cli("select", "--task", "voice assistant answering short questions", "--latency-p95", "2")
    assert voice.returncode == 0 and "No model fits every constraint" in voice.stdout
    assert "the latency budget (--latency-p95 2) removed" in voice.stdout and "cost budget" not in voice.stdout
    contract = json.loads(
        run_cli(
            "select", "--task", "answer questions about a contract", "--context", "700000", "--format", "json"
        ).stdout
    )
    assert contract["input_tokens"] == 700_000 and contract["primary"]["cost_per_request_usd"] > 0.05


def test_estimate_lists_alternatives_and_step_down_apart() -> None:
    result = run_cli("estimate", "-m", "openai:gpt-4o", "--format", "json", "Summarise this ticket for on-call")
    assert result.returncode == 0, result.stderr
    [row] = json.loads(result.stdout)["results"]
    assert row["alternatives"] and all(a["tier"] in ("mid", "strong", "frontier") for a in row["alternatives"])
    assert row["step_down"] and all(a["gives_up"].startswith("small tier instead of mid") for a in row["step_down"])
    table = run_cli("estimate", "-m", "openai:gpt-4o", "Summarise this ticket for on-call")
    assert "cheaper, same tier or better" in table.stdout and "step down:" in table.stdout


async def test_mcp_select_refuses_misspelled_requirements_and_estimate_splits_alternatives() -> None:
    async with Client(build_server()) as client:
        typo = await client.call_tool("select_model", {"requirements": {"task": "summarise news", "contxt": 5000}})
        assert typo.is_error and "unknown requirement 'contxt'. Did you mean 'context_tokens'?" in typo.content[0].text
        value = await client.call_tool("select_model", {"requirements": {"task": "summarise news", "kind": "summary"}})
        assert value.is_error and "Did you mean 'summarization'?" in value.content[0].text
        picked = await client.call_tool(
            "select_model", {"requirements": {"task": "summarise contracts", "data_residency": "eu"}}
        )
        assert not picked.is_error and picked.structured_content["primary"]["provider"] == "mistral"
        cost = await client.call_tool("estimate_cost", {"models": ["openai:gpt-4o"], "input_tokens": 2000})
        [row] = cost.structured_content["results"]
        assert all(a["tier"] != "small" for a in row["alternatives"])
        assert all(a["tier"] == "small" for a in row["step_down"])
        still_up = await client.call_tool("compare_models", {"models": ["openai:gpt-5"], "kind": "code"})
        assert still_up.structured_content["rows"][0]["thinking_tokens"] == 4719
