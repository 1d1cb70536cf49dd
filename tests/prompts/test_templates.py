"""Every template parses and renders strictly; malformed files fail on load, naming the file."""

from __future__ import annotations

import json

import pytest
from jsonschema.validators import validator_for

from llmwright.errors import InvalidInput
from llmwright.prompts import TemplateError, load_library, parse_template, render
from llmwright.prompts.library import CHECKOUT_ROOT

BUILT_IN = {
    "troubleshooting-assistant",
    "performance-insights",
    "bottleneck-explainer",
    "optimization-enhancer",
    "executive-summary",
    "roi-analysis",
    "llm-code-review",
    "llm-architecture-assessment",
}
WITH_SCHEMA = {
    "performance-insights",
    "bottleneck-explainer",
    "optimization-enhancer",
    "executive-summary",
    "roi-analysis",
}
LIBRARY = load_library()


def sample_values(template) -> dict[str, str]:
    return {a.name: f"<value of {a.name} 7f3a>" for a in template.arguments}


def test_the_library_has_every_template_and_no_broken_file():
    assert set(LIBRARY.names()) == BUILT_IN
    assert LIBRARY.problems == {}
    for name in WITH_SCHEMA:
        schema = LIBRARY.get(name).output_schema
        assert schema is not None and schema["type"] == "object" and schema["required"]
    for name in BUILT_IN - WITH_SCHEMA:
        assert LIBRARY.get(name).output_schema is None
    assert LIBRARY.get("troubleshooting-assistant").kind == "system"


@pytest.mark.parametrize("name", sorted(BUILT_IN))
def test_renders_with_its_declared_arguments_and_uses_every_one(name):
    template = LIBRARY.get(name)
    assert template.description and all(a.description for a in template.arguments)
    values = sample_values(template)
    rendered = render(template, values)
    text = (rendered.system or "") + "\n" + rendered.user
    for argument in template.arguments:
        assert values[argument.name] in text, f"{argument.name} does not reach the prompt"
    assert "{{" not in text and "{%" not in text


@pytest.mark.parametrize("name", sorted(BUILT_IN))
def test_rejects_a_missing_and_an_unknown_variable(name):
    template = LIBRARY.get(name)
    values = sample_values(template)
    first_required = template.required[0]
    with pytest.raises(InvalidInput, match=f"missing required variable\\(s\\) {first_required}"):
        render(template, {k: v for k, v in values.items() if k != first_required})
    with pytest.raises(InvalidInput, match="unknown variable\\(s\\) colour"):
        render(template, {**values, "colour": "blue"})


def test_optional_arguments_take_their_default_and_leave_no_trace():
    roi = LIBRARY.get("roi-analysis")
    text = render(roi, {"initiative": "cache", "costs": "$1k", "benefits": "$3k/month"}).user
    assert "over 12 months" in text and "set `npv_usd` to null" in text
    with_rate = render(roi, {"initiative": "i", "costs": "c", "benefits": "b", "discount_rate": "0.08"}).user
    assert "annual discount rate of 0.08" in with_rate and "npv_usd` to null" not in with_rate
    summary = render(LIBRARY.get("executive-summary"), {"findings": "f"}).user
    assert "for executive leadership" in summary and "Decision needed" not in summary


def test_system_template_renders_a_system_prompt_and_a_user_turn():
    rendered = render(
        LIBRARY.get("troubleshooting-assistant"),
        {
            "problem": "Our summaries time out since 10:00",
            "product": "the summariser",
            "knowledge_base": "KB-7 Timeouts",
        },
    )
    assert rendered.user == "Our summaries time out since 10:00"
    assert "troubleshooting assistant for the summariser" in rendered.system
    assert "KB-7 Timeouts" in rendered.system and "clarifying" not in rendered.user


def test_structured_values_render_as_json_and_blank_required_values_are_missing():
    template = LIBRARY.get("executive-summary")
    findings = {"p95_ms": 4300, "models": ["openai:gpt-4o-mini"]}
    text = render(template, {"findings": findings}).user
    assert json.dumps(findings, indent=2) in text
    with pytest.raises(InvalidInput, match="missing required variable\\(s\\) findings"):
        render(template, {"findings": "   "})


