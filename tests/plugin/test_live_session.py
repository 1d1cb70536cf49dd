"""The plugin in a real Claude Code session: `claude -p`, a throwaway home, the plugin installed
from a checkout whose path holds a space, and a loopback stand-in for the Anthropic API that
plays the model (tests/support/fake_claude_api.py).

For each subagent the main thread delegates; the subagent calls an llmwright MCP tool, writes
a Python file that calls an LLM without a timeout, and ends with a report holding fake keys.
What Claude Code sent and what landed on disk must show: the subagent was offered exactly the
tools its spec names, the MCP call succeeded, the audit-on-edit hook's findings reached the
next request, and the report landed in the active session through the SubagentStop hook,
redacted, once. Each slash command runs under its own `allowed-tools` (no other permission):
the command reached the model with its arguments, every tool it names is offered, and its
tool calls succeeded.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from llmwright.sessions import show_session
from tests.support.fake_claude_api import Block, FakeClaudeAPI, Seen, Text, ToolUse

from .support import PLUGIN_PREFIX, ROOT, claude_home_env, fresh_clone, frontmatter, listed, npm_tool, run

pytestmark = pytest.mark.slow

AGENTS = sorted((ROOT / "agents").glob("*.md"))
FAKE_ANTHROPIC_KEY = "sk-ant-api03-LiveTestFakeKey0123456789abcdefghijklmnopqrstuvwxyz"
FAKE_OPENAI_KEY = "sk-live-test-openai-canary-0123456789abcdef"
NO_TIMEOUT = """\
from openai import OpenAI

client = OpenAI()


def triage(ticket: str) -> str:
    reply = client.chat.completions.create(
        model="gpt-4o-mini", max_tokens=50, messages=[{"role": "user", "content": ticket}]
    )
    return reply.choices[0].message.content or ""
