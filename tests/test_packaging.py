"""One import name: the wheel installs `llmwright` (from tools/ and mcp_server/) and nothing else.

LLM applications often have their own `tools/` package; a user's `tools/` or `mcp_server/` must
never shadow llmwright, and nothing llmwright installs may collide with the `tools` or
`mcp-server` distributions on the package index.
"""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]
RAISING = "raise ImportError('this is the user\\'s own {name} package, not llmwright')\n"


def _folder_packages() -> set[str]:
    """Every folder with an __init__.py under tools/ and mcp_server/, by the name it installs as."""
    names = set()
    for folder, prefix in (("tools", "llmwright"), ("mcp_server", "llmwright.server")):
        for init in (ROOT / folder).rglob("__init__.py"):
            parts = init.parent.relative_to(ROOT / folder).parts
            names.add(".".join((prefix, *parts)))
    return names


def test_pyproject_lists_every_package_folder_under_its_llmwright_name():
    assert SETUPTOOLS["package-dir"] == {
        "llmwright": "tools",
        "llmwright.server": "mcp_server",
        "llmwright.prompts.bundled": "prompts",
    }
    assert set(SETUPTOOLS["packages"]) == _folder_packages() | {"llmwright.prompts.bundled"}
    assert PYPROJECT["project"]["scripts"] == {"llmwright": "llmwright.server.cli:main"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("llmwright-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The wheel installed (without dependencies: those come from this environment) into its own folder."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return target


def _python(code: str, site: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`python -P -c code` seeing only `site` in front of this environment's dependencies."""
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONNOUSERSITE": "1"}
    return subprocess.run(
        [sys.executable, "-P", "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_wheel_holds_one_top_level_package_with_its_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top == {"llmwright"}
    for data in (
        "llmwright/tokens/encodings/o200k_base.tiktoken",
        "llmwright/tokens/encodings/cl100k_base.tiktoken",
        "llmwright/catalog/data/curated.toml",
        "llmwright/providers.toml",
        "llmwright/catalog/data/quality.toml",
        "llmwright/catalog/data/benchmarks.toml",
        "llmwright/catalog/data/latency.toml",
        "llmwright/prompts/bundled/executive-summary.md",
        "llmwright/prompts/bundled/pipelines/metrics-to-briefing.yaml",
        "llmwright/server/cli/__init__.py",
    ):
        assert data in names, f"{data} is missing from the wheel"


def test_the_installed_wheel_works_and_installs_no_tools_or_mcp_server(installed, tmp_path):
    probe = """
import importlib.util, json
from llmwright.prompts.library import load_library
from llmwright.catalog import get_catalog
from llmwright.tokens.count import count_text
import llmwright
print(json.dumps({
    "home": llmwright.__file__,
    "templates": sorted(load_library().names()),
    "tokens": count_text("Hello, world", get_catalog().resolve("openai:gpt-4o")).tokens,
    "tools": importlib.util.find_spec("tools") is not None,
    "mcp_server": importlib.util.find_spec("mcp_server") is not None,
}))
"""
    result = _python(probe, installed, tmp_path)
    assert result.returncode == 0, result.stderr
    import json

    seen = json.loads(result.stdout)
    assert Path(seen["home"]).is_relative_to(installed)
    assert "executive-summary" in seen["templates"] and len(seen["templates"]) >= 8
    assert seen["tokens"] == 3  # o200k_base from the shipped file, no download
    assert seen["tools"] is False and seen["mcp_server"] is False


def _shadowing_project(tmp_path: Path) -> Path:
    """A user's LLM app with its own `tools/` and `mcp_server/` packages that raise when imported."""
    project = tmp_path / "my-llm-app"
    for name in ("tools", "mcp_server"):
        (project / name).mkdir(parents=True)
        (project / name / "__init__.py").write_text(RAISING.format(name=name), encoding="utf-8")
    return project


def test_a_users_own_tools_and_mcp_server_packages_do_not_shadow_llmwright(tmp_path):
    project = _shadowing_project(tmp_path)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    # `python -c` and `python -m` put the project folder first on sys.path, as a user's scripts do.
    for command in (
        [sys.executable, "-c", "from llmwright.gateway import Gateway; print('llmwright, version', Gateway)"],
        [sys.executable, "-m", "llmwright.server", "--version"],
        ["llmwright", "--version"],
        [str(ROOT / ".claude" / "scripts" / "llmwright.sh"), "--version"],
    ):
        result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"{command}: {result.stderr}"
        assert "llmwright, version" in result.stdout


def test_tools_and_mcp_server_are_not_importable_from_the_installed_environment(tmp_path):
    for name in ("tools", "mcp_server"):
        result = subprocess.run(
            [sys.executable, "-P", "-c", f"import {name}"], cwd=tmp_path, capture_output=True, text=True, timeout=60
        )
        assert result.returncode != 0 and f"No module named '{name}'" in result.stderr


def _imported_modules() -> set[str]:
    """The top-level modules tools/ and mcp_server/ import, outside the standard library and llmwright."""
    imported = set()
    for path in [*(ROOT / "tools").rglob("*.py"), *(ROOT / "mcp_server").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                imported.add(node.module.split(".")[0])
    return imported - set(sys.stdlib_module_names) - {"llmwright"}


def _declared() -> set[str]:
    """Distribution names of the runtime dependencies and the optional parts' extras."""
    project = PYPROJECT["project"]
    requirements = [*project["dependencies"], *project["optional-dependencies"]["redis"]]
    requirements += project["optional-dependencies"]["otel"]
    return {_normalised(re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0]) for r in requirements}


def _normalised(distribution: str) -> str:
    """PEP 503: `typing_extensions` and `typing-extensions` name one distribution."""
    return re.sub(r"[-_.]+", "-", distribution).lower()


def test_every_imported_distribution_is_declared():
    """What tools/ and mcp_server/ import is in pyproject's dependencies (or an extra, for optional parts)."""
    declared = _declared()
    owners = importlib.metadata.packages_distributions()
    undeclared = {
        module: owners.get(module)
        for module in _imported_modules()
        if not {_normalised(name) for name in owners.get(module, [module])} & declared
    }
    assert undeclared == {}


def test_every_declared_distribution_is_imported():
    """No dependency is installed for nothing (aiolimiter and pybreaker went when the gateway got its own)."""
    owners = importlib.metadata.packages_distributions()
    used = {_normalised(name) for module in _imported_modules() for name in owners.get(module, [module])}
    assert _declared() - used == set()
