"""First start on a machine whose Python lacks llmwright's dependencies.

The launcher never installs inside `serve`: the server answers `initialize` at once with no
tools and says why, the SessionStart hook (`llmwright.sh prepare`) builds the venv in the
background, and the same session then gets every tool (the standby hands over and sends
`tools/list_changed`): through the `mcp` client, then through a real `claude -p` session.
Offline: every Python the launcher looks for is a bare venv, and a stand-in `uv` plays the
installer (it makes the venv run the test's own interpreter).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import anyio
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from llmwright import __version__
from tests.support.fake_claude_api import Block, FakeClaudeAPI, Seen, Text, ToolUse

from .support import LAUNCHER, PLUGIN_PREFIX, ROOT, claude_home_env, fresh_clone, npm_tool, run

pytestmark = pytest.mark.slow

BASH = shutil.which("bash") or "/bin/bash"
AUDIT_HOOK = ROOT / ".claude" / "scripts" / "audit-on-edit.sh"
FAKE_UV = """#!/usr/bin/env bash
# uv venv --quiet --python BASE VENV  |  uv pip install --quiet --python VENV_PYTHON ROOT
set -eu
printf '%s\\n' "$*" >>"$FAKE_UV_LOG"
case "$1" in
venv)
    venv="${@: -1}"
    mkdir -p "$venv/bin"
    printf '#!/bin/sh\\nexec "%s" "$@"\\n' "$FAKE_UV_PYTHON" >"$venv/bin/python"
    chmod +x "$venv/bin/python"
    ;;
