"""`llmwright run` and `llmwright prompts` through the real entry point, against the fake provider."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from llmwright.server.cli import cli
from tests.gateway.conftest import KEYS, config_toml
from tests.support.cli import run_cli
from tests.support.fake_provider import Fault

from .support import SequencedAnswers, valid_bottleneck, valid_insights, valid_summary

MODEL, FAKE_MODEL = "openai:gpt-4o-mini", "gpt-4o-mini"


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_run_prints_the_validated_json_then_serves_the_cache_as_json(fake, tmp_path):
    config = str(config_toml(fake, tmp_path))
    fake.answers[FAKE_MODEL] = valid_summary()
    findings = tmp_path / "findings.md"
    findings.write_text("p95 rose from 2.1 s to 4.3 s after the model switch.", encoding="utf-8")
    text = run_cli(
        "run", "executive-summary", "--var-file", f"findings={findings}", "-m", MODEL, "--config", config, env=KEYS
    )
    assert text.returncode == 0, text.stderr
    assert json.loads(text.stdout)["status"] == "at_risk"
    assert text.stderr.startswith("-- executive-summary · openai:gpt-4o-mini · ") and "· 1 call" in text.stderr
    assert "p95 rose from 2.1 s" in fake.requests("p1")[0].body["messages"][0]["content"]
    as_json = run_cli(
        "run", "executive-summary", "--var-file", f"findings={findings}", "-m", MODEL, "--config", config,
        "--format", "json", env=KEYS,
    )  # fmt: skip
    data = json.loads(as_json.stdout)
    assert as_json.returncode == 0 and data["status"] == "ok" and data["cached"] is True
    assert set(data) >= {"template", "status", "output", "text", "calls", "usage", "cost_usd", "attempts", "reason"}
    assert len(fake.requests("p1")) == 1  # the sqlite cache outlived the first process


def test_run_streams_a_text_template_and_uses_the_configured_default_model(fake, tmp_path):
    config = str(config_toml(fake, tmp_path, extra=f'[prompts]\nmodel = "{MODEL}"'))
    fake.answers[FAKE_MODEL] = "### Model recommendation\nKeep the current model."
    streamed = run_cli(
        "run", "llm-code-review", "--var", "code=app.py:1 OpenAI()", "--stream", "--config", config, env=KEYS
    )
    assert streamed.returncode == 0, streamed.stderr
    assert streamed.stdout == "### Model recommendation\nKeep the current model.\n"
    assert fake.requests("p1")[0].stream is True


def test_run_reports_invalid_output_unavailable_and_disabled(fake, tmp_path):
    config = str(config_toml(fake, tmp_path))
    fake.answers[FAKE_MODEL] = "I cannot answer in JSON."
    invalid = run_cli("run", "executive-summary", "-v", "findings=x", "-m", MODEL, "--config", config, env=KEYS)
    assert invalid.returncode == 1 and invalid.stdout == ""
    assert invalid.stderr.startswith(
        "error: executive-summary: invalid output: the answer failed the output schema twice"
    )
    assert "Traceback" not in invalid.stderr
    as_json = invoke(
        "run", "executive-summary", "-v", "findings=x", "-m", MODEL, "--config", config, "--format", "json"
    )
    assert as_json.exit_code == 1 and json.loads(as_json.stdout)["status"] == "invalid_output"
    assert len(json.loads(as_json.stdout)["calls"]) == 2

    fake.fault_rate("p1", 1.0, [Fault("status", 500)])
    down = invoke("run", "executive-summary", "-v", "findings=y", "-m", MODEL, "--config", config)
    assert down.exit_code == 1 and "executive-summary: unavailable: every provider failed" in down.stderr

    off = invoke("run", "executive-summary", "-v", "findings=z", "--config", config, env={"LLMWRIGHT_ENABLED": "0"})
    assert off.exit_code == 0 and off.stdout == "" and "note: the gateway is disabled" in off.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "executive-summary", "-m", MODEL], "missing required variable(s) findings"),
        (["run", "executive-summary", "-v", "findings=x", "-v", "tone=dry", "-m", MODEL], "unknown variable(s) tone"),
        (["run", "executive-summary", "-v", "findings"], "--var expects NAME=VALUE, got 'findings'"),
        (["run", "executive-summary", "-v", "findings=x", "-v", "findings=y"], "variable findings is given twice"),
        (["run", "executive-summary", "--var-file", "findings=/no/such/file"], "/no/such/file does not exist"),
        (["run", "executive-summary", "-v", "findings=x"], "no model to run executive-summary on: pass --model"),
        (["run", "executive-summary", "-v", "findings=x", "-m", MODEL, "--stream"], "cannot stream"),
        (["run", "executive-sumary"], "unknown prompt template 'executive-sumary'. Did you mean: executive-summary?"),
        (["run"], "give a TEMPLATE name or --pipeline FILE"),
        (["run", "--pipeline", "metrics-to-briefing", "-v", "service=s"], "missing input(s) metrics"),
        (["run", "--pipeline", "nope.yaml"], "neither a file nor a known pipeline"),
        (["prompts", "show", "nope"], "unknown prompt template 'nope'"),
        (["prompts", "render", "roi-analysis", "-v", "initiative=x"], "missing required variable(s) costs, benefits"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)  # no llmwright.toml: no default model
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1


def test_run_a_pipeline_in_text_and_json(fake, tmp_path):
    config = str(config_toml(fake, tmp_path))
    fake.answers = SequencedAnswers(**{FAKE_MODEL: [valid_insights(), valid_bottleneck(), valid_summary()]})
    args = ["run", "--pipeline", "metrics-to-briefing", "-v", "service=checkout", "-v", "metrics=p95 4300 ms"]
    text = invoke(*args, "-m", MODEL, "--config", config)
    assert text.exit_code == 0, text.output
    assert json.loads(text.stdout)["status"] == "at_risk"  # the last step's output
    assert [line.split(" ", 1)[0] for line in text.stderr.splitlines()] == ["[insights]", "[bottleneck]", "[briefing]"]
    as_json = invoke(*args, "-m", MODEL, "--config", config, "--format", "json")
    data = json.loads(as_json.stdout)
    assert data["status"] == "ok" and list(data["outputs"]) == ["insights", "bottleneck", "briefing"]
    assert all(step["result"]["cached"] for step in data["steps"]) and len(fake.requests("p1")) == 3


def test_prompts_list_show_and_render(tmp_path):
    listed = run_cli("prompts", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    assert data["count"] == 8 and data["problems"] == {} and "metrics-to-briefing" in data["pipelines"]
    roi = next(t for t in data["templates"] if t["name"] == "roi-analysis")
    assert [a["name"] for a in roi["arguments"] if a["required"]] == ["initiative", "costs", "benefits"]
    assert roi["output_schema"]["properties"]["recommendation"]["enum"][0] == "proceed"
    table = invoke("prompts", "list")
    assert "troubleshooting-assistant" in table.stdout and "initiative*" in table.stdout

    shown = invoke("prompts", "show", "roi-analysis")
    assert shown.stdout.startswith("---\nname: roi-analysis\n")
    parsed = json.loads(invoke("prompts", "show", "roi-analysis", "--format", "json").stdout)
    assert parsed["name"] == "roi-analysis" and "{{ initiative }}" in parsed["body"]

    rendered = invoke("prompts", "render", "troubleshooting-assistant", "-v", "problem=it is slow", "-v", "product=API")
    assert rendered.stdout.startswith("[system]\nYou are a troubleshooting assistant for API.")
    assert rendered.stdout.endswith("[user]\nit is slow\n")

    (tmp_path / "broken.md").write_text("---\nname: broken\n---\nbody", encoding="utf-8")
    broken = invoke("prompts", "list", "--prompts-dir", str(tmp_path), "--format", "json")
    assert broken.exit_code == 1 and json.loads(broken.stdout)["count"] == 8
    assert f"error: {tmp_path / 'broken.md'}: description: Field required" in broken.stderr
