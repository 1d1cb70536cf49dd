"""The plugin's specs as Claude Code reads them: agents, slash commands, prompts, manifests, hooks.

`claude plugin validate` checks neither agent names, models, colours and unknown keys nor
the tools a spec names, so these tests do: every MCP tool an agent or command may call must
be on the server's tools/list, or Claude Code silently never offers it.
"""

from __future__ import annotations

import json
import re
import struct
import tomllib
from urllib.parse import urlsplit

import pytest

from llmwright.catalog.refresh import LITELLM_URL
from llmwright.providers import provider_rows

from .support import LAUNCHER, PLUGIN_PREFIX, ROOT, frontmatter, listed, plugin_manifest, run, server_listing

AGENTS = sorted((ROOT / "agents").glob("*.md"))
COMMANDS = sorted((ROOT / ".claude" / "commands").glob("*.md"))
PROMPTS = sorted(p for p in (ROOT / "prompts").glob("*.md") if p.name != "README.md")

# Claude Code 2.1's subagent frontmatter, minus what it ignores in plugin agents
# (permissionMode, hooks, mcpServers: "ignored for plugin agents").
AGENT_KEYS = {"name", "description", "tools", "disallowedTools", "model", "color", "effort", "maxTurns", "skills"}
AGENT_KEYS |= {"initialPrompt", "memory", "background", "isolation"}
MODELS = {"sonnet", "opus", "haiku", "inherit"}
COLORS = {"red", "blue", "green", "yellow", "purple", "orange", "pink", "cyan"}
COMMAND_KEYS = {"description", "argument-hint", "allowed-tools", "model", "disable-model-invocation"}
# Built-in tools Claude Code (2.1.3xx) offers a subagent; it drops any other name silently (Grep and
# Glob are gone: search runs through Bash). tests/plugin/test_live_session.py checks the offer.
BUILT_IN_TOOLS = {"Read", "Bash", "Edit", "Write", "NotebookEdit", "WebFetch", "WebSearch"}
ROLES = {"llm-ml-engineer", "llm-integration-specialist", "llm-cost-optimizer"}


def mcp_tools_named(names: list[str]) -> list[str]:
    return [n.removeprefix(PLUGIN_PREFIX) for n in names if n.startswith("mcp__")]


def test_the_three_roles_exist_and_the_manifest_lists_exactly_them():
    assert {p.name for p in (ROOT / "agents").iterdir()} == {f"{role}.md" for role in ROLES}, (
        "agents/ holds agents only"
    )
    assert {p.stem for p in AGENTS} == ROLES
    assert sorted(plugin_manifest()["agents"]) == sorted(f"./agents/{p.name}" for p in AGENTS)


@pytest.mark.parametrize("path", AGENTS, ids=lambda p: p.stem)
def test_agent_frontmatter(path):
    meta, _ = frontmatter(path)
    assert set(meta) <= AGENT_KEYS, f"unknown or plugin-ignored keys: {set(meta) - AGENT_KEYS}"
    assert {"name", "description", "tools", "model", "color"} <= set(meta)
    assert meta["name"] == path.stem
    assert meta["model"] in MODELS
    assert meta["color"] in COLORS
    assert isinstance(meta["description"], str) and "Not for" in meta["description"], "say when not to use it"
    tools = listed(meta["tools"])
    assert len(tools) == len(set(tools)), "a tool is listed twice"
    for tool in tools:
        assert tool.startswith(PLUGIN_PREFIX) or tool in BUILT_IN_TOOLS, (
            f"{tool}: neither a plugin MCP tool nor built-in"
        )


@pytest.mark.parametrize("path", AGENTS, ids=lambda p: p.stem)
def test_agent_names_only_tools_the_server_lists(path):
    meta, _ = frontmatter(path)
    named = mcp_tools_named(listed(meta["tools"]))
    assert named, "an llmwright agent must call llmwright's tools"
    missing = set(named) - set(server_listing()["tools"])
    assert not missing, f"{path.name} names tools the server does not have: {sorted(missing)}"


@pytest.mark.parametrize("path", AGENTS, ids=lambda p: p.stem)
def test_agent_workflow_hands_off_and_appends_its_report(path):
    meta, body = frontmatter(path)
    assert re.search(r"^1\. ", body, re.M) and re.search(r"^5\. ", body, re.M), "a numbered workflow"
    assert "Self-check" in body
    for other in ROLES - {path.stem}:
        assert f"**{other}**" in body, f"hands off to {other} by name"
    hand_in = body[body.index("## Hand in the report") :]
    assert "final message" in hand_in and "SubagentStop hook" in hand_in, "the hook files the final message"
    assert f'`agent: "{path.stem}"`' in hand_in and "`append_session_report`" in hand_in, (
        "the explicit way, without hooks"
    )
    unique = f'mktemp "${{TMPDIR:-/tmp}}/{path.stem}-report.XXXXXX"'
    assert unique in hand_in, "a report file of its own: two runs never clobber each other"
    assert f'"${{CLAUDE_PLUGIN_ROOT}}/.claude/scripts/update-active-session.sh" {path.stem} "$report"' in hand_in
    assert f"/tmp/{path.stem}-report.md" not in body
    allowed = set(mcp_tools_named(listed(meta["tools"])))
    used = set(re.findall(r"`([a-z_]+)`", body)) & set(server_listing()["tools"])
    assert used <= allowed, f"the workflow uses tools its frontmatter does not grant: {sorted(used - allowed)}"
    assert "Bash" in listed(meta["tools"]), "the session script needs Bash"


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: p.stem)
def test_command_frontmatter_and_tools(path):
    meta, body = frontmatter(path)
    assert set(meta) <= COMMAND_KEYS, f"unknown keys: {set(meta) - COMMAND_KEYS}"
    assert meta.get("description") and meta.get("argument-hint")
    assert "$ARGUMENTS" in body
    named = [t for t in listed(meta.get("allowed-tools", "")) if t.startswith("mcp__")]
    missing = set(mcp_tools_named(named)) - set(server_listing()["tools"])
    assert not missing, f"{path.name} allows tools the server does not have: {sorted(missing)}"


