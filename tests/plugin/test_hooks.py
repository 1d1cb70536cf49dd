"""The plugin's hooks, run as Claude Code runs them: a command with the hook JSON on stdin.

PostToolUse (`audit-on-edit.sh`): a Python file that calls an LLM is audited after each edit
and Claude is told, through `hookSpecificOutput.additionalContext`, only what is new; other
files are skipped before any Python starts. SubagentStop (`subagent-stop.sh`): an llmwright
agent's final message lands in the active session file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from .support import LAUNCHER, ROOT, launcher_python, run

AUDIT_HOOK = ROOT / ".claude" / "scripts" / "audit-on-edit.sh"
STOP_HOOK = ROOT / ".claude" / "scripts" / "subagent-stop.sh"

CLEAN = """\
import logging

from openai import APIError, OpenAI

log = logging.getLogger(__name__)
client = OpenAI(timeout=30.0, max_retries=3)


def answer(question: str) -> str:
    try:
        reply = client.chat.completions.create(
            model="gpt-4o-mini", max_tokens=300, messages=[{"role": "user", "content": question}]
        )
    except APIError:
        log.exception("openai call failed")
        raise
    log.info("openai call ok", extra={"usage": reply.usage})
    return reply.choices[0].message.content or ""
"""
NO_TIMEOUT = CLEAN.replace("OpenAI(timeout=30.0, max_retries=3)", "OpenAI(max_retries=3)")  # line 6


@pytest.fixture
def project(tmp_path: Path) -> Path:
    directory = tmp_path / "project"
    (directory / "src").mkdir(parents=True)
    return directory


def edit_event(project: Path, file: Path, session: str = "session-1", tool: str = "Write") -> str:
    content = file.read_text(encoding="utf-8") if file.exists() else ""
    return json.dumps(
        {
            "session_id": session,
            "transcript_path": str(project / "transcript.jsonl"),
            "cwd": str(project),
            "hook_event_name": "PostToolUse",
            "tool_name": tool,
            "tool_input": {"file_path": str(file), "content": content},
            "tool_response": {"filePath": str(file), "success": True},
        }
    )


def audit_hook(project: Path, event: str, python: str = sys.executable):
    env = {"CLAUDE_PLUGIN_DATA": str(project.parent / "plugin-data"), "CLAUDE_PROJECT_DIR": str(project)}
    return run(str(AUDIT_HOOK), cwd=project, env={**env, "LLMWRIGHT_PYTHON": python}, input=event)


def told(result) -> str:
    assert result.returncode == 0, result.stderr
    if not result.stdout.strip():
        return ""
    output = json.loads(result.stdout)["hookSpecificOutput"]
    assert output["hookEventName"] == "PostToolUse"
    return output["additionalContext"]


def test_a_missing_timeout_is_told_to_claude_once(project):
    app = project / "src" / "app.py"
    app.write_text(NO_TIMEOUT, encoding="utf-8")
    first = told(audit_hook(project, edit_event(project, app)))
    assert first.startswith("llmwright audit: 1 new finding in src/app.py")
    assert "src/app.py:6 LLM101 no-timeout (high)" in first and "OpenAI(timeout=30.0)" in first
    assert "LLM103" not in first and "LLM401" not in first  # project-wide rules need the whole project

    assert told(audit_hook(project, edit_event(project, app, tool="Edit"))) == ""  # nothing new: quiet
    assert "LLM101" in told(audit_hook(project, edit_event(project, app, session="session-2")))  # new session

    app.write_text(CLEAN, encoding="utf-8")
    assert told(audit_hook(project, edit_event(project, app, tool="Edit"))) == ""  # fixed: nothing to say
    app.write_text(NO_TIMEOUT, encoding="utf-8")
    assert "src/app.py:6 LLM101" in told(audit_hook(project, edit_event(project, app, tool="Edit")))  # regressed


def test_clean_and_unrelated_files_are_silent_without_starting_python(project):
    clean = project / "src" / "clean.py"
    clean.write_text(CLEAN, encoding="utf-8")
    assert told(audit_hook(project, edit_event(project, clean))) == ""

    plain = project / "src" / "maths.py"
    plain.write_text("def add(a, b):\n    return a + b\n", encoding="utf-8")
    notes = project / "NOTES.md"
    notes.write_text("We call openai.chat.completions.create here.\n", encoding="utf-8")
    gone = project / "src" / "deleted.py"
    no_python = "/nonexistent/python3"  # the hook would fail if it started Python for these
    for file in (plain, notes, gone):
        result = audit_hook(project, edit_event(project, file), python=no_python)
        assert (result.returncode, result.stdout, result.stderr) == (0, "", ""), file.name
    assert audit_hook(project, "{}", python=no_python).returncode == 0  # no file_path at all


def test_files_the_project_excludes_are_not_audited(project):
    (project / "pyproject.toml").write_text('[tool.llmwright.audit]\nexclude = ["fixtures/"]\n', encoding="utf-8")
    fixture = project / "fixtures" / "bad.py"
    fixture.parent.mkdir()
    fixture.write_text(NO_TIMEOUT, encoding="utf-8")
    assert told(audit_hook(project, edit_event(project, fixture))) == ""
    app = project / "src" / "app.py"
    app.write_text(NO_TIMEOUT, encoding="utf-8")
    assert "LLM101" in told(audit_hook(project, edit_event(project, app)))


def test_a_relative_path_and_a_broken_file_are_handled(project):
    app = project / "src" / "app.py"
    app.write_text("from openai import OpenAI\nclient = OpenAI(\n", encoding="utf-8")  # mid-edit syntax error
    event = json.loads(edit_event(project, app))
    event["tool_input"]["file_path"] = "src/app.py"
    assert told(audit_hook(project, json.dumps(event))) == ""  # unparsable: skipped, never a traceback
    app.write_text(NO_TIMEOUT, encoding="utf-8")
    assert "src/app.py:6 LLM101" in told(audit_hook(project, json.dumps(event)))


def test_subagent_stop_appends_the_final_message_to_the_active_session(project):
    env = {"CLAUDE_PROJECT_DIR": str(project), "LLMWRIGHT_PYTHON": launcher_python()}
    started = run(str(LAUNCHER), "session", "start", "payments-review", cwd=project, env=env)
    assert started.returncode == 0, started.stderr
    report = (
        "# Model recommendation\n\nPrimary openai:gpt-4o-mini at $540.00/month; fallback anthropic:claude-haiku-4-5."
    )
    event = {
        "session_id": "s",
        "cwd": str(project),
        "hook_event_name": "SubagentStop",
        "agent_type": "llmwright:llm-ml-engineer",
        "last_assistant_message": report,
    }
    stopped = run(str(STOP_HOOK), cwd=project, env=env, input=json.dumps(event))
    assert stopped.returncode == 0, stopped.stderr
    other = run(str(STOP_HOOK), cwd=project, env=env, input=json.dumps({**event, "agent_type": "Explore"}))
    assert other.returncode == 0

    sessions = list((project / ".claude" / "sessions" / "active").glob("*.md"))
    assert len(sessions) == 1
    text = sessions[0].read_text(encoding="utf-8")
    assert "llm-ml-engineer" in text and "Primary openai:gpt-4o-mini at $540.00/month" in text
    assert "Explore" not in text
