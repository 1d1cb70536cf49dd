"""Bad input from people and scripts: one line on stderr and exit 2 from the CLI (never an internal
error, never a silent success), a tool error from the matching MCP tool; `-` reads standard input;
a reader that goes away (`| head -1`) ends the command quietly."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from mcp import Client
from mcp_types import ListRootsResult, Root

from llmwright.server.server import build_server
from tests.support.cli import ROOT, llmwright_command, run_cli

TODAY = {"LLMWRIGHT_TODAY": "2026-12-02", "LLMWRIGHT_CONFIG": "", "OPENAI_API_KEY": "sk-test-000000000000000000000000"}
HUGE_PROMPT = "All work and no play makes Jack a dull boy. " * 1_200_000  # ~53 MB


def _file(name: str, data: bytes) -> Callable[[Path], str]:
    def make(tmp_path: Path) -> str:
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return make


BINARY = _file("blob.bin", b"\x00\x01\x02\xffbinary")
LATIN1 = _file("latin.jsonl", '{"kind": "call", "model": "caf\xe9"}\n'.encode("latin-1"))
MISSING = lambda tmp_path: str(tmp_path / "missing.jsonl")  # noqa: E731


# (args, standard input, what the one line must say)
CLI_CASES = {
    "usage-binary-ledger": (["usage", "--ledger", BINARY], None, "is binary, not a usage ledger"),
    "usage-latin1-ledger": (["usage", "--ledger", LATIN1], None, "not UTF-8"),
    "usage-missing-ledger": (["usage", "--ledger", MISSING], None, "no such file"),
    "select-missing-ledger": (["select", "--task", "classify tickets", "--ledger", MISSING], None, "no such file"),
    "usage-since-yesterday": (["usage", "--since", "yesterday"], None, "is neither an ISO date or time"),
    "estimate-expected-output-huge": (
        ["estimate", "-m", "openai:gpt-4o-mini", "--expected-output", "100000000000", "Hi"],
        None,
        "expected_output",
    ),
    "estimate-expected-output-float": (
        ["estimate", "-m", "openai:gpt-4o-mini", "--expected-output", "1e11", "Hi"],
        None,
        "'1e11' is not a valid integer",
    ),
    "estimate-stdin-binary": (["estimate", "-m", "openai:gpt-4o-mini", "-"], "a\x00b", "looks binary"),
    "estimate-stdin-empty": (["estimate", "-m", "openai:gpt-4o-mini", "-"], "  \n", "standard input is empty"),
    "estimate-messages-stdin-not-json": (
        ["estimate", "-m", "openai:gpt-4o-mini", "--messages", "-"],
        "[{not json",
        "is not valid JSON",
    ),
    "estimate-no-model": (["estimate", "Hi"], None, "give a model"),
    "select-eval-stdin-not-json": (
        ["select", "--eval", "-", "--candidates", "openai:gpt-4o-mini"],
        "{not json\n",
        "standard input line 1: not valid JSON",
    ),
    "estimate-embedding-as-chat": (["estimate", "-m", "openai:text-embedding-3-small", "Hi"], None, "--embedding"),
    "session-append-binary-file": (["session", "append", "--agent", "me", "--file", BINARY], None, "looks binary"),
    "session-append-binary-stdin": (["session", "append", "--agent", "me", "-"], "# r\x00", "looks binary"),
    "call-unknown-model": (["call", "Hi", "-m", "openai:gpt-4o-mni"], None, "unknown model 'openai:gpt-4o-mni'"),
    "call-embedding-model": (["call", "Hi", "-m", "openai:text-embedding-3-small"], None, "is an embedding model"),
    "call-retired-model": (["call", "Hi", "-m", "anthropic:claude-sonnet-4-5"], None, "is retired (since 2026-11-30)"),
    "call-max-tokens-over-limit": (
        ["call", "Hi", "-m", "openai:gpt-4o-mini", "--max-tokens", "100000"],
        None,
        "over openai:gpt-4o-mini's output limit of 16,384",
    ),
    "call-prompt-over-window": (
        ["call", "-", "-m", "openai:gpt-4o-mini"],
        HUGE_PROMPT,
        "more than openai:gpt-4o-mini's 128,000-token context window",
    ),
    "call-empty-stdin": (["call", "-", "-m", "openai:gpt-4o-mini"], "", "standard input is empty"),
    "call-schema-not-an-object": (
        ["call", "Hi", "-m", "openai:gpt-4o-mini", "--json-schema", "-"],
        "[1, 2]",
        "must hold a JSON object",
    ),
    "models-unknown-kind": (["models", "--kind", "poetry"], None, "'poetry' is not one of"),
    "unknown-command": (["estimat", "Hi"], None, "No such command 'estimat'"),
}


@pytest.mark.parametrize("case", sorted(CLI_CASES))
def test_cli_bad_input_is_one_line_and_exit_2(tmp_path, case: str) -> None:
    args, stdin, message = CLI_CASES[case]
    args = [a(tmp_path) if callable(a) else a for a in args]
    result = run_cli(*args, input=stdin, env={**TODAY, "LLMWRIGHT_DATA_DIR": str(tmp_path / "data")}, cwd=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


def test_dash_reads_standard_input_everywhere_text_is_taken(tmp_path) -> None:
    """The literal "-" is never counted or sent: it means standard input."""
    text = "Summarise the attached report in three bullet points."
    by_arg = run_cli("estimate", "-m", "openai:gpt-4o", "--format", "json", text)
    by_stdin = run_cli("estimate", "-m", "openai:gpt-4o", "--format", "json", "-", input=text)
    by_file = run_cli("estimate", "-m", "openai:gpt-4o", "--format", "json", "--file", "-", input=text)
    assert by_arg.returncode == by_stdin.returncode == by_file.returncode == 0, by_stdin.stderr
    assert by_arg.stdout == by_stdin.stdout == by_file.stdout
    (tmp_path / ".git").mkdir()
    appended = run_cli("session", "append", "--agent", "me", "-", input="# Report\n\nfine", cwd=tmp_path)
    assert appended.returncode == 0 and "reports/" in appended.stdout


@pytest.mark.parametrize("command", [["models"], ["estimate", "-m", "openai:gpt-4o", "-m", "openai:gpt-4o-mini", "Hi"]])
def test_a_reader_that_stops_early_ends_the_command_quietly(command: list[str]) -> None:
    """`llmwright models | head -1`: no BrokenPipeError, no message, no failure."""
    process = subprocess.Popen(
        [*llmwright_command(), *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()  # what `head -1` does after its line
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0
    assert stderr == ""


# (tool, arguments, what the tool error must say)
MCP_CASES = {
    "usage_report-since-yesterday": ("usage_report", {"since": "yesterday"}, "is neither an ISO date or time"),
    "estimate_cost-expected-output-huge": (
        "estimate_cost",
        {"models": ["openai:gpt-4o-mini"], "text": "Hi", "expected_output": 100_000_000_000},
        "expected_output",
    ),
    "estimate_cost-no-model": ("estimate_cost", {"text": "Hi"}, "give at least one model"),
    "estimate_cost-chat-as-embedding": (
        "estimate_cost",
        {"embedding_models": ["openai:gpt-4o"], "text": "Hi"},
        "not an embedding model",
    ),
    "call_llm-unknown-model": ("call_llm", {"model": "openai:gpt-4o-mni", "prompt": "Hi"}, "unknown model"),
    "call_llm-retired-model": (
        "call_llm",
        {"model": "anthropic:claude-sonnet-4-5", "prompt": "Hi"},
        "use anthropic:claude-sonnet-5-5 instead",
    ),
    "call_llm-max-tokens-over-limit": (
        "call_llm",
        {"model": "openai:gpt-4o-mini", "prompt": "Hi", "max_tokens": 100_000},
        "output limit of 16,384",
    ),
    "call_llm-prompt-over-window": (
        "call_llm",
        {"model": "openai:gpt-4o-mini", "prompt": "word " * 150_000},
        "128,000-token context window",
    ),
    "append_session_report-binary": ("append_session_report", {"agent": "me", "report": "# r\x00"}, "looks binary"),
}


@pytest.mark.parametrize("case", sorted(MCP_CASES))
async def test_mcp_bad_input_is_a_tool_error_and_the_server_stays_up(tmp_path, monkeypatch, case: str) -> None:
    for name, value in TODAY.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("LLMWRIGHT_CONFIG")
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()

    async def roots(context) -> ListRootsResult:
        return ListRootsResult(roots=[Root(uri=tmp_path.as_uri(), name="project")])

    tool, arguments, message = MCP_CASES[case]
    async with Client(build_server(), list_roots_callback=roots) as client:
        result = await client.call_tool(tool, arguments)
        assert result.is_error, result
        assert message in result.content[0].text, result.content[0].text
        assert "internal error" not in result.content[0].text
        still_up = await client.call_tool("list_models", {"search": "gpt-4o-mini", "limit": 1})
        assert not still_up.is_error
