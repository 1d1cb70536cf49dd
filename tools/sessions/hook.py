"""The SubagentStop hook: an llmwright subagent's final message becomes a session report.

Claude Code runs the hook with a JSON object on stdin (`hook_event_name`, `agent_type`,
`last_assistant_message`, `agent_transcript_path`, `cwd`, …). Only llmwright's own agents
are recorded; a plugin install names them `PLUGIN:agent`, so any namespace is accepted.

No duplicates: an agent that already filed its report explicitly this run (its transcript
shows a call to `append_session_report`, `update-active-session.sh` or
`llmwright session append`) is skipped, and so is a final message identical to the
agent's last report. The hook never fails the user's session: the CLI turns every
problem into a note on stderr and exit 0.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from .append import append_report
from .location import project_dir
from .models import AppendResult

LLMWRIGHT_AGENTS = frozenset({"llm-ml-engineer", "llm-integration-specialist", "llm-cost-optimizer"})
EXPLICIT_APPEND_MARKS = ("update-active-session.sh", "session append")
EXPLICIT_APPEND_TOOL = "append_session_report"
MAX_TRANSCRIPT_BYTES = 50_000_000


class HookOutcome(BaseModel):
    action: Literal["appended", "skipped", "ignored"]
    reason: str
    result: AppendResult | None = None


def llmwright_agent(agent_type: object) -> str | None:
    """`llm-ml-engineer` or `llmwright:llm-ml-engineer` -> `llm-ml-engineer`; anything else -> None."""
    if not isinstance(agent_type, str):
        return None
    name = agent_type.strip().rsplit(":", 1)[-1]
    return name if name in LLMWRIGHT_AGENTS else None


def handle_subagent_stop(raw: str, project: str | None = None) -> HookOutcome:
    """Record the final message of an llmwright subagent; say why when nothing is recorded."""
    try:
        payload = json.loads(raw) if raw.strip() else None
    except json.JSONDecodeError as exc:
        return HookOutcome(action="ignored", reason=f"stdin is not JSON ({exc.msg}); nothing recorded")
    if not isinstance(payload, dict):
        return HookOutcome(action="ignored", reason="stdin is not a SubagentStop JSON object; nothing recorded")
    event = payload.get("hook_event_name")
    if event not in (None, "SubagentStop"):
        return HookOutcome(action="ignored", reason=f"event {event!r} is not SubagentStop; nothing recorded")
    agent = llmwright_agent(payload.get("agent_type"))
    if agent is None:
        return HookOutcome(action="ignored", reason=f"{payload.get('agent_type')!r} is not an llmwright agent")
    transcript = _transcript(payload.get("agent_transcript_path"))
    message = payload.get("last_assistant_message")
    if not isinstance(message, str) or not message.strip():
        message = _last_assistant_text(transcript) if transcript else None
    if not message or not message.strip():
        return HookOutcome(action="ignored", reason=f"{agent} left no final message; nothing recorded")
    if transcript and _appended_explicitly(transcript):
        return HookOutcome(action="skipped", reason=f"{agent} already appended its report this run")
    cwd = payload.get("cwd") if isinstance(payload.get("cwd"), str) else None
    result = append_report(project_dir(project, fallback=cwd), agent, message, source="hook", skip_duplicate=True)
    action = "skipped" if result.destination == "skipped" else "appended"
    return HookOutcome(action=action, reason=result.message, result=result)


def _transcript(path: object) -> Path | None:
    if not isinstance(path, str) or not path:
        return None
    candidate = Path(path).expanduser()
    try:
        return candidate if candidate.is_file() and candidate.stat().st_size <= MAX_TRANSCRIPT_BYTES else None
    except OSError:
        return None


def _entries(transcript: Path) -> Iterator[dict[str, Any]]:
    """Transcript lines as JSON objects; unreadable lines are skipped, not fatal."""
    try:
        with transcript.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(entry, dict):
                    yield entry
    except OSError:
        return


def _blocks(entry: dict[str, Any]) -> list[dict[str, Any]]:
    message = entry.get("message")
    content = message.get("content") if isinstance(message, dict) else None
    return [block for block in content if isinstance(block, dict)] if isinstance(content, list) else []


def _appended_explicitly(transcript: Path) -> bool:
    for entry in _entries(transcript):
        for block in _blocks(entry):
            if block.get("type") != "tool_use":
                continue
            name = str(block.get("name", ""))
            command = block.get("input", {}).get("command", "") if isinstance(block.get("input"), dict) else ""
            if name.endswith(EXPLICIT_APPEND_TOOL):
                return True
            if isinstance(command, str) and any(mark in command for mark in EXPLICIT_APPEND_MARKS):
                return True
    return False


def _last_assistant_text(transcript: Path) -> str | None:
    """Fallback for Claude Code versions that do not pass `last_assistant_message`."""
    last = None
    for entry in _entries(transcript):
        if entry.get("type") != "assistant":
            continue
        texts = [b.get("text", "") for b in _blocks(entry) if b.get("type") == "text" and b.get("text")]
        if texts:
            last = "\n\n".join(texts)
    return last
