"""Ledger overrides: measured latency and error rates replace the table's estimates in ranking."""

from __future__ import annotations

import contextlib
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from llmwright.catalog import load_ratings
from llmwright.gateway import AllProvidersFailed, Gateway
from llmwright.select import Requirements, recommend
from llmwright.select.compare import compare
from llmwright.select.constraints import estimate_p95_s
from llmwright.select.measured import MIN_CALLS, WINDOW_DAYS, configured_ledger, load_measured
from llmwright.select.rank import ERROR_PENALTY, WEIGHTS
from tests.support.cli import run_cli
from tests.support.fake_provider import Fault

from .conftest import gateway_config

TASK = Requirements(task="classify support tickets", providers=["openai", "anthropic"])
# Without a ledger (hand-checked in a run): gpt-4o-mini ranks first at 0.7185, gpt-5.6-luna second at 0.694.
FIRST, SECOND = "openai:gpt-4o-mini", "openai:gpt-5.6-luna"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def attempt(ref: str, at: datetime, outcome: str = "ok", latency_ms: float = 800.0, error: str | None = None) -> dict:
    provider, _, model = ref.partition(":")
    return {
        "ts": at.isoformat(timespec="milliseconds"),
        "kind": "attempt",
        "call_id": "c",
        "route": None,
        "provider": provider,
        "model": model,
        "outcome": outcome,
        "error": error,
        "latency_ms": latency_ms,
    }


def call_row(ref: str, at: datetime) -> dict:
    provider, _, model = ref.partition(":")
    return {
        "ts": at.isoformat(timespec="milliseconds"),
        "kind": "call",
        "outcome": "ok",
        "provider": provider,
        "model": model,
    }


def write_ledger(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row, separators=(",", ":")) + "\n" for row in rows), encoding="utf-8")
    return path


def rows_for(ref: str, n: int, errors: int = 0, latency_ms: float = 800.0, end: datetime = NOW) -> list[dict]:
    """n attempts a minute apart ending at `end`, the first `errors` of them retryable failures."""
    rows = []
    for i in range(n):
        at = end - timedelta(minutes=n - i)
        failed = i < errors
        rows.append(
            attempt(ref, at, "error" if failed else "ok", latency_ms, "ProviderUnavailable" if failed else None)
        )
        rows.append(call_row(ref, at))
    return rows


def choice(result, ref):
    return next(c for c in [*result.matrix, *result.fallbacks] if c.model == ref)


async def test_measured_from_real_gateway_calls(fake, tmp_path, catalog) -> None:
    """Rows written by the gateway itself: attempts and their errors counted exactly, latency measured."""
    fake.latency = 0.02
    fake.fault_rate("p1", 0.3, [Fault("status", 500)])
    config = gateway_config(fake, tmp_path, openai={"max_retries": 3, "fail_max": 100})
    async with Gateway(config) as gateway:
        for i in range(25):
            with contextlib.suppress(AllProvidersFailed):  # a call whose every try failed is recorded too
                await gateway.complete(f"ticket {i}", "openai:gpt-4o-mini")
    sent = fake.requests("p1")
    faulted = sum(r.fault is not None for r in sent)
    assert faulted > 0
    ledger = tmp_path / "usage.jsonl"
    measured = load_measured(ledger, catalog)["openai:gpt-4o-mini"]
    assert (measured.calls, measured.errors) == (len(sent), faulted)
    assert measured.error_rate == round(faulted / len(sent), 4)
    assert 0.02 <= measured.p50_s <= measured.p95_s < 2

    result = recommend(TASK, catalog, ledger=ledger)
    [note] = result.measured
    assert (note.model, note.calls, note.errors, note.p95_s) == (
        "openai:gpt-4o-mini",
        len(sent),
        faulted,
        measured.p95_s,
    )
    assert note.p95_s_estimate == 1.19  # the latency table's figure is kept beside it
    [row] = compare(["openai:gpt-4o-mini"], "classification", catalog=catalog, ledger=ledger).rows
    assert (row.p95_s_measured, row.error_rate_measured, row.measured_calls) == (
        measured.p95_s,
        measured.error_rate,
        len(sent),
    )
    line = next(j for j in result.justification if j.startswith("Measured on your usage ledger, openai:gpt-4o-mini"))
    assert f"p95 {measured.p95_s}s (table estimate 1.19s)" in line and f"over {len(sent)} calls" in line
    assert result.ledger == str(ledger)


def test_error_rate_pushes_a_model_down_by_the_documented_penalty(tmp_path, catalog) -> None:
    before = recommend(TASK, catalog)
    assert before.primary.model == FIRST and choice(before, SECOND).model == SECOND
    estimate = estimate_p95_s(load_ratings(catalog).of(FIRST), before.output_tokens)
    ledger = write_ledger(tmp_path / "usage.jsonl", rows_for(FIRST, 40, errors=4, latency_ms=estimate * 1000))
    after = recommend(TASK, catalog, ledger=ledger)
    assert after.primary.model == SECOND
    moved = choice(after, FIRST)
    assert moved.error_rate_measured == 0.1 and moved.p95_s_measured == estimate  # same latency: only errors differ
    assert before.primary.score - moved.score == pytest.approx(ERROR_PENALTY * 0.1, abs=2e-4)
    assert any("openai:gpt-4o-mini: p95" in j and "10.0% errors over 40 calls" in j for j in after.justification)


