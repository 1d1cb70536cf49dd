"""The plugin with the real Claude Code CLI (npm `@anthropic-ai/claude-code`), offline, no login.

Validation, then what a user does: add the repository as a marketplace, install the plugin
and list MCP servers, in a throwaway home. `claude -p` without credentials stops at "Not
logged in" after loading plugins, so its debug log shows what Claude Code loaded from us.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from .support import ROOT, launcher_python, npm_tool, run

pytestmark = pytest.mark.slow

# A fresh clone holds none of these; the plugin cache copies whatever the directory holds.
NOT_IN_A_CLONE = {".git", "__pycache__", ".pytest_cache", ".ruff_cache", ".venv", "venv", "node_modules", ".benchmarks"}
CREDENTIALS = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN", "CLAUDE_CODE_USE_BEDROCK")


def validate_args(claude: str, target: str) -> list[str]:
    """`--profile directory` where this CLI has it (the issue's form); 2.1.197 validates without profiles."""
    help_text = run(claude, "plugin", "validate", "--help").stdout
    profile = ["--profile", "directory"] if "--profile" in help_text else []
    return [claude, "plugin", "validate", target, *profile, "--strict"]


def test_plugin_validates_strictly():
    claude = npm_tool("claude")
    result = run(*validate_args(claude, "."))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation passed" in result.stdout and "warning" not in result.stdout.lower()


def test_plugin_manifest_and_agent_files_validate():
    """Validating plugin.json also checks each agent file's frontmatter (it prints only files with
    problems). It scans agents/ even though plugin.json lists the agent files, so the runtime
    never loads agents/README.md: a warning about README.md is the only one allowed."""
    claude = npm_tool("claude")
    result = run(claude, "plugin", "validate", ".claude-plugin/plugin.json")
    assert result.returncode == 0, result.stdout + result.stderr
    blocks = re.split(r"\n(?=Validating )", result.stdout)
    for block in blocks:
        if "❯" in block:
            assert block.startswith(f"Validating agent: {ROOT / 'agents' / 'README.md'}"), block


def fresh_clone(tmp: Path) -> Path:
    def ignore(directory: str, names: list[str]) -> set[str]:
        skip = {n for n in names if n in NOT_IN_A_CLONE}
        if Path(directory) == ROOT / ".ci":
            skip.add("node")
        return skip

    target = tmp / "llmwright"
    shutil.copytree(ROOT, target, ignore=ignore, symlinks=True)
    return target


def test_marketplace_add_install_and_mcp_list_in_a_throwaway_home(tmp_path):
    claude = npm_tool("claude")
    home, project = tmp_path / "home", tmp_path / "project"
    home.mkdir()
    project.mkdir()
    clone = fresh_clone(tmp_path)
    env: dict[str, str | None] = dict.fromkeys(CREDENTIALS)  # removed: never a real call
    env |= {
        "HOME": str(home),
        "CLAUDE_CONFIG_DIR": str(home / ".claude"),
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "LLMWRIGHT_PYTHON": launcher_python(),  # the server runs in place: never an install from PyPI
    }

    def claude_run(*args: str):
        result = run(claude, *args, cwd=project, env=env, timeout=180)
        assert result.returncode == 0, f"claude {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    assert "Successfully added marketplace: llmwright" in claude_run("plugin", "marketplace", "add", str(clone))
    assert "Successfully installed plugin: llmwright@llmwright" in claude_run(
        "plugin", "install", "llmwright@llmwright"
    )
    assert re.search(
        r"llmwright@llmwright\s+Version: 0\.1\.0\s+Scope: user\s+Status: ✔ enabled", claude_run("plugin", "list")
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
    assert "Total plugin agents loaded: 3" in loaded
    assert "Total plugin commands loaded: 4" in loaded
    assert "Registered 2 hooks from 1 plugins" in loaded
    for agent in ("llm-ml-engineer", "llm-integration-specialist", "llm-cost-optimizer"):
        assert f"Loaded agent from plugin llmwright custom file: {clone}/agents/{agent}.md" in loaded


def test_a_clone_opened_as_a_project_starts_the_server_from_its_mcp_json(tmp_path):
    """The root .mcp.json is also a project config when someone opens the repository itself:
    there is no ${CLAUDE_PLUGIN_ROOT} then, and the same entry runs the checkout's launcher."""
    claude = npm_tool("claude")
    home = tmp_path / "home"
    home.mkdir()
    clone = fresh_clone(tmp_path)
    approved = {
        "hasTrustDialogAccepted": True,
        "enabledMcpjsonServers": ["llmwright"],
    }  # what the approval prompt saves
    (home / ".claude.json").write_text(json.dumps({"projects": {str(clone): approved}}), encoding="utf-8")
    env: dict[str, str | None] = dict.fromkeys((*CREDENTIALS, "CLAUDE_CONFIG_DIR", "CLAUDE_PLUGIN_ROOT"))
    env |= {"HOME": str(home), "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1", "LLMWRIGHT_PYTHON": launcher_python()}
    result = run(claude, "mcp", "list", cwd=clone, env=env, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("llmwright:")), "")
    assert "Connected" in line, result.stdout
