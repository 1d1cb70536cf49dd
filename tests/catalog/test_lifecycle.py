"""Lifecycle from dates, on the day the catalog is read: both sides of every boundary, in every door."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, date, datetime
from importlib import resources

import pytest

from llmwright.catalog import catalog_at, clear_catalog, get_catalog, lifecycle_notice, status_on, today
from llmwright.errors import InvalidInput
from tests.support.cli import run_cli

SONNET = "anthropic:claude-sonnet-4-5"  # announced 2026-09-30, retires 2026-11-30 (curated row)
FLASH = "google:gemini-2.5-flash"  # retires 2026-12-01, no announcement date (curated row)


def at(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-09-29", "active"),  # the day before the announcement
        ("2026-09-30", "deprecated"),  # announced
        ("2026-11-29", "deprecated"),  # the last day it runs
        ("2026-11-30", "retired"),  # its retirement date
        ("2026-12-01", "retired"),
    ],
)
def test_status_turns_on_the_dates(day: str, expected: str) -> None:
    dates = {"deprecated_on": date(2026, 9, 30), "retires_on": date(2026, 11, 30)}
    assert status_on(date.fromisoformat(day), **dates) == expected


@pytest.mark.parametrize("declared", ["active", "deprecated", "retired"])
def test_dates_win_over_any_declared_label(declared: str) -> None:
    assert status_on(date(2026, 12, 1), retires_on=date(2026, 11, 30), declared=declared) == "retired"
    assert status_on(date(2026, 11, 29), retires_on=date(2026, 11, 30), declared=declared) == "deprecated"


def test_a_label_counts_only_without_dates() -> None:
    assert status_on(date(2026, 12, 1), declared="retired") == "retired"
    assert status_on(date(2026, 12, 1)) == "active"
    assert status_on(date(2026, 12, 1), retires_on=date(2027, 1, 14)) == "deprecated"  # a date announces it


@pytest.mark.parametrize(
    ("day", "expected"),
    [("2026-09-29", "active"), ("2026-09-30", "deprecated"), ("2027-01-01", "deprecated")],
)
def test_an_announcement_without_a_retirement_date_turns_on_its_day(day: str, expected: str) -> None:
    assert status_on(date.fromisoformat(day), deprecated_on=date(2026, 9, 30)) == expected


def test_the_dates_are_named_so_they_cannot_be_swapped_by_position() -> None:
    with pytest.raises(TypeError):
        status_on(date(2026, 10, 1), date(2026, 11, 30), date(2026, 9, 30))  # type: ignore[misc]


@pytest.mark.parametrize(
    ("status", "retires_on", "replacement", "expected"),
    [
        ("retired", date(2026, 11, 30), "m2", "m1 is retired (since 2026-11-30); use m2"),
        ("retired", None, None, "m1 is retired (on an unknown date)"),
        ("deprecated", date(2026, 11, 30), "m2", "m1 is deprecated and retires on 2026-11-30; plan a move to m2"),
        ("deprecated", None, None, "m1 is deprecated and retires"),
        ("active", date(2026, 11, 30), "m2", None),
    ],
)
def test_the_notice_says_when_and_what_to_use_only_when_known(status, retires_on, replacement, expected) -> None:
    assert lifecycle_notice("m1", status, retires_on, replacement) == expected


def test_a_pinned_day_prices_time_of_day_models_at_its_midnight_utc(monkeypatch, tmp_path) -> None:
    """deepseek-chat costs twice as much from 00:30 to 16:30 UTC: a report pinned to a day must
    not depend on the hour it is run at, and reads the day's first price."""
    ref = "deepseek:deepseek-chat"
    midnight = catalog_at(at("2026-11-29")).resolve(ref).prices.input
    an_hour_later = catalog_at(datetime(2026, 11, 29, 1, tzinfo=UTC)).resolve(ref).prices.input
    assert midnight != an_hour_later  # the shipped prices can tell the hours apart
    clear_catalog()
    monkeypatch.setenv("LLMWRIGHT_CACHE_DIR", str(tmp_path))  # built now, not read from an earlier build
    monkeypatch.setenv("LLMWRIGHT_TODAY", "2026-11-29")
    try:
        assert get_catalog().resolve(ref).prices.input == midnight
    finally:
        clear_catalog()


