"""The sample FastAPI service: a known list of findings, checked exactly in every format."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from llmwright.audit import AuditRequest, audit
from llmwright.server.cli import cli
from tests.support.cli import run_cli

SAMPLE = Path(__file__).parent / "sample_project"
SCHEMA = Path(__file__).parent / "sarif-schema-2.1.0.json"
EXPECTED = [
    ("LLM101", "app/clients.py", 9),
    ("LLM102", "app/clients.py", 9),
    ("LLM106", "app/main.py", 18),
    ("LLM501", "app/main.py", 26),
    ("LLM502", "app/main.py", 26),
    ("LLM104", "app/main.py", 31),
    ("LLM402", "app/main.py", 31),
    ("LLM108", "app/main.py", 32),
    ("LLM202", "app/main.py", 34),
    ("LLM402", "app/main.py", 42),
]


def cli_run(*args: str):
    """In-process (fast); the SARIF test below goes through the real console script."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _key(item: tuple[str, str, int]) -> tuple[str, int, str]:
    return item[1], item[2], item[0]


@pytest.fixture(scope="module")
def report():
    return audit(AuditRequest(path=str(SAMPLE)))


def test_engine_finds_exactly_the_known_findings(report) -> None:
    assert sorted(((f.rule, f.path, f.line) for f in report.findings), key=_key) == sorted(EXPECTED, key=_key)
    assert report.suppressed_inline == 1  # the `# llmwright: ignore[LLM104]` line
    assert report.files_analyzed == 3  # .venv and the git-ignored generated/ are skipped
    assert report.providers == ["anthropic", "openai"]
    overall = report.score("overall")
    assert (overall.score, overall.grade, overall.density) == (31, "F", 7.0)  # 21 weighted points over 3 call sites
    assert report.llm_calls == 3 and report.call_sites_by_kind == {"chat": 3}
    assert {(s.path, s.line, s.resolution) for s in report.call_sites} == {
        ("app/main.py", 18, "imported"),
        ("app/main.py", 31, "imported"),
        ("app/main.py", 42, "imported"),
    }
    assert len({f.fingerprint for f in report.findings}) == len(report.findings)


def test_json_format_via_cli() -> None:
    result = cli_run("audit", str(SAMPLE), "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["schema_version"] == 2
    assert sorted(((f["rule"], f["path"], f["line"]) for f in data["findings"]), key=_key) == sorted(EXPECTED, key=_key)
    assert {s["category"] for s in data["scores"]} == {
        "reliability",
        "security",
        "cost",
        "observability",
        "correctness",
        "overall",
    }


def test_sarif_format_validates_against_the_schema() -> None:
    result = run_cli("audit", str(SAMPLE), "--format", "sarif", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    sarif = json.loads(result.stdout)
    jsonschema.validate(sarif, json.loads(SCHEMA.read_text()))
    run = sarif["runs"][0]
    results = run["results"]
    got = [
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in results
    ]
    assert sorted(got, key=_key) == sorted(EXPECTED, key=_key)
    assert all(r["partialFingerprints"]["llmwright/v1"] for r in results)
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert len(rules) == 23 and "Why is this bad?" in rules["LLM202"]["help"]["text"]
    assert all(run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"] for r in results)


def test_markdown_format() -> None:
    result = cli_run("audit", str(SAMPLE), "--format", "markdown", "--fail-on", "never")
    assert result.exit_code == 0
    lines = re.findall(r"\*\*(LLM\d+)\*\* \S+ \(\w+\) line (\d+)", result.stdout)
    assert sorted((r, int(n)) for r, n in lines) == sorted((r, n) for r, _, n in EXPECTED)
    assert "**Readiness 31/100 (F) over 3 LLM call sites (chat 3)**" in result.stdout


def test_text_format_groups_by_file_with_snippets() -> None:
    result = cli_run("audit", str(SAMPLE), "--fail-on", "never")
    assert result.exit_code == 0
    out = result.stdout
    assert out.index("app/clients.py") < out.index("app/main.py")
    for rule, _, line in EXPECTED:
        assert f"{rule}" in out and f"{line}:" in out
    assert 'model="claude-3-opus-20240229"' in out  # the code snippet
    assert "10 findings in 3 files" in out


def test_fail_on_sets_the_exit_code() -> None:
    assert cli_run("audit", str(SAMPLE)).exit_code == 1  # default --fail-on high; LLM101/108/202 are high
    assert cli_run("audit", str(SAMPLE), "--fail-on", "critical").exit_code == 0
    assert cli_run("audit", str(SAMPLE), "--select", "LLM4", "--fail-on", "low").exit_code == 1
    assert cli_run("audit", str(SAMPLE), "--select", "LLM3").exit_code == 0


CAREFUL = """import logging

import anthropic
import openai
import tenacity

log = logging.getLogger(__name__)
client = openai.OpenAI(timeout=20)
backup = anthropic.Anthropic(timeout=20)


@tenacity.retry(stop=tenacity.stop_after_attempt(3))
def summarize(text: str) -> str:
    messages = [{"role": "user", "content": text}]
    try:
        resp = client.chat.completions.create(model="gpt-4o-mini", messages=messages, max_tokens=300)
    except openai.APIError:
        log.warning("openai failed, asking claude")
        reply = backup.messages.create(model="claude-haiku-4-5", max_tokens=300, messages=messages)
        return reply.content[0].text
    log.info("summary tokens %s", resp.usage.total_tokens)
    return resp.choices[0].message.content
"""
CARELESS = """from openai import OpenAI

client = OpenAI()


def summarize(text: str) -> str:
    resp = client.chat.completions.create(model="gpt-3.5-turbo", messages=[{"role": "user", "content": text}])
    return resp.choices[0].message.content
"""


def test_careful_code_scores_above_careless_code(tmp_path: Path) -> None:
    (tmp_path / "careful").mkdir()
    (tmp_path / "careless").mkdir()
    (tmp_path / "careful" / "svc.py").write_text(CAREFUL)
    (tmp_path / "careless" / "svc.py").write_text(CARELESS)
    careful = audit(AuditRequest(path=str(tmp_path / "careful"))).score()
    careless = audit(AuditRequest(path=str(tmp_path / "careless"))).score()
    assert careful.grade in ("A", "B") and careless.grade == "F"
    assert careful.score - careless.score >= 30
