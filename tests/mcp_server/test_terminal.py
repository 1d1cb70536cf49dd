"""Tables at 80 and 120 columns in a real pseudo terminal: the model name and money are never cut."""

from __future__ import annotations

import json
import re

import pytest

from llmwright.cost import format_usd
from tests.support.cli import run_cli
from tests.support.terminal import run_in_terminal

LONG = [
    "-m",
    "anthropic:claude-sonnet-4-6",
    "-m",
    "together:meta-llama/Llama-3.3-70B-Instruct-Turbo",
    "-m",
    "azure:gpt-4o",
]
ESTIMATE = ["estimate", *LONG, "--requests-per-day", "250000", "Summarise this support ticket in one sentence."]
MODELS = ["models", "--provider", "together"]


def _table_lines(screen: str) -> list[str]:
    return [line for line in screen.splitlines() if line[:1] in "┏┃┡│└"]


def _too_wide(screen: str, columns: int) -> list[str]:
    return [line for line in screen.splitlines() if len(line) > columns]


def _blocks(screen: str, refs: list[str]) -> dict[str, str]:
    """Each model's part of the screen: from the line it starts until the next model's line."""
    lines = screen.splitlines()
    starts = {}
    for ref in refs:
        starts[ref] = next(i for i, line in enumerate(lines) if re.match(rf"[│ ]*{re.escape(ref)}(\s|$)", line))
    ends = [*sorted(starts.values()), len(lines)]
    return {ref: "\n".join(lines[i : ends[ends.index(i) + 1]]) for ref, i in starts.items()}


@pytest.mark.parametrize("columns", [80, 120])
def test_estimate_fits_the_terminal_and_keeps_names_and_money_whole(columns: int) -> None:
    screen = run_in_terminal(*ESTIMATE, columns=columns)
    assert _too_wide(screen, columns) == [], screen
    assert "…" not in screen
    report = json.loads(run_cli(*ESTIMATE, "--format", "json").stdout)
    blocks = _blocks(screen, [r["model"]["ref"] for r in report["results"]])
    for row in report["results"]:
        block = blocks[row["model"]["ref"]]
        for value in (row["cost"]["per_call_usd"], row["cost"]["per_day_usd"], row["cost"]["per_month_usd"]):
            assert re.search(rf"(^|\s){re.escape(format_usd(value))}(\s|$)", block), (format_usd(value), block)


@pytest.mark.parametrize("columns", [80, 120])
def test_models_fits_the_terminal_and_keeps_names_and_prices_whole(columns: int) -> None:
    screen = run_in_terminal(*MODELS, columns=columns)
    assert _too_wide(screen, columns) == [], screen
    assert "…" not in screen
    listing = json.loads(run_cli(*MODELS, "--format", "json").stdout)
    blocks = _blocks(screen, [m["ref"] for m in listing["models"]])
    for model in listing["models"]:
        prices = model["prices"] or {}
        for price in (prices.get("input"), prices.get("output")):
            if price is not None:
                assert re.search(rf"(^|\s){re.escape(f'{price:g}')}(\s|$)", blocks[model["ref"]]), blocks[model["ref"]]
    if columns == 120:
        header = next(line for line in _table_lines(screen) if line.startswith("┃"))
        assert {"model", "in $/M", "out $/M", "context", "status"} <= {h.strip() for h in header.split("┃")}


def test_piped_output_is_laid_out_wide_whatever_the_terminal() -> None:
    piped = run_cli(*ESTIMATE, env={"COLUMNS": "80"})
    assert max(len(line) for line in _table_lines(piped.stdout)) > 80
    assert "method" in piped.stdout and "window" in piped.stdout
