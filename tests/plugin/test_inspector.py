"""`llmwright serve` through the plugin launcher, driven by the MCP Inspector CLI over stdio.

A second, independent MCP client (TypeScript SDK) sees every tool, prompt and resource, and
calls `estimate_cost`, `audit_repo` (on a fixture inside its --allow-root) and `run_prompt`
against the loopback fake provider. Each call is its own server process, as in a client.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.support.fake_provider import FakeProvider

from .support import LAUNCHER, ROOT, launcher_python, npm_tool, run, server_listing

pytestmark = pytest.mark.slow

SAMPLE = ROOT / "tests" / "audit" / "sample_project"
SUMMARY = {
    "headline": "Checkout LLM calls are not production ready",
    "status": "at_risk",
    "key_points": ["No timeout on the OpenAI client", "A retired model is still called"],
    "impact": "Checkout can hang for minutes when the provider is slow.",
    "risks": [{"risk": "hung requests", "likelihood": "high", "impact": "high", "mitigation": "30 s timeout"}],
    "decisions": [],
    "next_steps": [{"action": "Add timeouts and a fallback model", "owner": "platform team"}],
}


@pytest.fixture
def fake():
    with FakeProvider() as server:
        yield server


def inspector_calls(tmp_path: Path, fake: FakeProvider) -> dict[str, Any]:
    inspector = npm_tool("mcp-inspector")
    config = tmp_path / "llmwright.toml"
    config.write_text(
        f"""
[providers.openai]
base_url = "{fake.url("p1")}"
timeout_s = 5
max_retries = 0
[cache]
backend = "off"
[gateway]
ledger_path = "{tmp_path / "usage.jsonl"}"
[prompts]
model = "openai:gpt-4o-mini"
""",
        encoding="utf-8",
    )
    env = {
        "OPENAI_API_KEY": "sk-inspector-test-0123456789",
        "LLMWRIGHT_CONFIG": str(config),
        "LLMWRIGHT_CACHE_DIR": str(tmp_path / "cache"),
        "LLMWRIGHT_ENABLED": None,
        "LLMWRIGHT_PYTHON": launcher_python(),
    }
    # Inspector 2.x starts a stdio server with a minimal environment of its own (PATH, HOME, ...):
    # what the server needs beyond that is passed with -e, as a user would.
    passed = [arg for name, value in env.items() if value is not None for arg in ("-e", f"{name}={value}")]
    server = [*passed, str(LAUNCHER), "serve", "--allow-root", str(SAMPLE)]
    tool = ["--method", "tools/call", "--tool-name"]
    cost = ['models=["openai:gpt-4o-mini"]', "input_tokens=1200", "expected_output=300", "requests_per_day=50000"]
    findings = "LLM101 no timeout at app/clients.py:9; LLM108 retired model at app/main.py:32"
    summarise = ["template=executive-summary", f'variables={{"findings": "{findings}"}}']
    calls: dict[str, list[str]] = {
        "tools": ["--method", "tools/list", "--strict"],  # --strict: the schema portability check in detail
        "prompts": ["--method", "prompts/list"],
        "resources": ["--method", "resources/list"],
        "cost": [*tool, "estimate_cost", "--tool-arg", *cost],
        "audit": [*tool, "audit_repo", "--tool-arg", f"path={SAMPLE}"],
        "prompt": [*tool, "run_prompt", "--tool-arg", *summarise],
    }

    def call(args: list[str]) -> Any:
        # a generous connect timeout: a loaded CI machine can take longer than the default 15 s
        result = run(
            inspector, "--cli", "--connect-timeout", "90000", *server, *args, cwd=tmp_path, env=env, timeout=180
        )
        assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
        if "--strict" in args:  # an `Any` field is an empty schema some clients refuse or cannot use
            assert "Warning: tool" not in result.stdout + result.stderr, result.stdout[-2000:] + result.stderr
        return json.loads(result.stdout)

    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(zip(calls, pool.map(call, calls.values()), strict=True))


def test_inspector_lists_everything_and_calls_the_tools(tmp_path, fake):
    fake.answers["gpt-4o-mini"] = json.dumps(SUMMARY)
    answers = inspector_calls(tmp_path, fake)
    expected = server_listing()

    assert sorted(t["name"] for t in answers["tools"]["tools"]) == sorted(expected["tools"])
    assert all(t.get("outputSchema") for t in answers["tools"]["tools"]), "every tool declares structured output"
    prompt_files = {p.stem for p in (ROOT / "prompts").glob("*.md") if p.name != "README.md"}
    assert {p["name"] for p in answers["prompts"]["prompts"]} >= prompt_files
    assert sorted(r["uri"] for r in answers["resources"]["resources"]) == sorted(expected["resources"])

    cost = answers["cost"]["structuredContent"]["results"][0]["cost"]
    assert cost["per_call_usd"] == pytest.approx(0.00036)  # 1200 x $0.15/M + 300 x $0.60/M
    assert cost["per_month_usd"] == pytest.approx(540.0)

    report = answers["audit"]["structuredContent"]
    found = {(f["rule"], f["path"], f["line"]) for f in report["findings"]}
    assert {("LLM101", "app/clients.py", 9), ("LLM108", "app/main.py", 32)} <= found
    assert report["scores"][-1]["category"] == "overall"

    ran = answers["prompt"]["structuredContent"]
    assert ran["status"] == "ok" and ran["output"] == SUMMARY
    assert ran["provider"] == "openai" and ran["model"] == "gpt-4o-mini"
    sent = fake.requests("p1")
    assert len(sent) == 1 and "LLM108 retired model" in json.dumps(sent[0].body)


def test_the_launchers_server_works_in_a_project_with_its_own_tools_and_mcp_server(tmp_path):
    """LLM apps often have a `tools/` package: the plugin must not import it (nor `mcp_server/`)."""
    inspector = npm_tool("mcp-inspector")
    project = tmp_path / "my-llm-app"
    for name in ("tools", "mcp_server"):
        (project / name).mkdir(parents=True)
        (project / name / "__init__.py").write_text(f"raise ImportError('the user\\'s own {name}')\n")
    env = {"LLMWRIGHT_PYTHON": launcher_python(), "LLMWRIGHT_NO_INSTALL": "1"}
    passed = [arg for name, value in env.items() for arg in ("-e", f"{name}={value}")]  # Inspector 2.x: not inherited
    result = run(
        inspector,
        "--cli",
        "--connect-timeout",
        "90000",
        *passed,
        str(LAUNCHER),
        "serve",
        "--method",
        "tools/list",
        cwd=project,
        env=env,
        timeout=180,
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    listed = sorted(tool["name"] for tool in json.loads(result.stdout)["tools"])
    assert listed == sorted(server_listing()["tools"])
    assert "the user's own" not in result.stderr
