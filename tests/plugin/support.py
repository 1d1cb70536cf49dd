"""What the plugin tests share: the repo's specs, the server's tool names and the npm clients."""

from __future__ import annotations

import asyncio
import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PLUGIN_PREFIX = "mcp__plugin_llmwright_llmwright__"  # how Claude Code names tools of a plugin's bundled server
# where .ci/run installs the clients (outside the checkout: a plugin install copies the folder)
NPM_PREFIX = Path(
    os.environ.get("LLMWRIGHT_NPM_PREFIX")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "llmwright-ci" / "node"
)
NPM_BIN = NPM_PREFIX / "node_modules" / ".bin"
LAUNCHER = ROOT / ".claude" / "scripts" / "llmwright.sh"


def frontmatter(path: Path) -> tuple[dict[str, Any], str]:
    """The YAML frontmatter of a markdown spec and its body; fails the test when there is none."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        pytest.fail(f"{path.relative_to(ROOT)} has no frontmatter block")
    head, _, body = text[4:].partition("\n---\n")
    data = yaml.safe_load(head)
    assert isinstance(data, dict), f"{path.relative_to(ROOT)}: frontmatter is not a mapping"
    return data, body


def listed(value: Any) -> list[str]:
    """A `tools` / `allowed-tools` value: a comma-separated string or a YAML list."""
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(item).strip() for item in items if str(item).strip()]


@functools.cache
def server_listing() -> dict[str, list[str]]:
    """tools/list, prompts/list and resources/list of the server, through the real `mcp` client in memory."""
    from mcp import Client

    from llmwright.server.server import build_server

    async def ask() -> dict[str, list[str]]:
        async with Client(build_server()) as client:
            return {
                "tools": [t.name for t in (await client.list_tools()).tools],
                "prompts": [p.name for p in (await client.list_prompts()).prompts],
                "resources": [str(r.uri) for r in (await client.list_resources()).resources],
            }

    return asyncio.run(ask())


def npm_tool(name: str) -> str:
    """Path to an npm client (`claude`, `mcp-inspector`) on PATH or in .ci/node; skips the test without it."""
    found = shutil.which(name) or shutil.which(name, path=str(NPM_BIN))
    if not found:
        pytest.skip(f"`{name}` not found on PATH or in {NPM_BIN} (.ci/run installs it with npm)")
    return found


IN_PLACE_CHECK = """
import importlib.metadata, re, sys, tomllib
try:
    from packaging.requirements import Requirement
except ImportError:
    Requirement = None
for line in tomllib.load(open(sys.argv[1], "rb"))["project"]["dependencies"]:
    name = re.split(r"[<>=!~;\\[ ]", line, maxsplit=1)[0]
    version = importlib.metadata.version(name)
    if Requirement is not None and not Requirement(line).specifier.contains(version, prereleases=True):
        sys.exit(f"{name} {version} does not satisfy {line}")
import llmwright
from pathlib import Path
if Path(llmwright.__file__).resolve().parent != Path(sys.argv[1]).resolve().parent / "tools":
    sys.exit(f"llmwright is imported from {llmwright.__file__}, not this checkout (pip install -e .)")
"""  # the launcher's own test for running in place (.claude/scripts/llmwright.sh, runs_in_place)


@functools.cache
def _in_place_problem(python: str) -> str | None:
    result = subprocess.run(
        [python, "-P", "-c", IN_PLACE_CHECK, str(ROOT / "pyproject.toml")], capture_output=True, text=True, timeout=60
    )
    return None if result.returncode == 0 else (result.stderr.strip().splitlines() or ["unusable"])[-1]


def launcher_python() -> str:
    """The interpreter the launcher will run the server with, in place; skips the test when the
    launcher would instead install llmwright's dependencies from PyPI (tests stay offline).
    Set LLMWRIGHT_PYTHON to a Python that has them (e.g. the launcher's own venv) to run these."""
    python = os.environ.get("LLMWRIGHT_PYTHON") or sys.executable
    problem = _in_place_problem(python)
    if problem:
        pytest.skip(
            f"{python} lacks llmwright's dependencies ({problem}); run `pip install -e .` or set LLMWRIGHT_PYTHON"
        )
    return python


def run(*args: str, cwd: Path | str = ROOT, env: dict[str, str | None] | None = None, timeout: float = 120, **kw: Any):
    """A subprocess with the test's environment plus `env` (a None value removes the variable)."""
    merged = {**os.environ, **(env or {})}
    full = {name: value for name, value in merged.items() if value is not None}
    return subprocess.run(list(args), cwd=cwd, env=full, capture_output=True, text=True, timeout=timeout, **kw)


def plugin_manifest() -> dict[str, Any]:
    return json.loads((ROOT / ".claude-plugin" / "plugin.json").read_text(encoding="utf-8"))


# A fresh clone holds none of these; a plugin install reads whatever the directory holds.
NOT_IN_A_CLONE = {".git", "__pycache__", ".pytest_cache", ".ruff_cache", ".venv", "venv", "node_modules", ".benchmarks"}
CREDENTIALS = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN", "CLAUDE_CODE_USE_BEDROCK")


def fresh_clone(target: Path) -> Path:
    """A copy of the checkout as a clone would have it (no venv, caches or session files) at `target`."""

    def ignore(directory: str, names: list[str]) -> set[str]:
        skip = {n for n in names if n in NOT_IN_A_CLONE}
        if Path(directory).name in ("active", "archive", "reports") and Path(directory).parent.name == "sessions":
            skip |= {n for n in names if n != ".gitkeep"}
        return skip

    shutil.copytree(ROOT, target, ignore=ignore, symlinks=True)
    return target


def claude_home_env(home: Path, **extra: str | None) -> dict[str, str | None]:
    """A throwaway Claude Code home, offline, with no credentials of the user's; the llmwright server
    runs with the test's interpreter (never an install from PyPI)."""
    env: dict[str, str | None] = dict.fromkeys(CREDENTIALS)
    env |= dict.fromkeys(name for name in os.environ if name.startswith(("CLAUDE_", "LLMWRIGHT_")))
    env |= {
        "HOME": str(home),
        "CLAUDE_CONFIG_DIR": str(home / ".claude"),
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "LLMWRIGHT_PYTHON": launcher_python(),
        "LLMWRIGHT_NO_INSTALL": "1",
        "LLMWRIGHT_DATA_DIR": str(home / "llmwright-data"),
        "LLMWRIGHT_CACHE_DIR": str(home / "llmwright-cache"),
    }
    return env | extra
