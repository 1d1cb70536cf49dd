"""The plugin with the real Claude Code CLI (npm `@anthropic-ai/claude-code`), offline, no login.

Strict validation (as a plugin and with the plugin directory's profile), then what a user does:
add the repository as a marketplace, install the plugin and list MCP servers, in a throwaway
home. `claude -p` without credentials stops at "Not logged in" after loading plugins, so its
debug log shows what Claude Code loaded from us. A session that talks to a model is in
test_live_session.py.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from .support import claude_home_env, fresh_clone, npm_tool, run

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("profile", [[], ["--profile", "directory"]], ids=["plugin", "directory"])
def test_plugin_validates_strictly(profile: list[str]):
    claude = npm_tool("claude")
    result = run(claude, "plugin", "validate", ".", *profile, "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation passed" in result.stdout and "warning" not in result.stdout.lower()
    assert "Hosts not declared" not in result.stdout
    if profile:
        assert "These checks found nothing to report" in result.stdout, result.stdout


def test_manifest_and_every_agent_file_validate_without_a_problem():
    """Validating plugin.json also checks each file in agents/ and lists what the plugin provides."""
    claude = npm_tool("claude")
    result = run(claude, "plugin", "validate", ".claude-plugin/plugin.json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "⚠" not in result.stdout and "warning" not in result.stdout.lower(), result.stdout
    agents = set(re.findall(r"❯ agents: (\S+)", result.stdout))
    assert agents == {
        f"llmwright:{name}" for name in ("llm-ml-engineer", "llm-integration-specialist", "llm-cost-optimizer")
    }


def test_marketplace_add_install_and_mcp_list_in_a_throwaway_home(tmp_path):
    claude = npm_tool("claude")
    home, project = tmp_path / "home", tmp_path / "project"
    home.mkdir()
    project.mkdir()
    clone = fresh_clone(tmp_path / "llmwright")
    env = claude_home_env(home)  # no credentials: never a real call

    def claude_run(*args: str):
        result = run(claude, *args, cwd=project, env=env, timeout=180)
        assert result.returncode == 0, f"claude {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    assert "Successfully added marketplace: llmwright" in claude_run("plugin", "marketplace", "add", str(clone))
    assert "Successfully installed plugin: llmwright@llmwright" in claude_run(
        "plugin", "install", "llmwright@llmwright"
    )
    assert re.search(
        rf"llmwright@llmwright\s+Version: 0\.1\.0\s+(Read from: {re.escape(str(clone))}\s+)?Scope: user\s+Status: ✔ enabled",
        claude_run("plugin", "list"),
    )

    servers = claude_run("mcp", "list")  # starts the server through the launcher and checks it answers
    line = next((ln for ln in servers.splitlines() if ln.startswith("plugin:llmwright:llmwright:")), "")
    assert "Connected" in line, servers

    log = tmp_path / "debug.log"
    result = run(
        claude, "-p", "hi", "--debug-file", str(log), cwd=project, env=env, timeout=180, stdin=subprocess.DEVNULL
    )
    assert "Not logged in" in result.stdout + result.stderr  # offline, no credentials: nothing was sent
    loaded = log.read_text(encoding="utf-8")
    assert "Loading hooks from plugin: llmwright" in loaded
    for agent in ("llm-ml-engineer", "llm-integration-specialist", "llm-cost-optimizer"):
        assert f"Loaded agent from plugin llmwright custom file: {clone}/agents/{agent}.md" in loaded


def test_a_clone_opened_as_a_project_starts_the_server_from_its_mcp_json(tmp_path):
    """The root .mcp.json is also a project config when someone opens the repository itself:
    there is no ${CLAUDE_PLUGIN_ROOT} then, and the same entry runs the checkout's launcher."""
    claude = npm_tool("claude")
    home = tmp_path / "home"
    home.mkdir()
    clone = fresh_clone(tmp_path / "llmwright")
    approved = {
        "hasTrustDialogAccepted": True,
        "enabledMcpjsonServers": ["llmwright"],
    }  # what the approval prompt saves
    (home / ".claude.json").write_text(json.dumps({"projects": {str(clone): approved}}), encoding="utf-8")
    env = claude_home_env(home, CLAUDE_CONFIG_DIR=None)
    result = run(claude, "mcp", "list", cwd=clone, env=env, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("llmwright:")), "")
    assert "Connected" in line, result.stdout
