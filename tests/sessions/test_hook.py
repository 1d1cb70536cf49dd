"""The SubagentStop hook: llmwright agents' final messages recorded once, everything else left alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmwright.sessions import append_report, handle_subagent_stop, list_sessions, llmwright_agent, start_session


def payload(
    project: Path, agent: str = "llm-ml-engineer", message: str | None = "## Done\n\nPicked gpt-4o-mini.", **extra
):
    data = {
        "session_id": "abc123",
        "transcript_path": "/nonexistent/session.jsonl",
        "cwd": str(project),
        "permission_mode": "default",
        "hook_event_name": "SubagentStop",
        "stop_hook_active": False,
        "agent_id": "def456",
        "agent_type": agent,
        **extra,
    }
    if message is not None:
        data["last_assistant_message"] = message
    return json.dumps(data)


def transcript(tmp_path: Path, *entries: dict) -> str:
    path = tmp_path / "agent-def456.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in entries) + "\nnot json at all\n")
    return str(path)


def assistant(*blocks: dict) -> dict:
    return {"type": "assistant", "message": {"role": "assistant", "content": list(blocks)}}


@pytest.mark.parametrize(
    ("agent_type", "expected"),
    [
        ("llm-ml-engineer", "llm-ml-engineer"),
        ("llmwright:llm-cost-optimizer", "llm-cost-optimizer"),
        ("my-fork:llm-integration-specialist", "llm-integration-specialist"),
        ("Explore", None),
        ("llmwright:code-reviewer", None),
        (None, None),
        (42, None),
    ],
)
def test_only_llmwright_agents_count(agent_type, expected) -> None:
    assert llmwright_agent(agent_type) == expected


def test_llmwright_agent_final_message_is_appended(project: Path) -> None:
    start_session(project, "hooked")
    outcome = handle_subagent_stop(payload(project, "llmwright:llm-ml-engineer"))
    assert outcome.action == "appended" and outcome.result is not None
    entry = list_sessions(project).active[0].reports[0]
    assert (entry.agent, entry.source, entry.title) == ("llm-ml-engineer", "hook", "Done")
    assert "Picked gpt-4o-mini." in Path(outcome.result.path).read_text()


def test_foreign_agents_and_bad_input_are_ignored(project: Path) -> None:
    start_session(project, "quiet")
    for raw in (
        payload(project, "Explore"),
        payload(project, "general-purpose"),
        "",
        "garbage{",
        "[1, 2]",
        payload(project, message="   "),
        json.dumps({"hook_event_name": "PostToolUse", "agent_type": "llm-ml-engineer"}),
    ):
        assert handle_subagent_stop(raw).action == "ignored", raw
    assert list_sessions(project).active[0].reports == []


def test_no_duplicate_of_an_explicitly_appended_report(project: Path, tmp_path: Path) -> None:
    start_session(project, "dedupe")
    append_report(project, "llm-ml-engineer", "## Done\n\nPicked gpt-4o-mini.")
    same_text = handle_subagent_stop(payload(project))
    assert same_text.action == "skipped"

    # The agent filed a longer report through the script; its final message is only a summary.
    bash_call = {
        "type": "tool_use",
        "id": "t1",
        "name": "Bash",
        "input": {"command": ".claude/scripts/update-active-session.sh llm-ml-engineer /tmp/report.md"},
    }
    path = transcript(tmp_path, {"type": "user", "message": {"content": "go"}}, assistant(bash_call))
    summary = handle_subagent_stop(payload(project, message="Report appended.", agent_transcript_path=path))
    assert summary.action == "skipped" and "already appended" in summary.reason

    mcp_call = {"type": "tool_use", "id": "t2", "name": "mcp__plugin_llmwright_llmwright__append_session_report"}
    path = transcript(tmp_path, assistant(mcp_call))
    assert handle_subagent_stop(payload(project, message="Filed.", agent_transcript_path=path)).action == "skipped"

    assert [r.source for r in list_sessions(project).active[0].reports] == ["explicit"]


def test_final_message_falls_back_to_the_transcript_and_project_to_cwd(project: Path, tmp_path: Path) -> None:
    path = transcript(
        tmp_path,
        assistant({"type": "text", "text": "thinking out loud"}),
        {"type": "user", "message": {"content": [{"type": "tool_result", "content": "ok"}]}},
        assistant({"type": "text", "text": "# Cost review\n\nSave $300/month with batch."}),
    )
    outcome = handle_subagent_stop(payload(project, "llm-cost-optimizer", message=None, agent_transcript_path=path))
    assert outcome.action == "appended" and outcome.result.destination == "standalone"
    assert Path(outcome.result.path).parent == project / ".claude/sessions/reports"  # from the payload's cwd
    assert "Save $300/month with batch." in Path(outcome.result.path).read_text()
    assert "thinking out loud" not in Path(outcome.result.path).read_text()