pip) sleep "$FAKE_UV_SECONDS" ;;
esac
"""


@pytest.fixture
def bare_machine(tmp_path: Path) -> dict[str, str]:
    """The environment of a machine where no Python has llmwright: a bare venv answers to every name."""
    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True, timeout=120)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("python3.13", "python3.12", "python3.11", "python3", "python"):
        # A script, not a symlink: Python finds a venv's pyvenv.cfg beside the path it was run
        # by, so a symlink elsewhere would run the base interpreter with its site-packages.
        (bin_dir / name).write_text(f'#!/bin/sh\nexec "{bare / "bin" / "python"}" "$@"\n', encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    uv = bin_dir / "uv"
    uv.write_text(FAKE_UV, encoding="utf-8")
    uv.chmod(0o755)
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("LLMWRIGHT_", "CLAUDE_", "VIRTUAL_ENV"))}
    return keep | {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "CLAUDE_PLUGIN_DATA": str(tmp_path / "plugin-data"),
        "LLMWRIGHT_DATA_DIR": str(tmp_path / "data"),
        "FAKE_UV_LOG": str(tmp_path / "uv.log"),
        "FAKE_UV_PYTHON": sys.executable,
        "FAKE_UV_SECONDS": "3",
    }


def launcher(*args: str, env: dict[str, str], input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BASH, str(LAUNCHER), *args], env=env, input=input, capture_output=True, text=True, timeout=60
    )


async def test_the_first_session_gets_a_standby_at_once_then_every_tool(bare_machine: dict[str, str]) -> None:
    changed: list[str] = []

    async def on_message(message: object) -> None:
        method = getattr(getattr(message, "root", message), "method", None)
        if isinstance(method, str) and method.endswith("list_changed"):
            changed.append(method)

    params = StdioServerParameters(command=BASH, args=[str(LAUNCHER), "serve"], env=bare_machine, cwd=str(ROOT))
    started = time.monotonic()
    async with Client(params, read_timeout_seconds=30, message_handler=on_message) as client:
        assert time.monotonic() - started < 20, "Claude Code gives up on a server after 30 s"
        assert client.server_info is not None and client.server_info.version == "standby"
        assert "llmwright is not ready" in (client.instructions or "") and "SessionStart" in client.instructions
        assert (await client.list_tools()).tools == []
        early = await client.call_tool("estimate_cost", {"models": ["openai:gpt-4o-mini"], "input_tokens": 10})
        assert early.is_error and "llmwright is not ready" in early.content[0].text
        assert not (Path(bare_machine["CLAUDE_PLUGIN_DATA"]) / "venv").exists(), "serve must never install"

        started = time.monotonic()
        prepared = launcher("prepare", env=bare_machine)  # what the SessionStart hook runs
        assert prepared.returncode == 0, prepared.stderr
        assert time.monotonic() - started < 10, "the hook returns while the install runs in the background"
        said = json.loads(prepared.stdout)
        assert said["systemMessage"].startswith("llmwright: installing its Python dependencies in the background")
        assert said["hookSpecificOutput"]["hookEventName"] == "SessionStart"
        assert "no tools" in said["hookSpecificOutput"]["additionalContext"]

        with anyio.fail_after(60):
            while not (tools := (await client.list_tools()).tools):
                await anyio.sleep(0.5)
        assert "notifications/tools/list_changed" in changed
        assert {"estimate_cost", "audit_repo", "append_session_report"} <= {t.name for t in tools}
        answer = await client.call_tool("estimate_cost", {"models": ["openai:gpt-4o-mini"], "input_tokens": 1200})
        assert not answer.is_error and answer.structured_content["results"][0]["cost"]["per_call_usd"] > 0
        assert (await client.list_prompts()).prompts, "prompts arrive with the hand-over too"

    installs = Path(bare_machine["FAKE_UV_LOG"]).read_text(encoding="utf-8").splitlines()
    assert [line.split()[0] for line in installs] == ["venv", "pip"], "one install, by the background job"
    assert launcher("prepare", env=bare_machine).stdout == "", "ready: the hook says nothing"
    venv_python = launcher("python", env=bare_machine)
    assert venv_python.stdout.strip() == str(Path(bare_machine["CLAUDE_PLUGIN_DATA"]) / "venv" / "bin" / "python")

    params = StdioServerParameters(command=BASH, args=[str(LAUNCHER), "serve"], env=bare_machine, cwd=str(ROOT))
    async with Client(params, read_timeout_seconds=30) as again:  # the next start is llmwright itself
        assert again.server_info is not None and again.server_info.version == __version__


def test_nothing_installs_while_not_ready_and_no_install_says_how(bare_machine: dict[str, str], tmp_path: Path):
    env = bare_machine | {"LLMWRIGHT_NO_INSTALL": "1"}
    said = json.loads(launcher("prepare", env=env).stdout)
    assert "LLMWRIGHT_NO_INSTALL forbids installing" in said["systemMessage"] and "pip install" in said["systemMessage"]
    assert launcher("python", env=env).returncode == 3

    project = tmp_path / "project"
    project.mkdir()
    app = project / "app.py"
    app.write_text("from openai import OpenAI\nclient = OpenAI()\n", encoding="utf-8")
    event = {"session_id": "s", "cwd": str(project), "tool_name": "Write", "tool_input": {"file_path": str(app)}}
    hook = subprocess.run(
        [BASH, str(AUDIT_HOOK)], env=env, input=json.dumps(event), capture_output=True, text=True, timeout=60
    )
    assert (hook.returncode, hook.stdout) == (0, "")
    assert "environment is not ready yet" in hook.stderr and "app.py was not audited" in hook.stderr
    assert not Path(bare_machine["FAKE_UV_LOG"]).exists() and not (tmp_path / "plugin-data" / "venv").exists()


def test_a_real_claude_code_session_gets_the_tools_once_the_background_install_is_done(
    bare_machine: dict[str, str], tmp_path: Path
) -> None:
    """The same, through `claude -p`: the SessionStart hook starts the install and tells Claude, the
    server connects at once, and a later turn of the same session calls an llmwright tool."""
    claude = npm_tool("claude")
    home, project = tmp_path / "home", tmp_path / "project"
    home.mkdir()
    project.mkdir()
    clone = fresh_clone(tmp_path / "plugin checkout" / "llmwright")
    # the bare machine, with Claude Code's throwaway home; nothing of the test's own llmwright leaks in
    env: dict[str, str | None] = claude_home_env(home) | dict.fromkeys(
        k for k in os.environ if k.startswith("LLMWRIGHT_")
    )
    env |= {k: v for k, v in bare_machine.items() if k != "CLAUDE_PLUGIN_DATA"}  # Claude Code sets the plugin's own
    env["PATH"] = f"{bare_machine['PATH']}:{Path(claude).parent}"
    for args in (("plugin", "marketplace", "add", str(clone)), ("plugin", "install", "llmwright@llmwright")):
        done = run(claude, *args, cwd=project, env=env, timeout=180)
        assert done.returncode == 0, done.stdout + done.stderr
    estimate = PLUGIN_PREFIX + "estimate_cost"

    def script(seen: Seen) -> list[Block]:
        if estimate not in seen.offered:  # not ready yet: wait a little, as a model would
            return [ToolUse("Bash", {"command": "timeout 2 tail -f /dev/null; true", "description": "wait"})]
        if not any(use["name"] == estimate for use in seen.tool_uses()):
            if estimate in seen.tools or estimate in seen.loaded:
                return [ToolUse(estimate, {"models": ["openai:gpt-4o-mini"], "input_tokens": 1200})]
            return [ToolUse("ToolSearch", {"query": f"select:{estimate}"})]
        return [Text("Priced.")]

    with FakeClaudeAPI(script) as api:
        env |= {"ANTHROPIC_BASE_URL": api.url, "ANTHROPIC_API_KEY": "sk-ant-api03-first-start-fake-key"}
        result = run(
            claude,
            "-p",
            "Price a call.",
            "--allowedTools",
            f"Bash,{PLUGIN_PREFIX.rstrip('_')}",
            cwd=project,
            env=env,
            timeout=180,
            stdin=subprocess.DEVNULL,
        )
    assert result.returncode == 0 and not api.errors, result.stdout + result.stderr + str(api.errors)
    first = api.seen[0]
    assert estimate not in first.offered, "the first turn ran before the install finished"
    assert any("installing its Python dependencies in the background" in text for text in first.texts())
    priced = next(r for r in api.seen[-1].tool_results() if "per_call_usd" in json.dumps(r))
    assert not priced.get("is_error")
    assert len(Path(bare_machine["FAKE_UV_LOG"]).read_text(encoding="utf-8").splitlines()) == 2, "installed once"
