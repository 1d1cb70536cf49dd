"""`select --eval`: cases run on candidates through the gateway against the loopback fake provider.

The fake answers per model, the same text for every prompt, so each candidate's accuracy
follows from which checks accept its one answer; every expectation below is worked out
by hand from the cases and answers in this file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mcp import Client

from llmwright.catalog import get_catalog
from llmwright.errors import InvalidInput
from llmwright.gateway import Gateway
from llmwright.select.evaluate import CHECKS, evaluate_models, inline_cases, load_cases
from llmwright.select.evaluate.checks import normalise_label
from llmwright.select.evaluate.run import GIVE_UP_AFTER
from llmwright.server.server import build_server
from tests.support.cli import run_cli
from tests.support.fake_provider import Fault

from .conftest import CLOSED_PORT_URL, KEYS, config_file, gateway_config

ROOT = Path(__file__).resolve().parents[2]
# All on the OpenAI wire (openai, groq and mistral presets), so CLI subprocesses need not
# import the Anthropic SDK; the gateway's own tests cover every wire.
CHEAP, DEAR, WRONG, DOWN = (
    "openai:gpt-4o-mini",  # $0.15 / $0.60 per million tokens in / out
    "groq:qwen/qwen3-32b",  # $0.29 / $0.59, and a four-word answer
    "openai:gpt-4o",  # $2.50 / $10
    "mistral:mistral-small-latest",
)
ANSWERS = {
    "gpt-4o-mini": "Billing",
    "qwen/qwen3-32b": '{"category": "billing", "priority": "high"}',
    "gpt-4o": "bug",
}
LABELS = ["billing", "bug", "other"]
CASES = [
    {"id": "route-billing", "input": "Classify: charged twice in March", "one_of": LABELS, "label": "billing"},
    {"id": "route-bug", "input": "Classify: the app crashes on start", "one_of": LABELS, "label": "bug"},
    {"id": "exact", "input": "Say the word Billing", "exact": "Billing"},
    {"id": "contains", "input": [{"role": "user", "content": "Which team handles refunds?"}], "contains": "billing"},
    {"id": "regex", "input": "Answer in JSON", "system": "JSON only.", "regex": "^\\{"},
    {
        "id": "schema-category",
        "input": "Extract the category as JSON",
        "json_schema": {"type": "object", "required": ["category"]},
    },
    {
        "id": "schema-both",
        "input": "Extract category and priority as JSON",
        "json_schema": {
            "type": "object",
            "required": ["category", "priority"],
            "properties": {"priority": {"enum": ["low", "high"]}},
        },
    },
    {"id": "nobody", "input": "Mention the refund policy", "regex": "(?i)refund"},
]
# Which cases each answer passes (by the ids above):
#   "Billing"      route-billing, exact, contains                  3/8
#   {...json...}   contains, regex, schema-category, schema-both   4/8
#   "bug"          route-bug                                       1/8
EXPECTED = {CHEAP: (3, 0.375), DEAR: (4, 0.5), WRONG: (1, 0.125)}


def _fake_answers(fake) -> None:
    fake.answers.update(ANSWERS)


async def _run(config, cases=CASES, candidates=(CHEAP, DEAR, WRONG, DOWN), **settings):
    async with Gateway(config) as gateway:
        return await evaluate_models(inline_cases(cases), list(candidates), gateway, **settings)


def _by_model(report):
    return {c.model: c for c in report.candidates}


# -- checks -------------------------------------------------------------------------------------


def _judge(case: dict, answer: str):
    return inline_cases([{"input": "x", **case}])[0].check.judge(answer)


@pytest.mark.parametrize(
    ("check", "answer", "passed"),
    [
        ({"exact": "P1"}, " P1\n", True),
        ({"exact": "P1"}, "p1", False),
        ({"contains": ["30 days", "Refund"]}, "A REFUND is possible within 30 days.", True),
        ({"contains": ["30 days", "refund"]}, "A refund is possible.", False),
        ({"regex": "TCK-\\d+"}, "See TCK-4821.", True),
        ({"regex": "^ok$"}, "  ok \n", True),
        ({"regex": "^ok$"}, "not ok", False),
        ({"json_schema": {"type": "object", "required": ["a"]}}, '```json\n{"a": 1}\n```', True),
        ({"json_schema": {"type": "object", "required": ["a"]}}, '{"b": 1}', False),
        ({"json_schema": {"type": "object"}}, "Sure! {}", False),
        ({"one_of": ["billing", "bug"], "label": "billing"}, '"Billing."', True),
        ({"one_of": ["billing", "bug"], "label": "billing"}, "bug", False),
        ({"one_of": ["billing", "bug"], "label": "billing"}, "It is billing", False),
    ],
)
def test_checks_judge_answers(check: dict, answer: str, passed: bool) -> None:
    assert _judge(check, answer).passed is passed


def test_misses_say_what_was_wrong() -> None:
    assert "expected 'billing'" in _judge({"one_of": ["billing", "bug"], "label": "billing"}, "bug").why
    assert "not one of the labels" in _judge({"one_of": ["billing", "bug"], "label": "bug"}, "maybe").why
    assert "not JSON" in _judge({"json_schema": {"type": "object"}}, "nope").why
    assert (
        "priority"
        in _judge({"json_schema": {"properties": {"priority": {"enum": ["low"]}}}}, '{"priority": "high"}').why
    )
    assert normalise_label("  `Feature_Request`! ") == "feature_request"


# -- bad eval files -------------------------------------------------------------------------------

GOOD = '{"input": "hi", "exact": "hello"}'


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "is empty"),
        ("\n  \n", "is empty"),
        (f'{GOOD}\n{{"input": "hi", "exact": }}\n', "line 2: not valid JSON"),
        (f"{GOOD}\n[1, 2]\n", "line 2: expected a JSON object, got list"),
        ('{"input": "hi", "equals": "x"}', "line 1: unknown key 'equals'"),
        ('{"input": "hi", "exact": "a", "regex": "b"}', "line 1: two checks (exact, regex)"),
        ('{"input": "hi"}', "line 1: no check"),
        ('{"exact": "hi"}', "line 1: no input"),
        ('{"input": "  ", "exact": "hi"}', "line 1: input is empty"),
        ('{"input": [{"role": "robot", "content": "x"}], "exact": "a"}', "line 1: input: messages[0] needs a role"),
        ('{"input": "hi", "regex": "("}', "line 1: regex '(' does not compile"),
        ('{"input": "hi", "json_schema": {"type": "objekt"}}', "line 1: json_schema is not a valid JSON Schema"),
        ('{"input": "hi", "one_of": ["a", "b"]}', 'line 1: one_of needs the expected "label"'),
        ('{"input": "hi", "one_of": ["a", "b"], "label": "c"}', "line 1: label 'c' is not one of"),
        ('{"input": "hi", "exact": "a", "label": "a"}', "line 1: unknown key 'label'"),
        ('{"input": "hi", "contains": []}', "line 1: contains must be a string or a non-empty list"),
        ('{"id": 7, "input": "a", "exact": "b"}\n\n{"id": "7", "input": "c", "exact": "d"}', "line 3: id '7'"),
    ],
)
def test_bad_eval_files_name_the_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_cases(path)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_and_binary_eval_files(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="does not exist"):
        load_cases(tmp_path / "nope.jsonl")
    (tmp_path / "bin.jsonl").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(InvalidInput, match="not UTF-8"):
        load_cases(tmp_path / "bin.jsonl")


def test_the_shipped_sample_files_parse_and_use_every_check() -> None:
    cases = load_cases(ROOT / "examples" / "eval" / "support-tickets.jsonl")
    assert len(cases) == 12
    assert {c.check.kind for c in cases} == {"exact", "contains", "regex", "json_schema", "one_of"}
    assert len({c.id for c in cases}) == 12
    judged = load_cases(ROOT / "examples" / "eval" / "refund-replies.jsonl")
    assert {c.check.kind for c in judged} == {"judge", "contains"}
    assert {c.check.kind for c in [*cases, *judged]} == set(CHECKS)


# -- end to end through the gateway ------------------------------------------------------------


async def test_eval_scores_marks_pareto_and_picks_the_cheapest_good_enough(fake, tmp_path) -> None:
    _fake_answers(fake)
    config = gateway_config(fake, tmp_path, mistral={"base_url": CLOSED_PORT_URL})
    seen: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        seen.append((done, total))

    report = await _run(config, target_accuracy=0.5, progress=progress)
    scores = _by_model(report)
    for model, (passed, accuracy) in EXPECTED.items():
        assert (scores[model].passed, scores[model].accuracy, scores[model].status) == (passed, accuracy, "ok")
        assert scores[model].errors == 0 and scores[model].cases == 8
    route_bug = next(r for r in scores[CHEAP].results if r.id == "route-bug")
    assert not route_bug.passed and "expected 'bug'" in route_bug.why and route_bug.answer == "Billing"

    # the unreachable candidate is recorded as failed, with the error, and the others completed
    down = scores[DOWN]
    assert down.status == "failed" and down.errors == 8 and down.accuracy == 0
    assert "ProviderUnavailable" in down.error and down.cost_per_case_usd is None

    # costs: the cheap model is cheapest; its total is hand-priced from the tokens the fake reported
    cheap, dear, wrong = scores[CHEAP], scores[DEAR], scores[WRONG]
    assert 0 < cheap.cost_per_case_usd < dear.cost_per_case_usd < wrong.cost_per_case_usd
    prices = get_catalog().resolve(CHEAP).prices
    assert (prices.input, prices.output) == (0.15, 0.6)
    sent = [r for r in fake.requests("p1") if r.model == "gpt-4o-mini"]
    assert len(sent) == 8
    by_hand = sum(max(1, len(json.dumps(r.body["messages"])) // 4) * 0.15 + 1 * 0.6 for r in sent) / 1e6
    assert cheap.cost_total_usd == pytest.approx(by_hand, rel=1e-5)
    assert cheap.cost_per_case_usd == pytest.approx(by_hand / 8, rel=1e-5)
    assert cheap.spent_usd == pytest.approx(by_hand, rel=1e-5)
    for score in (cheap, dear, wrong):
        assert 0 < score.latency_ms_p50 <= score.latency_ms_p95

    # Pareto: cheap (cheapest) and dear (most accurate); wrong is beaten on both by cheap
    assert {m for m, s in scores.items() if s.pareto} == {CHEAP, DEAR}
    # target 50%: only dear reaches it
    assert report.recommended == DEAR and report.closest is None
    assert [c.model for c in report.candidates] == [DEAR, CHEAP, WRONG, DOWN]
    assert report.verdict[0].startswith(f"{DEAR} is the cheapest candidate at or above 50% accuracy")
    assert any(line.startswith(f"{DOWN} failed") for line in report.verdict)
    assert report.checks == {"one_of": 2, "exact": 1, "contains": 1, "regex": 2, "json_schema": 2}
    assert seen[-1] == (32, 32) and len(seen) == 32


async def test_target_changes_the_pick_and_reruns_come_from_the_cache(fake, tmp_path) -> None:
    _fake_answers(fake)
    config = gateway_config(fake, tmp_path, cache="memory")
    async with Gateway(config) as gateway:
        cases = inline_cases(CASES)
        first = await evaluate_models(cases, [CHEAP, DEAR, WRONG], gateway, target_accuracy=0.3)
        calls = len(fake.requests())
        assert first.recommended == CHEAP  # 37.5% >= 30% and the cheapest
        again = await evaluate_models(cases, [CHEAP, DEAR, WRONG], gateway, target_accuracy=0.9)
        assert len(fake.requests()) == calls  # every answer from the cache
        assert again.recommended is None and again.closest == DEAR
        assert again.verdict[0].startswith(f"No candidate reaches 90% accuracy; closest is {DEAR} at 50%")
        before, after = _by_model(first), _by_model(again)
        for model in (CHEAP, DEAR, WRONG):
            assert after[model].cached == 8 and after[model].spent_usd == 0
            assert after[model].accuracy == before[model].accuracy
            assert after[model].cost_per_case_usd == pytest.approx(before[model].cost_per_case_usd)
            assert after[model].latency_ms_p95 is None  # a cache hit says nothing about the model's latency
        fresh = await evaluate_models(cases, [CHEAP], gateway, no_cache=True)
        assert len(fake.requests()) == calls + 8 and _by_model(fresh)[CHEAP].cached == 0


async def test_calls_that_fail_count_as_misses(fake, tmp_path) -> None:
    fake.answers["mistral-small-latest"] = "ok"
    fake.fault_rate("p5", 0.5, [Fault("status", 500)])
    config = gateway_config(fake, tmp_path, mistral={"max_retries": 0, "fail_max": 100})
    cases = [{"input": f"ping {i}", "contains": "ok"} for i in range(10)]
    report = await _run(config, cases=cases, candidates=[DOWN], concurrency=2)
    score = report.candidates[0]
    faulted = sum(r.fault is not None for r in fake.requests("p5"))
    assert len(fake.requests("p5")) == 10 and 0 < faulted < 10
    assert score.status == "ok" and score.errors == faulted
    assert score.passed == 10 - faulted and score.accuracy == (10 - faulted) / 10
    assert any(line == f"{DOWN}: {faulted} of 10 calls failed and count as misses." for line in report.verdict)


async def test_a_dead_candidate_is_given_up_after_its_first_failures(fake, tmp_path) -> None:
    fake.fault_rate("p5", 1.0, [Fault("status", 503)])
    config = gateway_config(fake, tmp_path, mistral={"max_retries": 0, "fail_max": 100})
    cases = [{"input": f"ping {i}", "contains": "ok"} for i in range(12)]
    report = await _run(config, cases=cases, candidates=[DOWN, CHEAP], concurrency=1)
    down, cheap = _by_model(report)[DOWN], _by_model(report)[CHEAP]
    assert len(fake.requests("p5")) == GIVE_UP_AFTER
    assert down.status == "failed" and down.errors == 12
    assert down.results[-1].error.startswith(f"not run: the first {GIVE_UP_AFTER} calls all failed")
    assert cheap.status == "ok" and len(fake.requests("p1")) == 12


async def test_bad_candidates_are_refused_before_any_call(fake, tmp_path) -> None:
    config = gateway_config(fake, tmp_path)
    with pytest.raises(InvalidInput, match="provider:model"):
        await _run(config, candidates=[CHEAP, "gpt-4o"])
    with pytest.raises(InvalidInput, match="between 0 and 1"):
        await _run(config, target_accuracy=1.5)
    assert fake.requests() == []


# -- front doors ------------------------------------------------------------------------------


def _write_cases(tmp_path: Path) -> Path:
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(json.dumps(case) for case in CASES) + "\n", encoding="utf-8")
    return path


def test_cli_eval_exits_1_when_no_candidate_answers(fake, tmp_path) -> None:
    config = str(config_file(fake, tmp_path))
    cases = str(_write_cases(tmp_path))
    keyless = {**KEYS, "OPENAI_API_KEY": "", "ANTHROPIC_API_KEY": "", "GROQ_API_KEY": ""}
    result = run_cli(
        "select", "--eval", cases, "--candidates", CHEAP, "--config", config, "--format", "json", env=keyless
    )
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)  # the report is still printed, with the reason per candidate
    assert [c["status"] for c in report["candidates"]] == ["failed"]
    assert "no candidate answered" in result.stderr


def test_cli_eval_json_table_and_markdown(fake, tmp_path) -> None:
    _fake_answers(fake)
    config = str(config_file(fake, tmp_path))
    cases = str(_write_cases(tmp_path))
    candidates = ",".join([CHEAP, DEAR, WRONG])
    args = ["select", "--eval", cases, "--candidates", candidates, "--config", config]
    as_json = run_cli(*args, "--target-accuracy", "0.3", "--requests-per-day", "1000", "--format", "json", env=KEYS)
    assert as_json.returncode == 0, as_json.stderr
    report = json.loads(as_json.stdout)
    assert report["schema_version"] == "1" and report["source"] == "cases.jsonl" and report["cases"] == 8
    assert report["recommended"] == CHEAP
    scores = {c["model"]: c for c in report["candidates"]}
    assert {m: (s["passed"], s["accuracy"]) for m, s in scores.items()} == EXPECTED
    assert [m for m, s in scores.items() if s["pareto"]] == [DEAR, CHEAP]
    cheap = scores[CHEAP]
    assert cheap["cost_per_month_usd"] == pytest.approx(cheap["cost_per_case_usd"] * 1000 * 30, rel=1e-3)
    assert len(cheap["results"]) == 8 and {"id", "passed", "answer", "why"} <= set(cheap["results"][0])

    table = run_cli(*args, env=KEYS)  # the sqlite cache answers this time
    assert table.returncode == 0, table.stderr
    assert "Cost and quality on your cases" in table.stdout and "pareto" in table.stdout
    assert "No candidate reaches 90% accuracy" in table.stdout and "came from the response cache" in table.stdout
    assert "route-bug" in table.stdout  # a miss, with its reason
    assert table.stderr == ""  # not a terminal: no progress bar
    markdown = run_cli(*args, "--format", "markdown", env=KEYS)
    assert markdown.stdout.startswith("## Model evaluation: cases.jsonl") and f"| {CHEAP} |" in markdown.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--candidates", CHEAP], "only used with --eval"),
        (["--eval", "{cases}"], "--eval needs --candidates"),
        (["--eval", "{cases}", "--candidates", CHEAP, "--task", "x y z"], "--task: recommendation options"),
        (["--eval", "{missing}", "--candidates", CHEAP], "does not exist"),
        (["--eval", "{bad}", "--candidates", CHEAP], "bad.jsonl line 2: two checks"),
        ([], "give --task"),
    ],
)
def test_cli_eval_bad_input_is_one_line(tmp_path, args, message) -> None:
    cases = _write_cases(tmp_path)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(GOOD + '\n{"input": "x", "exact": "a", "contains": "b"}\n', encoding="utf-8")
    paths = {"cases": str(cases), "bad": str(bad), "missing": str(tmp_path / "missing.jsonl")}
    result = run_cli("select", *[a.format(**paths) for a in args])
    assert result.returncode == 2
    assert message in result.stderr and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.fixture
def mcp_config(fake, tmp_path, monkeypatch):
    monkeypatch.setenv("LLMWRIGHT_CONFIG", str(config_file(fake, tmp_path)))
    return tmp_path  # each build_server() has its own gateway, built from this configuration


async def test_evaluate_models_over_mcp(fake, mcp_config) -> None:
    _fake_answers(fake)
    progress: list[float] = []

    async def on_progress(value, total, message):
        progress.append(value)

    async with Client(build_server()) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        annotations = tools["evaluate_models"].annotations
        assert annotations.open_world_hint is True and annotations.read_only_hint is False
        result = await client.call_tool(
            "evaluate_models",
            {"candidates": [CHEAP, DEAR], "cases": CASES, "target_accuracy": 0.5},
            progress_callback=on_progress,
        )
        assert not result.is_error, result.content
        data = result.structured_content
        assert data["recommended"] == DEAR and data["source"] == "inline"
        assert {c["model"]: c["accuracy"] for c in data["candidates"]} == {DEAR: 0.5, CHEAP: 0.375}
        assert progress and progress[-1] == 16
        bad = await client.call_tool(
            "evaluate_models", {"candidates": [CHEAP], "cases": [CASES[0], {"input": "x", "exact": 1}]}
        )
        assert bad.is_error and "case 2: exact must be a non-empty string" in bad.content[0].text
