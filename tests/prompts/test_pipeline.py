"""Pipelines: checked before the first call, steps run in order, outputs flow into later steps."""

from __future__ import annotations

import pytest

from llmwright.errors import InvalidInput
from llmwright.gateway import Gateway
from llmwright.prompts import load_library, load_pipeline, run_pipeline
from tests.gateway.conftest import config_for
from tests.support.fake_provider import Fault

from .support import SequencedAnswers, valid_bottleneck, valid_insights, valid_summary

MODEL, FAKE_MODEL = "openai:gpt-4o-mini", "gpt-4o-mini"
LIBRARY = load_library()
INPUTS = {"service": "checkout assistant", "metrics": '{"p95_ms": 4300, "error_rate": 0.004}'}


def write(tmp_path, text: str):
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return path


async def test_the_bundled_pipeline_passes_each_steps_output_to_the_next(fake, tmp_path):
    fake.answers = SequencedAnswers(**{FAKE_MODEL: [valid_insights(), valid_bottleneck(), valid_summary()]})
    pipeline = load_pipeline(LIBRARY.pipeline_path("metrics-to-briefing"), LIBRARY)
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        result = await run_pipeline(gateway, pipeline, INPUTS, LIBRARY, model=MODEL)
    assert result.status == "ok" and result.failed_step is None
    assert [s.id for s in result.steps] == ["insights", "bottleneck", "briefing"]
    assert result.outputs["insights"]["health"] == "degraded"
    assert result.outputs["bottleneck"]["urgency"] == "this_quarter"
    assert result.final_output["status"] == "at_risk"
    assert result.usage.input_tokens == sum(s.result.usage.input_tokens for s in result.steps)
    first, second, third = (r.body["messages"][0]["content"] for r in fake.requests("p1"))
    assert '"p95_ms": 4300' in first and "checkout assistant" in first
    assert "context builder: p95 4.3 s (likely cause: 4k-token retrieval on every request)" in second
    assert '"urgency": "this_quarter"' in third and '"health": "degraded"' in third  # objects arrive as JSON


async def test_a_failing_step_stops_the_pipeline_and_says_which(fake, tmp_path):
    fake.answers[FAKE_MODEL] = valid_insights()
    fake.fail("p4", *[Fault("status", 500)] * 3)
    path = write(
        tmp_path,
        """
name: two-steps
inputs: {service: s, metrics: m}
steps:
  - id: insights
    template: performance-insights
    vars: {service: "{{ inputs.service }}", metrics: "{{ inputs.metrics }}"}
  - id: brief
    template: executive-summary
    model: groq:qwen/qwen3-32b
    vars: {findings: "{{ steps.insights.text }}"}
  - id: never
    template: executive-summary
    vars: {findings: "{{ steps.brief.output.headline }}"}
""",
    )
    pipeline = load_pipeline(path, LIBRARY)
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        result = await run_pipeline(gateway, pipeline, INPUTS, LIBRARY, model=MODEL)
    assert result.status == "unavailable" and result.failed_step == "brief"
    assert [s.id for s in result.steps] == ["insights", "brief"] and list(result.outputs) == ["insights"]
    assert result.reason.startswith("step brief (executive-summary): every provider failed")
    assert len(fake.requests("p1")) == 1 and len(fake.requests("p4")) == 3


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ("- {template: nope}", "step nope: unknown prompt template 'nope'"),
        ("- {template: executive-summary, vars: {}}", "missing required variable\\(s\\) findings"),
        ("- {template: executive-summary, vars: {findings: x, tone: y}}", "unknown variable\\(s\\) tone"),
        (
            "- {id: a, template: executive-summary, vars: {findings: '{{ steps.b.text }}'}}\n"
            "- {id: b, template: executive-summary, vars: {findings: x}}",
            "step a, var findings: steps.b is not an earlier step \\(this is the first step\\)",
        ),
        ("- {template: executive-summary, vars: {findings: '{{ inputs.nope }}'}}", "inputs.nope is not a declared"),
        ("- {template: executive-summary, vars: {findings: '{{ secrets }}'}}", "unknown name\\(s\\) secrets"),
        ("- {template: executive-summary, vars: {findings: '{{ x'}}", "template syntax error"),
        (
            "- {template: executive-summary, vars: {findings: x}}\n- {template: executive-summary, vars: {findings: y}}",
            "step ids must be unique; repeated: executive_summary",
        ),
    ],
)
def test_a_broken_pipeline_is_refused_before_any_call(tmp_path, steps, message):
    path = write(tmp_path, "inputs: {metrics: m}\nsteps:\n" + "\n".join("  " + line for line in steps.splitlines()))
    with pytest.raises(InvalidInput, match=message) as caught:
        load_pipeline(path, LIBRARY)
    assert str(caught.value).startswith(str(path))


def test_malformed_files_and_unknown_pipelines_are_named(tmp_path):
    with pytest.raises(InvalidInput, match="not valid YAML"):
        load_pipeline(write(tmp_path, "steps: [unclosed"), LIBRARY)
    with pytest.raises(InvalidInput, match="steps: Field required"):
        load_pipeline(write(tmp_path, "name: x"), LIBRARY)
    with pytest.raises(InvalidInput, match="neither a file nor a known pipeline \\(known: metrics-to-briefing\\)"):
        LIBRARY.pipeline_path("metrics-to-nowhere")


async def test_inputs_are_checked_and_a_missing_field_at_run_time_names_the_step(fake, tmp_path):
    path = write(
        tmp_path,
        """
inputs: {findings: f}
steps:
  - id: first
    template: executive-summary
    vars: {findings: "{{ inputs.findings }}"}
  - id: second
    template: executive-summary
    vars: {findings: "{{ steps.first.output.no_such_field }}"}
""",
    )
    pipeline = load_pipeline(path, LIBRARY)
    fake.answers[FAKE_MODEL] = valid_summary()
    async with Gateway(config_for(fake, tmp_path)) as gateway:
        with pytest.raises(InvalidInput, match="unknown input\\(s\\) extra; missing input\\(s\\) findings"):
            await run_pipeline(gateway, pipeline, {"extra": "1"}, LIBRARY, model=MODEL)
        with pytest.raises(InvalidInput, match=r"step second, var findings: .*no_such_field"):
            await run_pipeline(gateway, pipeline, {"findings": "all fine"}, LIBRARY, model=MODEL)
    assert len(fake.requests("p1")) == 1
