"""The README says what the code does: its generated tables match the registries, its imports work."""

from __future__ import annotations

import re

import pytest

from tests.support.readme import GENERATORS, README, ROOT, blocks

TEXT = README.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generated_tables_match_the_registries(name):
    found = blocks(TEXT)
    assert name in found, f"README.md has no `<!-- BEGIN generated: {name} -->` block"
    assert found[name] == GENERATORS[name](), (
        f"README.md's {name} table is out of date: run `python -m tests.support.readme`"
    )


def test_every_registered_tool_command_and_rule_is_in_the_readme():
    """Belt and braces for the generators themselves: names straight from the registries."""
    import asyncio

    from mcp import Client

    from llmwright.audit import rule_catalog
    from llmwright.server.cli import all_commands
    from llmwright.server.server import build_server

    async def tool_names() -> list[str]:
        async with Client(build_server()) as client:
            return [tool.name for tool in (await client.list_tools()).tools]

    for name in asyncio.run(tool_names()):
        assert f"| `{name}` |" in TEXT
    for name in all_commands():
        assert f"| `llmwright {name}` |" in TEXT
    for rule in rule_catalog():
        assert f"| {rule.id} | {rule.name} |" in TEXT


def test_readme_and_agents_import_llmwright_never_tools_or_mcp_server():
    texts = {path.name: path.read_text(encoding="utf-8") for path in [README, *(ROOT / "agents").glob("*.md")]}
    for name, text in texts.items():
        stale = re.findall(r"(?m)(?:^|[^.\w])(?:from|import) (?:tools|mcp_server)(?:[. ]|$)", text)
        assert stale == [], f"{name} still imports tools/mcp_server: {stale}"


def test_python_examples_in_the_readme_import():
    """Every `from llmwright… import …` line in the README's code blocks names something real."""
    import importlib

    lines = re.findall(r"(?m)^\s*from (llmwright[\w.]*) import ([\w, ]+)$", TEXT)
    assert lines, "the README shows no llmwright import"
    for module, names in lines:
        imported = importlib.import_module(module)
        for name in (n.strip() for n in names.split(",")):
            assert hasattr(imported, name), f"README: from {module} import {name} fails"
