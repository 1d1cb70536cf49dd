"""The README's commands run as shown, name models that still run today, and install from the repository.

Run `python -m tests.support.readme_commands` to rewrite the output of examples that drifted.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator

import click
import pytest

from llmwright.catalog import get_catalog
from llmwright.providers import provider_rows
from llmwright.server.cli import cli
from tests.support.cli import ROOT
from tests.support.readme_commands import (
    README,
    Example,
    console_examples,
    matches,
    model_refs,
    readme_world,
    run,
    shown_commands,
)

TEXT = README.read_text(encoding="utf-8")
EXAMPLES = console_examples(TEXT)
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def world() -> Iterator[dict[str, str]]:
    with readme_world() as env:
        yield env


def test_the_readme_shows_console_examples_with_their_output() -> None:
    assert len(EXAMPLES) >= 5
    assert all(e.expected for e in EXAMPLES), [e.command for e in EXAMPLES if not e.expected]


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"README.md:{e.line}")
def test_every_console_example_prints_what_the_readme_shows(example: Example, world: dict[str, str]) -> None:
    actual = run(example, world)
    assert matches(example.expected, actual), (
        f"README.md:{example.line} `{example.command}` drifted (python -m tests.support.readme_commands rewrites it)\n"
        + "\n".join(actual)
    )


def test_the_matcher_takes_wildcards_and_nothing_else() -> None:
    assert matches(["a … c", "..."], ["a b c", "x", "y"])
    assert matches(["a … c", "...", "z"], ["a  c", "z"])
    assert not matches(["a … c"], ["a b d"])
    assert not matches(["one"], ["one", "two"])


def test_every_model_the_readme_names_runs_today() -> None:
    catalog = get_catalog()
    named = [ref for ref in model_refs(TEXT) if ref.partition(":")[0] in _provider_names()]
    assert len(named) >= 5
    for ref in named:
        model = catalog.resolve(ref)  # a known provider with an unknown model is a typo: it raises
        assert model.status == "active", f"README.md names {ref}: {model.notice}"


def _provider_names() -> set[str]:
    return {name for name, row in provider_rows().items()} | {
        a for row in provider_rows().values() for a in row.aliases
    }


SHELL = re.compile(r"[<>|]|\$\(|\$\{|\$PWD|…")


@pytest.mark.parametrize("command", [c for c in shown_commands(TEXT) if not SHELL.search(c)])
def test_every_command_the_readme_shows_parses(command: str) -> None:
    """Options and subcommands exist and values have the right type (files need not exist here)."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    tokens = list(lexer)
    operators = [i for i, token in enumerate(tokens) if token in ("&", "&&", ";", "||")]
    args = tokens[1 : operators[0] if operators else None]  # the llmwright command, not what follows it
    ctx = click.Context(cli, info_name="llmwright")
    group: click.Group = cli
    while True:
        name, sub, args = group.resolve_command(ctx, args)
        assert sub is not None and name is not None, f"no such command in: {command}"
        if isinstance(sub, click.Group):
            ctx, group = click.Context(sub, info_name=name, parent=ctx), sub
            continue
        try:
            sub.make_context(name, list(args), parent=ctx)
        except click.BadParameter as exc:
            if "does not exist" not in str(exc):
                raise
        return


def test_the_install_lines_name_the_repository_and_a_tag_that_exists() -> None:
    repository = PYPROJECT["project"]["urls"]["Repository"]
    version = PYPROJECT["project"]["version"]
    assert f'pip install "llmwright @ git+{repository}@v{version}"' in TEXT
    assert f"uv tool install git+{repository}@v{version}" in TEXT
    assert f"git clone {repository}" in TEXT
    assert f"rev: v{version}" in TEXT and f"repo: {repository}" in TEXT
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert f"rev: v{version}" in hooks and "id: llmwright-audit" in hooks
    assert "pip install llmwright\n" not in TEXT and "`pip install llmwright`" not in TEXT
    tags = _tags()
    if tags:  # a checkout fetched without tags (CI clones one branch) cannot say; a release checkout must
        assert f"v{version}" in tags, f"the README's pre-commit rev v{version} is not a tag of this repository"


def _tags() -> set[str]:
    if not (ROOT / ".git").exists() or not shutil.which("git"):
        return set()
    listed = subprocess.run(["git", "-C", str(ROOT), "tag", "--list"], capture_output=True, text=True)
    return set(listed.stdout.split()) if listed.returncode == 0 else set()


@pytest.mark.slow
def test_pip_installs_from_a_git_url(tmp_path) -> None:
    """What `pip install "llmwright @ git+<repository>"` does, from this checkout's committed tree."""
    if not (ROOT / ".git").exists() or not shutil.which("git"):
        pytest.skip("not a git checkout")
    target = tmp_path / "site"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--target",
         str(target), f"llmwright @ git+file://localhost{ROOT}"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    version = subprocess.run(
        [sys.executable, "-c", "import llmwright, llmwright.server.cli; print(llmwright.__version__)"],
        capture_output=True, text=True, env={"PYTHONPATH": str(target)}, cwd=tmp_path,
    )  # fmt: skip
    assert version.stdout.strip() == PYPROJECT["project"]["version"], version.stderr
    assert (target / "llmwright" / "catalog" / "data" / "curated.toml").is_file()
