"""`audit_repo` through the real MCP client: roots, --allow-root, refusals, progress, the rule resource."""

from __future__ import annotations

import json
from pathlib import Path

from mcp import Client
from mcp_types import ListRootsResult, Root

from llmwright.server.server import build_server

SAMPLE = Path(__file__).parent / "sample_project"


async def test_audit_within_allowed_root_and_refusal_outside(tmp_path: Path) -> None:
    progress: list[float] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append(value)

    async with Client(build_server(allowed_roots=[str(SAMPLE)])) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert tools["audit_repo"].output_schema and tools["audit_repo"].annotations.read_only_hint
        result = await client.call_tool("audit_repo", {"path": str(SAMPLE)}, progress_callback=on_progress)
        assert not result.is_error, result.content
        data = result.structured_content
        assert len(data["findings"]) == 10 and data["scores"][-1]["score"] == 31
        assert data["llm_calls"] == 3 and len(data["call_sites"]) == 3
        relative = await client.call_tool("audit_repo", {"path": "app", "select": ["LLM1"]})
        assert not relative.is_error
        assert {f["rule"][:4] for f in relative.structured_content["findings"]} == {"LLM1"}

        outside = await client.call_tool("audit_repo", {"path": str(tmp_path)})
        assert outside.is_error and "outside the allowed roots" in outside.content[0].text
        escape = await client.call_tool("audit_repo", {"path": str(SAMPLE / ".." / "fixtures")})
        assert escape.is_error
        bad = await client.call_tool("audit_repo", {"path": str(SAMPLE), "select": ["LLM999"]})
        assert bad.is_error and "unknown rule" in bad.content[0].text

        rules = await client.read_resource("llmwright://audit/rules")
        catalog = json.loads(rules.contents[0].text)
        assert len(catalog) == 23 and catalog[0]["id"] == "LLM101" and "Why is this bad?" in catalog[0]["doc"]
    assert progress, "audit_repo sends progress notifications"


async def test_client_roots_are_honoured(tmp_path: Path) -> None:
    (tmp_path / "svc.py").write_text("from openai import OpenAI\nclient = OpenAI()\n")

    async def roots(context) -> ListRootsResult:
        return ListRootsResult(roots=[Root(uri=tmp_path.as_uri(), name="project")])

    async with Client(build_server(), list_roots_callback=roots) as client:
        result = await client.call_tool("audit_repo", {"path": str(tmp_path)})
        assert not result.is_error, result.content
        assert [f["rule"] for f in result.structured_content["findings"]] == ["LLM101"]
        refused = await client.call_tool("audit_repo", {"path": str(SAMPLE)})
        assert refused.is_error and "outside the allowed roots" in refused.content[0].text

    async with Client(build_server()) as client:  # no roots at all
        none = await client.call_tool("audit_repo", {"path": str(tmp_path)})
        assert none.is_error and "no roots" in none.content[0].text


async def test_a_relative_path_is_read_in_the_first_root(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()  # a second root with the same folder name and nothing to find in it
    async with Client(build_server(allowed_roots=[str(SAMPLE), str(tmp_path)])) as client:
        result = await client.call_tool("audit_repo", {"path": "app", "select": ["LLM1"]})
        assert not result.is_error, result.content
        assert result.structured_content["findings"], "audited sample_project/app, the first root's"


async def test_the_last_progress_notification_counts_every_file(tmp_path: Path) -> None:
    for name in ("a.py", "b.py"):  # two files over the engine's 512 kB chunk: progress after each
        (tmp_path / name).write_text("# padding\n" * 60_000 + "from openai import OpenAI\nclient = OpenAI()\n")
    notes: list[tuple[float, float | None, str | None]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        notes.append((value, total, message))

    async with Client(build_server(allowed_roots=[str(tmp_path)])) as client:
        result = await client.call_tool("audit_repo", {"path": str(tmp_path)}, progress_callback=on_progress)
        assert not result.is_error, result.content
    assert notes[-1] == (2, 2, "2/2 files")


async def test_paths_that_cannot_be_read_are_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    cases = {
        "~no-such-user-llmwright/app": "path '~no-such-user-llmwright/app'",  # no such home directory
        str(tmp_path / "a" / "x"): "cannot be audited: RuntimeError",  # a symlink loop
        str(tmp_path / ("n" * 300)): "cannot be audited: OSError",  # a name too long for the file system
        str(tmp_path / "nul\0byte"): "cannot be audited: ValueError",
    }
    async with Client(build_server(allowed_roots=[str(tmp_path)])) as client:
        for path, said in cases.items():
            refused = await client.call_tool("audit_repo", {"path": path})
            assert refused.is_error and said in refused.content[0].text, (path, refused.content)
            assert "\n" not in refused.content[0].text.strip()
        still_up = await client.call_tool("audit_repo", {"path": str(tmp_path)})
        assert not still_up.is_error, still_up.content