@pytest.mark.parametrize(
    ("ref", "day", "expected"),
    [
        (SONNET, "2026-09-29", "active"),
        (SONNET, "2026-09-30", "deprecated"),
        (SONNET, "2026-11-29", "deprecated"),
        (SONNET, "2026-11-30", "retired"),
        (FLASH, "2026-11-30", "deprecated"),
        (FLASH, "2026-12-01", "retired"),
    ],
)
def test_the_shipped_data_on_both_sides_of_its_boundaries(ref: str, day: str, expected: str) -> None:
    model = catalog_at(at(day)).resolve(ref)
    assert model.status == expected
    assert (model.notice is None) == (expected == "active")


def test_no_curated_row_has_both_a_label_and_a_date() -> None:
    text = resources.files("llmwright.catalog").joinpath("data").joinpath("curated.toml").read_text()
    for row in tomllib.loads(text)["models"]:
        dated = "retires_on" in row or "deprecated_on" in row
        assert not (dated and "status" in row), f"{row['ref']}: a status next to dates would go stale"


def test_every_replacement_is_a_model_that_still_runs_today() -> None:
    catalog = get_catalog()
    for model in catalog.models:
        if model.replacement:
            successor = catalog.resolve(catalog.successor(model) or "")
            assert successor.status != "retired", f"{model.ref} -> {successor.ref} is retired"


def test_the_clock_is_llmwright_today_and_the_catalog_follows_it(monkeypatch) -> None:
    clear_catalog()
    monkeypatch.setenv("LLMWRIGHT_TODAY", "2026-11-29")
    assert today() == date(2026, 11, 29)
    assert get_catalog().resolve(SONNET).status == "deprecated"
    monkeypatch.setenv("LLMWRIGHT_TODAY", "2026-11-30")  # a server running past midnight
    assert get_catalog().resolve(SONNET).status == "retired"
    monkeypatch.setenv("LLMWRIGHT_TODAY", "next tuesday")
    with pytest.raises(InvalidInput, match="LLMWRIGHT_TODAY"):
        today()
    monkeypatch.delenv("LLMWRIGHT_TODAY")
    clear_catalog()


def _sides(tmp_path):
    """The environment of a process on each side of the claude-sonnet-4-5 retirement."""
    base = {"LLMWRIGHT_CACHE_DIR": str(tmp_path / "cache"), "LLMWRIGHT_DATA_DIR": str(tmp_path / "data")}
    return {"before": {**base, "LLMWRIGHT_TODAY": "2026-11-29"}, "after": {**base, "LLMWRIGHT_TODAY": "2026-11-30"}}


@pytest.mark.slow
def test_every_door_calls_it_retired_from_its_retirement_date(tmp_path) -> None:
    code = tmp_path / "app.py"
    code.write_text(
        "import anthropic\nclient = anthropic.Anthropic(timeout=10, max_retries=2)\n"
        'client.messages.create(model="claude-sonnet-4-5", max_tokens=100, messages=[])\n'
    )
    for side, env in _sides(tmp_path).items():
        expected = "deprecated" if side == "before" else "retired"
        listed = run_cli("models", "--search", "claude-sonnet-4-5", "--include-retired", "--format", "json", env=env)
        assert {m["status"] for m in json.loads(listed.stdout)["models"] if m["provider"] == "anthropic"} == {expected}
        estimated = run_cli("estimate", "-m", SONNET, "--format", "json", "Hello", env=env)
        (row,) = json.loads(estimated.stdout)["results"]
        assert row["model"]["status"] == expected and expected in row["warnings"][0]
        audited = run_cli("audit", str(code), "--select", "LLM108", "--format", "json", "--fail-on", "never", env=env)
        (finding,) = json.loads(audited.stdout)["findings"]
        assert f"is {expected}" in finding["message"]
        compared = run_cli(
            "select", "--task", "summarise support tickets", "--providers", "anthropic", "--format", "json", env=env
        )
        ranked = json.loads(compared.stdout)
        chosen = [c["model"] for c in [ranked.get("primary") or {}, *ranked.get("fallbacks", [])] if c]
        assert all("claude-sonnet-4-5" not in ref for ref in chosen)
