"""The `llmwright` command through its real entry point."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from llmwright.server.cli import cli
from tests.support.cli import run_cli


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_estimate_from_the_issue_prints_counts_costs_and_fit() -> None:
    result = run_cli("estimate", "--model", "openai:gpt-4o", "--model", "anthropic:claude-sonnet-4-6", "Hello")
    assert result.returncode == 0, result.stderr
    assert "exact" in result.stdout and "estimate ±12%" in result.stdout
    assert "128,000" in result.stdout and "yes" in result.stdout
    assert "$" in result.stdout


def test_estimate_json_is_stable_and_complete() -> None:
    result = invoke(
        "estimate", "-m", "openai:gpt-4o-mini", "--requests-per-day", "1000", "--format", "json", "Hello world"
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["schema_version"] == "1"
    (row,) = report["results"]
    assert set(row) == {"model", "tokens", "cost", "fit", "alternatives", "step_down", "alternatives_note", "warnings"}
    assert row["tokens"] | {} and row["tokens"]["tokens"] == 2 and row["tokens"]["method"] == "exact"
    assert row["cost"]["per_day_usd"] == pytest.approx(row["cost"]["per_call_usd"] * 1000)
    assert row["fit"]["fits"] is True


def test_estimate_reads_files_and_messages(tmp_path) -> None:
    prompt = tmp_path / "prompt.txt"
    prompt.write_text("Summarise the attached report in three bullet points.")
    messages = tmp_path / "chat.json"
    messages.write_text(json.dumps([{"role": "user", "content": "Hi"}]))
    by_file = invoke("estimate", "-m", "openai:gpt-4o", "--file", str(prompt), "--format", "json")
    by_messages = invoke("estimate", "-m", "openai:gpt-4o", "--messages", str(messages), "--format", "json")
    assert by_file.exit_code == 0 and by_messages.exit_code == 0
    assert json.loads(by_messages.output)["input_kind"] == "messages"
    assert json.loads(by_messages.output)["results"][0]["tokens"]["tokens"] == 3 + 1 + 1 + 3


def test_models_lists_and_filters() -> None:
    result = invoke("models", "--provider", "anthropic", "--capability", "vision,tools", "--format", "json")
    assert result.exit_code == 0
    listing = json.loads(result.output)
    assert listing["count"] == len(listing["models"]) > 0
    assert all(m["provider"] == "anthropic" and "vision" in m["capabilities"] for m in listing["models"])
    table = invoke("models", "--hosting", "local")
    assert table.exit_code == 0 and "ollama:llama3.2" in table.output


def _binary_file(tmp_path):
    path = tmp_path / "blob.bin"
    path.write_bytes(b"\x00\x01\x02binary")
    return str(path)


def _bad_json(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("[{not json")
    return str(path)


def _latin1(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("caf\xe9".encode("latin-1"))
    return str(path)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["estimate", "-m", "openai:gpt-4oo", "Hi"], "unknown model 'openai:gpt-4oo'"),
        (["estimate", "-m", "openai:gpt-4o", ""], "text is empty"),
        (["estimate", "-m", "openai:gpt-4o"], "give the prompt exactly one way"),
        (["estimate", "-m", "openai:gpt-4o", "--file", "/nonexistent/x.txt"], "file not found"),
        (["estimate", "-m", "openai:gpt-4o", "--file", _binary_file], "looks binary"),
        (["estimate", "-m", "openai:gpt-4o", "--file", _latin1], "not valid UTF-8"),
        (["estimate", "-m", "openai:gpt-4o", "--messages", _bad_json], "not valid JSON"),
        (["estimate", "-m", "openai:gpt-4o", "--requests-per-day", "-5", "Hi"], "requests_per_day"),
        (["estimate", "-m", "openai:gpt-4o", "--requests-per-day", "1e15", "Hi"], "requests_per_day"),
        (["estimate", "-m", "openai:gpt-4o", "--cache-hit", "1.5", "Hi"], "cache_hit"),
        (["estimate", "-m", "openai:gpt-4o", "--max-output", "100000", "Hi"], "over openai:gpt-4o's limit of 16,384"),
        (["estimate", "-m", "gpt-4o", "Hi"], "provider:model"),
        (["models", "--capability", "telepathy"], "unknown capability"),
        (["models", "--provider", "skynet"], "unknown provider"),
    ],
)
def test_bad_input_is_one_line_with_exit_code_2(tmp_path, args, message: str) -> None:
    args = [a(tmp_path) if callable(a) else a for a in args]
    result = run_cli(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_serve_refuses_a_public_bind_without_the_host_names_clients_use() -> None:
    result = run_cli("serve", "--transport", "http", "--host", "0.0.0.0", env={"LLMWRIGHT_MCP_TOKEN": ""})
    assert result.returncode == 2
    assert "--allow-host" in result.stderr
