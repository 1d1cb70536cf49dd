"""The README's tables of MCP tools, CLI commands and audit rules, generated from their registries.

`python -m tests.support.readme` rewrites the blocks between the README's `BEGIN generated: NAME`
and `END generated: NAME` markers; tests/test_readme.py fails when a block differs from what
the registries say, so a new tool, command or rule cannot be left out of the README.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
BLOCK = re.compile(
    r"(<!-- BEGIN generated: (?P<name>[\w-]+) .*?-->\n)(?P<body>.*?)(<!-- END generated: (?P=name) -->)", re.DOTALL
)


def _first_sentence(text: str | None) -> str:
    """The description's first sentence, on one line, with table pipes escaped."""
    flat = " ".join((text or "").split("\b")[0].split())
    sentence = re.split(r"(?<=\.)\s", flat, maxsplit=1)[0].rstrip(".")
    return sentence.replace("|", "\\|")


def _kind(annotations: object) -> str:
    """What a tool's annotations promise, in a reader's words."""
    read_only = getattr(annotations, "read_only_hint", False)
    network = getattr(annotations, "open_world_hint", False)
    if read_only:
        return "read-only, network" if network else "read-only, offline"
    return "calls providers (spends credits)" if network else "writes files"


def mcp_tools_table() -> str:
    from mcp import Client

    from llmwright.server.server import build_server

    async def listing():
        async with Client(build_server()) as client:
            return (await client.list_tools()).tools

    rows = ["| tool | kind | what it does |", "| --- | --- | --- |"]
    for tool in asyncio.run(listing()):
        rows.append(f"| `{tool.name}` | {_kind(tool.annotations)} | {_first_sentence(tool.description)} |")
    return "\n".join(rows) + "\n"


def mcp_resources_table() -> str:
    from mcp import Client

    from llmwright.server.server import build_server

    async def listing():
        async with Client(build_server()) as client:
            return (await client.list_resources()).resources, (
                await client.list_resource_templates()
            ).resource_templates

    resources, templates = asyncio.run(listing())
    rows = ["| resource | what it holds |", "| --- | --- |"]
    rows += [f"| `{r.uri}` | {_first_sentence(r.description)} |" for r in resources]
    rows += [f"| `{t.uri_template}` | {_first_sentence(t.description)} |" for t in templates]
    return "\n".join(rows) + "\n"


def cli_commands_table() -> str:
    from llmwright.server.cli import all_commands

    rows = ["| command | what it does |", "| --- | --- |"]
    for name, command in all_commands().items():
        rows.append(f"| `llmwright {name}` | {_first_sentence(command.help)} |")
    return "\n".join(rows) + "\n"


def audit_rules_table() -> str:
    from llmwright.audit import rule_catalog

    rows = [
        "| id | name | default severity | category | scope | flags |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for rule in rule_catalog():
        rows.append(f"| {rule.id} | {rule.name} | {rule.severity} | {rule.category} | {rule.scope} | {rule.title} |")
    return "\n".join(rows) + "\n"


GENERATORS: dict[str, Callable[[], str]] = {
    "mcp-tools": mcp_tools_table,
    "mcp-resources": mcp_resources_table,
    "cli-commands": cli_commands_table,
    "audit-rules": audit_rules_table,
}


def blocks(text: str) -> dict[str, str]:
    """The generated blocks of a README, by name."""
    return {match["name"]: match["body"] for match in BLOCK.finditer(text)}


def regenerate(text: str) -> str:
    return BLOCK.sub(lambda m: m.group(1) + GENERATORS[m["name"]]() + m.group(4), text)


if __name__ == "__main__":
    README.write_text(regenerate(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"rewrote {', '.join(blocks(README.read_text(encoding='utf-8')))} in {README}")
