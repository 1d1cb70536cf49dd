"""`llmwright session …` as a user runs it: lifecycle, JSON output, one-line errors, the hook command.

Real subprocesses where the process matters (entry point, stdin, exit codes); the
in-process click runner for the rest, to keep the suite fast.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from llmwright.server.cli import cli
from llmwright.sessions import show_session, start_session

from .conftest import ANTHROPIC_SHAPED, CANARY, run_in


@pytest.fixture
def runner(project: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(project)
    return CliRunner()


def test_lifecycle_through_the_cli(project: Path, runner: CliRunner) -> None:
    started = run_in(project, "session", "start", "checkout", "bot")
    assert started.returncode == 0, started.stderr
    assert started.stdout.startswith("started session 'checkout bot': .claude/sessions/active/")
    refused = runner.invoke(cli, ["session", "start", "another"])
    assert refused.exit_code == 1 and refused.stderr.startswith("error: a session is already active")

    (project / "review.md").write_text("# Reliability review\n\n- no timeout on the OpenAI client\n")
    appended = run_in(project, "session", "append", "--agent", "llm-ml-engineer", "--file", "review.md")
    assert appended.returncode == 0, appended.stderr
    assert appended.stdout.startswith("appended report 1 ('Reliability review') to .claude/sessions/active/")
    piped = runner.invoke(
        cli, ["session", "append", "--agent", "llm-cost-optimizer", "-", "--format", "json"], input="spend is fine"
    )
    data = json.loads(piped.stdout)
    assert data["destination"] == "session" and data["n"] == 2 and data["title"] == "spend is fine"

    shown = run_in(project, "session", "show")
    assert "# Session: checkout bot" in shown.stdout and "- no timeout on the OpenAI client" in shown.stdout
    as_json = json.loads(runner.invoke(cli, ["session", "show", "--format", "json"]).stdout)
    assert [r["agent"] for r in as_json["reports"]] == ["llm-ml-engineer", "llm-cost-optimizer"]
    assert as_json["state"] == "active" and as_json["content"] == shown.stdout

    closed = runner.invoke(cli, ["session", "close"])
    assert closed.exit_code == 0 and "(2 reports): .claude/sessions/archive/" in closed.stdout
    listed = runner.invoke(cli, ["session", "list"])
    assert "Active session:\n  (none)" in listed.stdout and "'checkout bot'" in listed.stdout
    listing = json.loads(runner.invoke(cli, ["session", "list", "--format", "json"]).stdout)
    assert listing["active"] == [] and len(listing["archived"]) == 1 and listing["archived"][0]["closed"]
    assert listing["project"] == str(project)


def test_standalone_and_redaction_through_the_cli(project: Path) -> None:
    report = f"# Keys found\n\nOPENAI_API_KEY={CANARY}\nand {ANTHROPIC_SHAPED}\n"
    result = run_in(project, "session", "append", "--agent", "llm-integration-specialist", "-", input=report)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("no active session: wrote standalone report .claude/sessions/reports/")
    written = next((project / ".claude/sessions/reports").glob("*.md")).read_text()
    for text in (written, result.stdout, result.stderr):
        assert CANARY not in text and ANTHROPIC_SHAPED not in text
    assert "OPENAI_API_KEY=***" in written


def test_bad_input_is_one_line_with_the_fix(runner: CliRunner) -> None:
    cases = [
        (("session", "append", "--agent", "llm-ml-engineer"), 2, "give the report once"),
        (("session", "append", "--agent", "x/y", "-"), 2, "agent name 'x/y' is not valid"),
        (("session", "append", "--agent", "a", "--file", "missing.md"), 2, "No such file or directory; check the path"),
        (("session", "show"), 1, "no active session; start one with `llmwright session start NAME`"),
        (("session", "show", "../../etc/passwd"), 2, "contains '..'"),
        (("session", "close", "/etc/passwd"), 2, "absolute path"),
        (("session", "start", "!!!"), 2, "has no letters or digits"),
        (("session", "list", "--project", "nope"), 2, "does not exist"),
    ]
    for args, code, message in cases:
        result = runner.invoke(cli, list(args), input="report")
        assert result.exit_code == code, (args, result.output)
        assert message in result.stderr and "Traceback" not in result.output, (args, result.stderr)
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr


def test_project_comes_from_claude_project_dir(project: Path, tmp_path: Path, monkeypatch) -> None:
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = CliRunner().invoke(cli, ["session", "start", "from env"], env={"CLAUDE_PROJECT_DIR": str(project)})
    assert result.exit_code == 0, result.output
    assert len(list((project / ".claude/sessions/active").glob("*.md"))) == 1
    assert not (elsewhere / ".claude").exists()


def test_subagent_stop_hook_command(project: Path, runner: CliRunner) -> None:
    start_session(project, "hooks")
    event = {
        "hook_event_name": "SubagentStop",
        "agent_type": "llmwright:llm-cost-optimizer",
        "last_assistant_message": "## Spend\n\nBatch the nightly job: -48%.",
        "cwd": str(project),
    }
    ours = run_in(project, "session", "hook", "subagent-stop", input=json.dumps(event))
    assert ours.returncode == 0 and ours.stdout == "" and "appended report 1" in ours.stderr
    garbage = run_in(project, "session", "hook", "subagent-stop", input="{not json")
    assert garbage.returncode == 0 and "nothing recorded" in garbage.stderr and "Traceback" not in garbage.stderr

    hook = ["session", "hook", "subagent-stop"]
    foreign = runner.invoke(cli, hook, input=json.dumps({**event, "agent_type": "Plan"}))
    assert foreign.exit_code == 0 and "not an llmwright agent" in foreign.stderr
    for raw in ("", "null", "[]", json.dumps({**event, "last_assistant_message": ""})):
        result = runner.invoke(cli, hook, input=raw)
        assert result.exit_code == 0 and "nothing recorded" in result.stderr, raw
    broken = runner.invoke(cli, [*hook, "--project", "missing"], input=json.dumps(event))
    assert broken.exit_code == 0 and "recorded nothing" in broken.stderr
    as_json = runner.invoke(cli, [*hook, "--format", "json"], input=json.dumps(event))
    assert json.loads(as_json.stdout)["action"] == "skipped", "the same final message is not recorded twice"
    assert [(r.agent, r.source) for r in show_session(project).reports] == [("llm-cost-optimizer", "hook")]