def test_measured_latency_replaces_the_estimate_in_ranking_and_budgets(tmp_path, catalog) -> None:
    slow = write_ledger(tmp_path / "usage.jsonl", rows_for(FIRST, 30, latency_ms=9000))
    result = recommend(TASK, catalog, ledger=slow)
    row = choice(result, FIRST)
    assert row.p95_s_measured == 9.0 and result.primary.model != FIRST
    expected_drop = WEIGHTS["latency"] * (1 / (1 + row.p95_s_estimate / 10) - 1 / (1 + 9.0 / 10))
    assert recommend(TASK, catalog).primary.score - row.score == pytest.approx(expected_drop, abs=2e-4)
    budget = recommend(TASK.model_copy(update={"latency_p95_s": 5.0}), catalog, ledger=slow)
    reasons = next(r.reasons for r in budget.rejected if r.model == FIRST)
    assert "measured p95 9.0s over 5s budget" in reasons


def test_minimum_sample_window_and_what_counts_as_an_error(tmp_path, catalog) -> None:
    few = write_ledger(tmp_path / "few.jsonl", rows_for(FIRST, MIN_CALLS - 1, errors=10))
    assert load_measured(few, catalog) == {}
    enough = write_ledger(tmp_path / "enough.jsonl", rows_for(FIRST, MIN_CALLS, errors=10))
    assert load_measured(enough, catalog)[FIRST].calls == MIN_CALLS

    old = rows_for(FIRST, 50, errors=50, end=NOW - timedelta(days=WINDOW_DAYS, minutes=1))
    recent = rows_for(FIRST, 25, latency_ms=500)
    not_its_fault = [
        attempt(FIRST, NOW, "error", error="BadRequest"),
        attempt(FIRST, NOW, "error", error="AuthFailed"),
        attempt(FIRST, NOW, "skipped", error="CircuitOpen"),
        attempt("openai:no-such-model-xyz", NOW),
    ]
    ledger = write_ledger(tmp_path / "usage.jsonl", [*old, *recent, *not_its_fault, {"kind": "junk"}])
    with ledger.open("a", encoding="utf-8") as handle:
        handle.write("not json\n")
    measured = load_measured(ledger, catalog)
    assert list(measured) == [FIRST]
    m = measured[FIRST]
    assert (m.calls, m.errors, m.p95_s) == (25, 0, 0.5)  # the old failures fall outside the window
    assert m.since == (NOW - timedelta(minutes=25)).isoformat(timespec="milliseconds")
    assert m.until == (NOW - timedelta(minutes=1)).isoformat(timespec="milliseconds")


def test_same_ledger_same_answer_and_compare_shows_it(tmp_path, catalog) -> None:
    ledger = write_ledger(tmp_path / "usage.jsonl", rows_for(FIRST, 40, errors=4, latency_ms=1200))
    first = recommend(TASK, catalog, ledger=ledger).model_dump_json()
    assert recommend(TASK, catalog, ledger=ledger).model_dump_json() == first
    rows = compare([FIRST, SECOND], "classification", catalog=catalog, ledger=ledger).rows
    assert (rows[0].p95_s_measured, rows[0].error_rate_measured, rows[0].measured_calls) == (1.2, 0.1, 40)
    assert rows[1].p95_s_measured is None


def test_a_large_ledger_is_read_from_its_end_quickly(tmp_path, catalog) -> None:
    rows = []
    for hour in range(400):
        rows += rows_for(FIRST if hour % 2 else SECOND, 100, errors=hour % 3, end=NOW - timedelta(hours=400 - hour))
    ledger = write_ledger(tmp_path / "usage.jsonl", rows)
    assert ledger.stat().st_size > 8_000_000
    recommend(TASK, catalog)  # warm the catalog and quality table
    started = time.perf_counter()
    result = recommend(TASK, catalog, ledger=ledger)
    elapsed = time.perf_counter() - started
    assert {m.model for m in result.measured} == {FIRST, SECOND}
    assert elapsed < 0.5, f"recommend() with an 80,000-row ledger took {elapsed:.3f}s"


def test_configured_ledger_follows_the_gateway_configuration(fake, tmp_path) -> None:
    config = gateway_config(fake, tmp_path)
    assert configured_ledger(config) == tmp_path / "usage.jsonl"
    config.gateway.ledger = False
    assert configured_ledger(config) is None


def test_cli_select_reads_the_ledger_unless_told_not_to(tmp_path) -> None:
    ledger = write_ledger(tmp_path / "usage.jsonl", rows_for(FIRST, 40, errors=20))
    args = ["select", "--task", "classify support tickets", "--providers", "openai,anthropic", "--format", "json"]
    measured = json.loads(run_cli(*args, "--ledger", str(ledger)).stdout)
    assert measured["primary"]["model"] == SECOND and measured["measured"][0]["model"] == FIRST
    plain = json.loads(run_cli(*args, "--no-ledger").stdout)
    assert plain["primary"]["model"] == FIRST and plain["measured"] == [] and plain["ledger"] is None
    table = run_cli(*args[:-2], "--ledger", str(ledger))
    assert "* measured on your usage ledger" in table.stdout and "Measured on your usage ledger" in table.stdout
