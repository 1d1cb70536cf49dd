"""`evaluate_models`: the one engine call behind `llmwright select --eval` and the MCP tool."""

from __future__ import annotations

import time

from llmwright.catalog import get_catalog
from llmwright.errors import InvalidInput
from llmwright.gateway import Gateway

from .cases import EvalCase
from .report import EvalReport, build_report
from .run import Progress, run_cases

DEFAULT_TARGET = 0.9
DEFAULT_CONCURRENCY = 8


async def evaluate_models(
    cases: list[EvalCase],
    candidates: list[str],
    gateway: Gateway,
    *,
    source: str = "inline",
    target_accuracy: float = DEFAULT_TARGET,
    concurrency: int = DEFAULT_CONCURRENCY,
    requests_per_day: float | None = None,
    no_cache: bool = False,
    progress: Progress | None = None,
    fail_under: float | None = None,
) -> EvalReport:
    """Run every case on every candidate and rank them on accuracy and cost.

    `fail_under`: the accuracy the chosen candidate must reach; the report's `gate` says whether it did."""
    if not 0 <= target_accuracy <= 1:
        raise InvalidInput(f"target accuracy {target_accuracy:g} must be between 0 and 1 (e.g. 0.9 for 90%)")
    if fail_under is not None and not 0 <= fail_under <= 1:
        raise InvalidInput(f"fail-under {fail_under:g} must be between 0 and 1 (e.g. 0.85 for 85%)")
    if requests_per_day is not None and requests_per_day <= 0:
        raise InvalidInput("requests per day must be positive")
    started = time.monotonic()
    runs = await run_cases(cases, candidates, gateway, concurrency=concurrency, no_cache=no_cache, progress=progress)
    return build_report(
        runs,
        target_accuracy,
        fail_under,
        source=source,
        concurrency=concurrency,
        requests_per_day=requests_per_day,
        elapsed_s=round(time.monotonic() - started, 3),
        data_version=get_catalog().data_version,
    )