def test_schemas_accept_a_conforming_answer_and_reject_a_wrong_enum():
    from tests.prompts.support import valid_summary

    schema = LIBRARY.get("executive-summary").output_schema
    validator = validator_for(schema)(schema)
    assert list(validator.iter_errors(json.loads(valid_summary()))) == []
    assert list(validator.iter_errors(json.loads(valid_summary(status="fine"))))


def test_report_templates_ask_for_the_subagents_report_format():
    for name in ("llm-code-review", "llm-architecture-assessment"):
        text = render(LIBRARY.get(name), {a.name: "x" for a in LIBRARY.get(name).arguments}).user
        for section in (
            "### Model recommendation",
            "### Reliability gaps by severity",
            "### Phased implementation plan",
            "### Monitoring plan",
        ):
            assert section in text, f"{name} lacks {section}"
        assert "decision matrix" in text and "engineer-days" in text and "alert threshold" in text


GOOD = """---
name: {name}
description: A test template
arguments:
  - {{name: topic, description: what to write about, required: true}}
---
Write about {{{{ topic }}}}.
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Write about things.", "no frontmatter"),
        ("---\nname: [unclosed\n---\nbody", "frontmatter is not valid YAML"),
        ("---\n- a list\n---\nbody", "frontmatter must be a YAML mapping"),
        ("---\nname: bad\n---\nbody", "description: Field required"),
        ("---\nname: bad\ndescription: d\ncolour: red\n---\nbody", "colour: Extra inputs are not permitted"),
        ("---\nname: bad\ndescription: d\n---\nHello {{ who }}", "the body uses who but the frontmatter does not"),
        (
            "---\nname: bad\ndescription: d\narguments:\n  - {name: who, description: w}\n---\nHello",
            "argument\\(s\\) who are declared but never used",
        ),
        ("---\nname: bad\ndescription: d\n---\nHello {{ who ", "template syntax error"),
        ("---\nname: bad\ndescription: d\noutput_schema: {type: objekt}\n---\nHi", "not a valid JSON Schema"),
        ("---\nname: bad\ndescription: d\nkind: system\n---\nYou are kind.", "needs user_message"),
        ("---\nname: other\ndescription: d\n---\nHi", "name 'other' must match the file name 'bad'"),
        ("---\nname: bad\ndescription: d\n---\n   \n", "body .* is empty"),
    ],
)
def test_a_malformed_template_is_an_error_naming_the_file(text, message):
    with pytest.raises(TemplateError, match=message) as caught:
        parse_template(text, "team/bad.md", expected_name="bad")
    assert str(caught.value).startswith("team/bad.md: ")


def test_user_directory_overrides_a_builtin_and_a_broken_file_hides_nothing_else(tmp_path, monkeypatch):
    (tmp_path / "executive-summary.md").write_text(
        GOOD.format(name="executive-summary").replace("A test template", "Our house style"), encoding="utf-8"
    )
    (tmp_path / "broken.md").write_text("no frontmatter here", encoding="utf-8")
    (tmp_path / "README.md").write_text("# not a template", encoding="utf-8")
    library = load_library([tmp_path])
    assert library.get("executive-summary").description == "Our house style"
    assert library.get("roi-analysis").path.startswith(str(CHECKOUT_ROOT / "prompts"))
    assert "broken" in library.problems and "broken" not in library.names()
    with pytest.raises(TemplateError, match=r"broken\.md: no frontmatter"):
        library.get("broken")
    monkeypatch.setenv("LLMWRIGHT_PROMPTS_DIR", str(tmp_path))
    assert load_library().get("executive-summary").description == "Our house style"


def test_unknown_template_suggests_close_names_and_a_missing_dir_is_named(tmp_path):
    with pytest.raises(InvalidInput, match=r"unknown prompt template 'executive-sumary'.*executive-summary"):
        LIBRARY.get("executive-sumary")
    with pytest.raises(InvalidInput, match=r"prompts directory .*nowhere does not exist"):
        load_library([tmp_path / "nowhere"])


def test_the_sandbox_refuses_python_internals(tmp_path):
    (tmp_path / "sneaky.md").write_text(
        "---\nname: sneaky\ndescription: d\narguments:\n  - {name: x, description: x, required: true}\n---\n"
        "{{ x.__class__.__mro__ }}",
        encoding="utf-8",
    )
    template = load_library([tmp_path]).get("sneaky")
    with pytest.raises(InvalidInput, match="cannot render"):
        render(template, {"x": "a string"})