def test_the_four_slash_commands():
    assert {p.stem for p in COMMANDS} == {"llm-audit", "llm-select", "llm-cost", "llm-session"}
    assert plugin_manifest()["commands"] == "./.claude/commands/"


@pytest.mark.parametrize("path", PROMPTS, ids=lambda p: p.stem)
def test_prompt_frontmatter_parses_and_the_server_serves_it(path):
    meta, body = frontmatter(path)
    assert meta["name"] == path.stem and body.strip()
    assert path.stem in server_listing()["prompts"]


def test_versions_agree_with_pyproject():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    marketplace = json.loads((ROOT / ".claude-plugin" / "marketplace.json").read_text(encoding="utf-8"))
    assert plugin_manifest()["version"] == version
    assert [p["version"] for p in marketplace["plugins"] if p["name"] == "llmwright"] == [version]


def test_hooks_quote_the_plugin_path_and_match_the_names_claude_code_uses():
    manifest = plugin_manifest()
    hooks = json.loads((ROOT / manifest["hooks"]).read_text(encoding="utf-8"))["hooks"]
    commands = {event: [h["command"] for entry in entries for h in entry["hooks"]] for event, entries in hooks.items()}
    assert commands == {  # quoted: a plugin path with a space stays one word
        "SessionStart": ['"${CLAUDE_PLUGIN_ROOT}/.claude/scripts/llmwright.sh" prepare'],
        "PostToolUse": ['"${CLAUDE_PLUGIN_ROOT}/.claude/scripts/audit-on-edit.sh"'],
        "SubagentStop": ['"${CLAUDE_PLUGIN_ROOT}/.claude/scripts/subagent-stop.sh"'],
    }
    assert hooks["PostToolUse"][0]["matcher"] == "Edit|Write|MultiEdit"
    # A matcher of bare names is an exact-name list; Claude Code names plugin agents "llmwright:<name>",
    # so this one is a regular expression (":" makes it one) that accepts both forms and nothing else.
    matcher = hooks["SubagentStop"][0]["matcher"]
    assert not re.fullmatch(r"[A-Za-z0-9_|, -]+", matcher), "a plain name list never matches llmwright:<name>"
    for role in ROLES:
        assert re.search(matcher, f"llmwright:{role}") and re.search(matcher, role)
    for other in ("Explore", "general-purpose", "llmwright:llm-ml-engineer-2", "other:llm-cost-optimizer"):
        assert not re.search(matcher, other), other
    for command in [c for cs in commands.values() for c in cs] + [str(LAUNCHER)]:
        script = ROOT / command.split('"')[1 if command.startswith('"') else 0].replace("${CLAUDE_PLUGIN_ROOT}/", "")
        assert script.is_file() and script.stat().st_mode & 0o111, f"{script} missing or not executable"
    server = json.loads((ROOT / manifest["mcpServers"]).read_text(encoding="utf-8"))["mcpServers"]["llmwright"]
    assert server["args"][-1].endswith('"$root/.claude/scripts/llmwright.sh" serve')


def test_network_hosts_name_every_endpoint_the_plugin_reaches():
    declared = set(plugin_manifest()["network"]["hosts"])
    for name, row in provider_rows().items():
        url = urlsplit(row.base_url or "https://x.openai.azure.com")  # azure: the SDK reads AZURE_OPENAI_ENDPOINT
        host = url.hostname if url.port is None else f"{url.hostname}:{url.port}"
        wildcard = "*." + host.split(".", 1)[-1]
        assert host in declared or wildcard in declared, f"{name} reaches {host}, not in network.hosts"
    assert {"pypi.org", "files.pythonhosted.org"} <= declared, "the first start installs from PyPI"
    assert urlsplit(LITELLM_URL).hostname in declared, "llmwright models --update"


def test_the_icon_is_a_square_png_the_plugin_directory_accepts():
    icon = ROOT / ".claude-plugin" / "icon.png"
    data = icon.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) < 2_000_000
    width, height = struct.unpack(">II", data[16:24])
    assert width == height and 512 <= width <= 2048


def test_readme_rewrite_for_a_claude_mcp_add_install(tmp_path):
    """The README's one-liner turns the plugin specs into user agents for a server added with `claude mcp add`."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"```bash\n(mkdir -p ~/.claude/agents\n.*?)\n```", readme, re.S)
    assert match, "README: the agents rewrite block for `claude mcp add` installs"
    result = run("bash", "-c", match.group(1), env={"HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    installed = sorted((tmp_path / ".claude" / "agents").glob("*.md"))
    assert [p.stem for p in installed] == sorted(ROLES)
    for path in installed:
        meta, body = frontmatter(path)
        tools = [t for t in listed(meta["tools"]) if t.startswith("mcp__")]
        assert tools and all(t.startswith("mcp__llmwright__") for t in tools)
        assert {t.removeprefix("mcp__llmwright__") for t in tools} <= set(server_listing()["tools"])
        assert PLUGIN_PREFIX not in body and "${CLAUDE_PLUGIN_ROOT}" not in body
        assert f'"{ROOT}/.claude/scripts/update-active-session.sh"' in body
