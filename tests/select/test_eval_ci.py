"""Evals that fit CI and budgets: `--dry-run`, `--fail-under` and the judged check, against the loopback fake.

The fake answers per model with one fixed text, so a judge model's verdict is fixed too: the
`gpt-4o` judge always says PASS and the `mistral-small-latest` judge always says FAIL. What
each candidate scores follows by hand from the cases below.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mcp import Client

from llmwright.catalog import get_catalog
from llmwright.errors import InvalidInput
from llmwright.gateway import Gateway
from llmwright.select.evaluate import evaluate_models, inline_cases, plan_eval
from llmwright.select.evaluate.plan import ASSUMED_OUTPUT_TOKENS
from llmwright.server.server import build_server
from tests.support.cli import run_cli
from tests.support.fake_provider import Fault

from .conftest import KEYS, config_file, gateway_config

CANDIDATE, OTHER = "openai:gpt-4o-mini", "groq:qwen/qwen3-32b"
PASSING_JUDGE, FAILING_JUDGE = "openai:gpt-4o", "mistral:mistral-small-latest"
ANSWERS = {
    "gpt-4o-mini": "Refunds are possible within 30 days of purchase.",
    "qwen/qwen3-32b": "No.",
    "gpt-4o": "PASS\nIt names the 30-day window.",
    "mistral-small-latest": "FAIL: it does not apologise for the delay.",
}
CASES = [
    {
        "id": "refund-window",
        "input": "Can I still get a refund?",
        "judge": {"model": PASSING_JUDGE, "rubric": "Names the 30-day refund window"},
    },
    {"id": "apology", "input": "My order is late", "judge": {"model": FAILING_JUDGE, "rubric": "Apologises first"}},
    {"id": "label", "input": "Classify: refund request", "one_of": ["billing", "bug"], "label": "billing"},
]


def _write(tmp_path: Path, cases: list[dict] = CASES) -> Path:
    path = tmp_path / "judged.jsonl"
    path.write_text("".join(json.dumps(case) + "\n" for case in cases), encoding="utf-8")
    return path


async def _run(config, cases=CASES, candidates=(CANDIDATE, OTHER), **settings):
    async with Gateway(config) as gateway:
        return await evaluate_models(inline_cases(cases), list(candidates), gateway, **settings)


# -- the judged check ---------------------------------------------------------------------------


async def test_judged_cases_are_graded_through_the_gateway_and_the_judge_is_billed_apart(fake, tmp_path) -> None:
    fake.answers.update(ANSWERS)
    report = await _run(gateway_config(fake, tmp_path), target_accuracy=0.3)
    scores = {c.model: c for c in report.candidates}
    # Each candidate passes refund-window (the PASS judge) and fails apology (the FAIL judge) and the label case.
    assert {m: (s.passed, s.accuracy) for m, s in scores.items()} == {CANDIDATE: (1, 0.3333), OTHER: (1, 0.3333)}
    cheap = scores[CANDIDATE]
    results = {r.id: r for r in cheap.results}
    assert results["refund-window"].passed and results["refund-window"].check == "judge"
    assert results["apology"].why == "judge: it does not apologise for the delay."
    # The candidate's cost is its own answers only; the judge calls are reported beside it.
    assert cheap.cost_total_usd == pytest.approx(sum(r.cost_usd for r in cheap.results))
    assert cheap.judge_cost_usd > 0
    assert cheap.judge_cost_usd == pytest.approx(sum(r.judge_cost_usd or 0 for r in cheap.results))
    assert report.judge_cost_usd == pytest.approx(sum(s.judge_cost_usd for s in report.candidates))
    assert any("Judge calls cost" in line and "not in any candidate's cost" in line for line in report.verdict)
    # The judge saw the rubric, the prompt and the candidate's own answer.
    graded = [r for r in fake.requests("p1") if r.model == "gpt-4o"]
    assert len(graded) == 2  # one per candidate
    text = json.dumps([r.body for r in graded])
    assert "Names the 30-day refund window" in text and ANSWERS["gpt-4o-mini"] in text and "Can I still get" in text


async def test_a_judge_without_a_verdict_or_reachable_fails_the_case_not_the_run(fake, tmp_path) -> None:
    fake.answers.update({**ANSWERS, "gpt-4o": "I think it is mostly fine."})
    fake.fail("p5", Fault("status", 400, message="bad judge request"))
    report = await _run(gateway_config(fake, tmp_path), candidates=(CANDIDATE,), concurrency=1)
    [score] = report.candidates
    results = {r.id: r for r in score.results}
    assert not results["refund-window"].passed and "no PASS/FAIL verdict" in results["refund-window"].why
    assert "judge call failed" in results["apology"].why
    assert score.errors == 0 and score.status == "ok"  # the candidate answered every case


@pytest.mark.parametrize(
    ("judge", "message"),
    [
        ("not an object", "judge must be an object"),
        ({"model": "openai:gpt-4o"}, "judge.rubric must say"),
        ({"rubric": "Apologises"}, "judge.model must name"),
        ({"model": "gpt-4o", "rubric": "x"}, "must look like provider:model"),
        ({"model": "openai:gpt-4o", "rubrik": "x"}, "Did you mean 'rubric'?"),
    ],
)
def test_bad_judge_cases_are_refused_before_any_call(judge, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        inline_cases([{"input": "x", "judge": judge}])


async def test_an_unknown_judge_model_is_refused_before_any_candidate_call(fake, tmp_path) -> None:
    bad = [{"input": "x", "judge": {"model": "skynet:judge-1", "rubric": "Is kind"}}]
    with pytest.raises(Exception, match="skynet"):
        await _run(gateway_config(fake, tmp_path), cases=bad)
    assert fake.requests() == []


# -- --dry-run ----------------------------------------------------------------------------------


def test_dry_run_prices_candidates_and_judges_from_the_estimator() -> None:
    plan = plan_eval(inline_cases(CASES), [CANDIDATE, "openai:gpt-5"], requests_per_day=1000)
    cheap, thinker = plan.candidates
    assert (cheap.calls, cheap.role) == (3, "candidate")
    # Output: two judged cases at the stated assumption, and the longest one_of label.
    assert cheap.output_tokens == 2 * ASSUMED_OUTPUT_TOKENS + 1
    assert thinker.thinking_tokens == 3 * 4719 and "thinking tokens included" in thinker.notes[0]
    assert {j.model for j in plan.judges} == {PASSING_JUDGE, FAILING_JUDGE}
    assert all(j.calls == 2 and j.role == "judge" for j in plan.judges)  # one case each, two candidates
    assert plan.total_usd == pytest.approx(sum(p.cost_usd for p in [*plan.candidates, *plan.judges]), abs=1e-6)
    assert cheap.cost_per_month_usd == pytest.approx(cheap.cost_per_case_usd * 1000 * 30)
    assert any("300 tokens assumed" in line for line in plan.assumptions)
    assert plan.data_version == get_catalog().data_version


def test_cli_dry_run_needs_no_provider_and_calls_nothing(fake, tmp_path) -> None:
    cases = str(_write(tmp_path))
    keyless = dict.fromkeys(KEYS, "")
    result = run_cli(
        "select", "--eval", cases, "--candidates", f"{CANDIDATE},{OTHER}", "--dry-run", "--format", "json",
        "--config", str(config_file(fake, tmp_path)), env=keyless,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["dry_run"] is True and [c["model"] for c in plan["candidates"]] == [CANDIDATE, OTHER]
    assert plan["total_usd"] > 0 and len(plan["judges"]) == 2
    assert fake.requests() == []
    table = run_cli("select", "--eval", cases, "--candidates", CANDIDATE, "--dry-run", env=keyless)
    assert table.returncode == 0 and "nothing was called" in table.stdout and "judge" in table.stdout


# -- --fail-under -------------------------------------------------------------------------------


def test_cli_fail_under_exits_1_when_the_chosen_candidate_misses_it(fake, tmp_path) -> None:
    fake.answers.update(ANSWERS)
    config = str(config_file(fake, tmp_path))
    args = ["select", "--eval", str(_write(tmp_path)), "--candidates", CANDIDATE, "--config", config]
    missed = run_cli(*args, "--fail-under", "0.9", "--format", "json", env=KEYS)
    assert missed.returncode == 1
    gate = json.loads(missed.stdout)["gate"]
    assert gate == {"fail_under": 0.9, "model": CANDIDATE, "accuracy": 0.3333, "passed": False}
    assert missed.stderr.strip() == f"error: {CANDIDATE} reached 33%, under --fail-under 90%"
    met = run_cli(*args, "--fail-under", "0.3", env=KEYS)
    assert met.returncode == 0, met.stderr
    assert "Gate --fail-under 30%" in met.stdout and "passes" in met.stdout
    misplaced = run_cli("select", "--task", "classify tickets", "--fail-under", "0.5")
    assert misplaced.returncode == 2 and "only used with --eval" in misplaced.stderr


async def test_mcp_evaluate_models_dry_run_and_gate(fake, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("LLMWRIGHT_CONFIG", str(config_file(fake, tmp_path)))
    fake.answers.update(ANSWERS)
    async with Client(build_server()) as client:
        dry = await client.call_tool("evaluate_models", {"candidates": [CANDIDATE], "cases": CASES, "dry_run": True})
        assert not dry.is_error, dry.content
        assert dry.structured_content["plan"]["candidates"][0]["model"] == CANDIDATE
        assert dry.structured_content["candidates"] == [] and fake.requests() == []
        run = await client.call_tool(
            "evaluate_models", {"candidates": [CANDIDATE], "cases": CASES, "fail_under": 0.5, "target_accuracy": 0.3}
        )
        assert not run.is_error, run.content
        assert run.structured_content["gate"]["passed"] is False
        assert run.structured_content["judge_cost_usd"] > 0