"""
# One llmwright tool per agent, from its spec, with arguments that need no network, and what its
# structured answer lists (one entry per model asked about).
FIRST_CALL: dict[str, tuple[str, dict[str, Any], str]] = {
    "llm-ml-engineer": ("compare_models", {"models": ["openai:gpt-4o-mini", "anthropic:claude-haiku-4-5"]}, "rows"),
    "llm-integration-specialist": (
        "estimate_tokens",
        {"models": ["openai:gpt-4o-mini"], "text": "Classify this."},
        "results",
    ),
    "llm-cost-optimizer": (
        "estimate_cost",
        {"models": ["openai:gpt-4o-mini"], "input_tokens": 1200, "expected_output": 300, "requests_per_day": 50000},
        "results",
    ),
}


@dataclass
class Session:
    """A Claude Code home with the plugin installed, a project with an active llmwright session."""

    claude: str
    clone: Path
    project: Path
    env: dict[str, str | None]

    def ask(self, prompt: str, script: Callable[[Seen], list[Block]], *extra: str) -> tuple[FakeClaudeAPI, str]:
        with FakeClaudeAPI(script) as api:
            env = self.env | {"ANTHROPIC_BASE_URL": api.url, "ANTHROPIC_API_KEY": FAKE_ANTHROPIC_KEY}
            result = run(
                self.claude, "-p", prompt, *extra, cwd=self.project, env=env, timeout=180, stdin=subprocess.DEVNULL
            )
        assert not api.errors, api.errors
        assert result.returncode == 0, f"claude -p {prompt!r}:\n{result.stdout}\n{result.stderr}"
        return api, result.stdout

    def launcher(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run(str(self.clone / ".claude" / "scripts" / "llmwright.sh"), *args, cwd=self.project, env=self.env)


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    claude = npm_tool("claude")
    base = tmp_path_factory.mktemp("live")
    clone = fresh_clone(base / "plugin checkout" / "llmwright")  # a space in the plugin's path
    home, project = base / "home", base / "project"
    home.mkdir()
    (project / "src").mkdir(parents=True)
    env = claude_home_env(home, OPENAI_API_KEY=FAKE_OPENAI_KEY)
    live = Session(claude, clone, project, env)
    for args in (("plugin", "marketplace", "add", str(clone)), ("plugin", "install", "llmwright@llmwright")):
        done = run(claude, *args, cwd=project, env=env, timeout=180)
        assert done.returncode == 0, done.stdout + done.stderr
    started = live.launcher("session", "start", "live test")
    assert started.returncode == 0, started.stderr
    yield live


def spec_of(path: Path) -> tuple[dict[str, Any], str]:
    meta, body = frontmatter(path)
    return meta, body.strip().split("\n\n", 1)[0]  # the opening paragraph: how to tell its requests apart


def reports_by(project: Path, agent: str) -> list[Any]:
    return [r for r in show_session(project).reports if r.agent == agent]


@pytest.mark.parametrize("spec", AGENTS, ids=lambda p: p.stem)
def test_a_subagent_works_through_the_plugin_and_its_report_lands_once(session: Session, spec: Path) -> None:
    agent = spec.stem
    meta, opening = spec_of(spec)
    tool, arguments, listing = FIRST_CALL[agent]
    app = session.project / "src" / f"{agent.replace('-', '_')}_app.py"
    report = (
        f"# {agent} live report\n\nPrimary openai:gpt-4o-mini; fallback anthropic:claude-haiku-4-5.\n"
        f"Keys seen while working: {FAKE_ANTHROPIC_KEY} and {FAKE_OPENAI_KEY}.\n"
    )

    def script(seen: Seen) -> list[Block]:
        if opening not in seen.system:  # the main thread: wait for llmwright, delegate, then finish
            if seen.turns() == 0 and seen.connecting:
                return [load(tool)]  # ToolSearch waits for a server that is still connecting
            if not any(block.get("name") == "Agent" for block in seen.tool_uses()):
                delegate = {
                    "description": "live check",
                    "prompt": "Check the triage feature.",
                    "run_in_background": False,
                }
                return [ToolUse("Agent", delegate | {"subagent_type": f"llmwright:{agent}"})]
            return [Text("The specialist has reported.")]
        steps: list[list[Block]] = [
            [ToolUse(PLUGIN_PREFIX + tool, arguments)],
            [ToolUse("Write", {"file_path": str(app), "content": NO_TIMEOUT})],
            [Text(report)],
        ]
        return steps[min(seen.turns(), len(steps) - 1)]

    before = len(reports_by(session.project, agent))
    api, _ = session.ask(
        "Check the triage feature with the llmwright specialist.",
        script,
        "--allowedTools",
        f"{PLUGIN_PREFIX.rstrip('_')},Write",
    )
    mine = [s for s in api.seen if opening in s.system]
    assert len(mine) == 3, f"the subagent took {len(mine)} turns"

    named = listed(meta["tools"])
    assert sorted(mine[0].tools) == sorted(named), "offered exactly the tools the spec names, from the start"
    assert not mine[0].deferred and not mine[-1].added, "nothing hidden behind ToolSearch or added later"

    result = mine[1].tool_results()[-1]
    assert not result.get("is_error"), result
    payload = json.loads(result["content"] if isinstance(result["content"], str) else result["content"][0]["text"])
    assert len(payload[listing]) == len(arguments["models"]), payload

    told = "\n".join(mine[2].texts())
    shown = app.relative_to(session.project).as_posix()
    assert "llmwright audit: " in told and f"{shown}:3 LLM101 no-timeout (high)" in told, told[-2000:]

    mine_now = reports_by(session.project, agent)
    assert len(mine_now) == before + 1, "the report lands once"
    landed = mine_now[-1]
    assert landed.source == "hook" and landed.title == f"{agent} live report"
    text = show_session(session.project).content
    assert "Primary openai:gpt-4o-mini; fallback anthropic:claude-haiku-4-5." in text
    assert FAKE_ANTHROPIC_KEY not in text and FAKE_OPENAI_KEY not in text


def command_script(steps: list[list[Block]], marker: str) -> Callable[[Seen], list[Block]]:
    """The main thread runs the expanded command: load the llmwright tools, then the given steps."""

    def script(seen: Seen) -> list[Block]:
        if not any(marker in text for text in seen.texts()):
            return [Text("That is not the command under test.")]
        return steps[min(seen.turns(), len(steps) - 1)]

    return script


def tool_result_text(seen: Seen) -> tuple[str, bool]:
    result = seen.tool_results()[-1]
    content = result.get("content")
    text = content if isinstance(content, str) else "\n".join(c.get("text", "") for c in content or [])
    return text, bool(result.get("is_error"))


def offered_and_real(turns: list[Seen], command: Path) -> None:
    """Every tool the command's allowed-tools names is one Claude Code offers (by schema, by name
    through ToolSearch, or added once its server connected) while the command runs."""
    meta, _ = frontmatter(command)
    offered = set().union(*(turn.offered for turn in turns))
    for tool in listed(meta["allowed-tools"]):
        name = re.sub(r"\(.*\)$", "", tool)
        assert name in offered, f"{command.name} allows {tool}, which Claude Code does not offer"


def load(*tools: str) -> ToolUse:
    return ToolUse("ToolSearch", {"query": "select:" + ",".join(PLUGIN_PREFIX + t for t in tools)})


COMMANDS = ROOT / ".claude" / "commands"


def test_llm_audit_audits_and_searches_under_its_own_permissions(session: Session) -> None:
    app = session.project / "src" / "audited.py"
    app.write_text(NO_TIMEOUT, encoding="utf-8")
    steps: list[list[Block]] = [
        [load("audit_repo")],
        [ToolUse(PLUGIN_PREFIX + "audit_repo", {"path": "src"})],
        [ToolUse("Bash", {"command": "grep -rn 'OpenAI(' src", "description": "find the clients"})],
        [Text("Readiness graded; see above.")],
    ]
    api, _ = session.ask("/llmwright:llm-audit src", command_script(steps, "Audit the code at `src`"))
    turns = [s for s in api.seen if any("Audit the code at `src`" in t for t in s.texts())]
    assert len(turns) == 4
    offered_and_real(turns, COMMANDS / "llm-audit.md")
    audit, failed = tool_result_text(turns[2])
    assert not failed and json.loads(audit)["scores"][-1]["category"] == "overall"
    assert any(f["rule"] == "LLM101" and f["path"] == "audited.py" for f in json.loads(audit)["findings"])
    found, failed = tool_result_text(turns[3])
    assert not failed and "src/audited.py:3:client = OpenAI()" in found, found


@pytest.mark.parametrize(
    ("command", "arguments", "marker", "tool", "call"),
    [
        (
            "llm-cost",
            "openai:gpt-4o-mini -- Classify this support ticket.",
            "Estimate what a prompt costs",
            "estimate_cost",
            {"models": ["openai:gpt-4o-mini"], "text": "Classify this support ticket."},
        ),
        (
            "llm-select",
            "classify support tickets, 200k/day",
            "Recommend a model for this task: classify support tickets, 200k/day",
            "select_model",
            {"requirements": {"task": "classify support tickets", "requests_per_day": 200000}},
        ),
    ],
)
def test_a_tool_command_calls_llmwright_under_its_own_permissions(
    session: Session, command: str, arguments: str, marker: str, tool: str, call: dict[str, Any]
) -> None:
    steps: list[list[Block]] = [[load(tool)], [ToolUse(PLUGIN_PREFIX + tool, call)], [Text("Done.")]]
    api, _ = session.ask(f"/llmwright:{command} {arguments}", command_script(steps, marker))
    turns = [s for s in api.seen if any(marker in t for t in s.texts())]
    assert len(turns) == 3
    offered_and_real(turns, COMMANDS / f"{command}.md")
    text, failed = tool_result_text(turns[2])
    assert not failed, text
    assert json.loads(text)


def test_llm_session_runs_the_session_script_under_its_own_permissions(session: Session) -> None:
    script_path = session.clone / ".claude" / "scripts" / "llmwright.sh"
    marker = "Manage the llmwright session"

    def script(seen: Seen) -> list[Block]:
        text = next((t for t in seen.texts() if marker in t), None)
        if text is None:
            return [Text("That is not the command under test.")]
        if seen.turns() == 0:  # run the command exactly as the expanded instructions spell it
            written = re.search(r'`("[^"`]*llmwright\.sh" session list)`', text)
            assert written, text
            return [ToolUse("Bash", {"command": written.group(1), "description": "list sessions"})]
        return [Text("Listed.")]

    api, _ = session.ask("/llmwright:llm-session list", script)
    turns = [s for s in api.seen if any(marker in t for t in s.texts())]
    assert len(turns) == 2
    offered_and_real(turns, COMMANDS / "llm-session.md")
    assert turns[1].tool_uses()[-1]["input"]["command"] == f'"{script_path}" session list', (
        "the plugin path, substituted"
    )
    text, failed = tool_result_text(turns[1])
    assert not failed and "live-test" in text, text
