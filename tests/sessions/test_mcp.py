"""`append_session_report` and `llmwright://session/active` through the real MCP client."""

from __future__ import annotations

import shutil
from pathlib import Path

from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp_types import ListRootsResult, Root

from llmwright.server.server import build_server
from llmwright.sessions import show_session, start_session

from .conftest import ANTHROPIC_SHAPED, CANARY
from .test_scripts import LAUNCHER, clean_env, require_in_place


def roots_of(folder: Path):
    async def roots(context) -> ListRootsResult:
        return ListRootsResult(roots=[Root(uri=folder.as_uri(), name="project")])

    return roots


async def test_append_goes_to_the_client_root_and_is_redacted(project: Path) -> None:
    start_session(project, "mcp session")
    async with Client(build_server(), list_roots_callback=roots_of(project)) as client:
        tool = {t.name: t for t in (await client.list_tools()).tools}["append_session_report"]
        assert tool.output_schema and tool.annotations.read_only_hint is False
        assert tool.annotations.destructive_hint is False and tool.annotations.open_world_hint is False

        report = f"# Fallback chain\n\nkey: {CANARY} / {ANTHROPIC_SHAPED}"
        result = await client.call_tool(
            "append_session_report", {"agent": "llm-integration-specialist", "report": report}
        )
        assert not result.is_error, result.content
        data = result.structured_content
        assert data["destination"] == "session" and data["n"] == 1 and data["title"] == "Fallback chain"
        assert data["secrets_redacted"] == 2
        assert Path(data["path"]).parent == project / ".claude/sessions/active"

        active = await client.read_resource("llmwright://session/active")
        text = active.contents[0].text
        assert "# Session: mcp session" in text and "## Fallback chain" in text
        assert CANARY not in text and ANTHROPIC_SHAPED not in text
    assert show_session(project).reports[0].agent == "llm-integration-specialist"


async def test_paths_outside_the_sessions_dir_are_refused(project: Path, tmp_path: Path) -> None:
    start_session(project, "confined")
    outside = tmp_path / "outside.md"
    outside.write_text("untouched\n")
    async with Client(build_server(), list_roots_callback=roots_of(project)) as client:
        for name in ("../../outside", str(outside), "active/../../../outside.md", "../../../etc/passwd"):
            refused = await client.call_tool(
                "append_session_report", {"agent": "llm-ml-engineer", "report": "payload", "session": name}
            )
            assert refused.is_error, name
            message = refused.content[0].text
            assert "'..'" in message or "absolute path" in message, message
        bad_agent = await client.call_tool("append_session_report", {"agent": "../x", "report": "r"})
        assert bad_agent.is_error and "agent name" in bad_agent.content[0].text
        empty = await client.call_tool("append_session_report", {"agent": "llm-ml-engineer", "report": "  "})
        assert empty.is_error and "report is empty" in empty.content[0].text
        still_up = await client.call_tool("append_session_report", {"agent": "llm-ml-engineer", "report": "ok"})
        assert not still_up.is_error
    assert outside.read_text() == "untouched\n"
    assert [r.n for r in show_session(project).reports] == [1]


async def test_without_roots_the_project_is_claude_project_dir(project: Path, monkeypatch) -> None:
    monkeypatch.setenv("CLAUDE_PROJECT_DIR", str(project))
    async with Client(build_server()) as client:
        empty = await client.read_resource("llmwright://session/active")
        assert "no active session" in empty.contents[0].text
        result = await client.call_tool("append_session_report", {"agent": "llm-cost-optimizer", "report": "# Spend"})
        assert result.structured_content["destination"] == "standalone"
        assert Path(result.structured_content["path"]).parent == project / ".claude/sessions/reports"


async def test_the_launcher_serves_the_session_tool_over_stdio(project: Path) -> None:
    require_in_place()
    params = StdioServerParameters(
        command=shutil.which("bash") or "/bin/bash",
        args=[str(LAUNCHER), "serve"],
        cwd=str(project),
        env=clean_env(CLAUDE_PROJECT_DIR=str(project)),
    )
    async with Client(params, read_timeout_seconds=60) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert "append_session_report" in names
        result = await client.call_tool("append_session_report", {"agent": "llm-ml-engineer", "report": "# Via stdio"})
        assert not result.is_error and result.structured_content["destination"] == "standalone"
    assert len(list((project / ".claude/sessions/reports").glob("*-via-stdio.md"))) == 1
