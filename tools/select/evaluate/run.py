"""Every case on every candidate, through the gateway, a bounded number at a time.

Calls go through `Gateway.complete` one candidate at a time (no fallback: a fallback
would score another model), so rate limits, retries, the breaker, the cache and the
ledger all apply as in production. A failing call is an outcome, never an exception
out of the run: a candidate nobody can reach ends up failed, the others finish.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from itertools import product

from llmwright.cost import cost_of_usage
from llmwright.errors import InvalidInput
from llmwright.gateway import CallRequest, CallResult, Gateway
from llmwright.secrets import scrub_secrets

from .cases import EvalCase
from .judge import Judged
from .verdict import Verdict

# A candidate whose first calls all fail is given up on: the rest of its cases would only
# fail the same way, slowly, and cost the others their share of the concurrency.
GIVE_UP_AFTER = 5
MAX_CANDIDATES = 20
ANSWER_CHARS = 300

Progress = Callable[[int, int], Awaitable[None]]


@dataclass
class Outcome:
    """One case on one candidate."""

    case: EvalCase
    passed: bool = False
    answer: str | None = None
    why: str = ""
    error: str | None = None  # "ClassName: message" when the call failed
    latency_ms: float | None = None
    cached: bool = False
    cost_usd: float | None = None  # priced from the tokens used: what it costs in production
    spent_usd: float = 0.0  # what this run paid (0 for a cached answer)
    judge_cost_usd: float | None = None  # a judged case: the judge call, priced from its tokens
    judge_spent_usd: float = 0.0  # and what this run paid for it
    judge_error: str | None = None  # the judge call failed: the case is a miss that says so


@dataclass
class CandidateRun:
    model: str
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    answered: int = 0
    failed: int = 0
    first_error: str | None = None

    @property
    def given_up(self) -> bool:
        return self.answered == 0 and self.failed >= GIVE_UP_AFTER


def candidate_list(candidates: list[str], gateway: Gateway) -> list[str]:
    """Distinct references, checked by the gateway (shape, provider) before anything is sent."""
    refs = list(dict.fromkeys(ref.strip() for ref in candidates if ref.strip()))
    if not refs:
        raise InvalidInput("no candidates: give provider:model references, e.g. openai:gpt-4o-mini,groq:llama-3.3-70b")
    if len(refs) > MAX_CANDIDATES:
        raise InvalidInput(f"{len(refs)} candidates; at most {MAX_CANDIDATES} per run")
    for ref in refs:
        gateway.checked_target(ref)
    return refs


async def _one(gateway: Gateway, run: CandidateRun, case: EvalCase, no_cache: bool) -> Outcome:
    outcome = Outcome(case)
    if run.given_up:
        outcome.error = f"not run: the first {GIVE_UP_AFTER} calls all failed ({run.first_error})"
        return outcome
    request = case.request.model_copy(update={"cache_ttl_s": 0}) if no_cache else case.request
    started = time.monotonic()
    try:
        result: CallResult = await gateway.complete(request, run.model)
    except Exception as exc:  # any failure is this case's outcome; the run goes on
        outcome.error = scrub_secrets(f"{type(exc).__name__}: {exc}")[:400]
        outcome.latency_ms = round((time.monotonic() - started) * 1000, 1)
        run.failed += 1
        run.first_error = run.first_error or outcome.error
        return outcome
    run.answered += 1
    if isinstance(case.check, Judged):
        verdict = await _grade(gateway, case.check, request, result.text, outcome, no_cache)
    else:
        verdict = case.check.judge(result.text)
    outcome.passed, outcome.why = verdict.passed, verdict.why
    outcome.answer = scrub_secrets(result.text)[:ANSWER_CHARS]
    outcome.cached = result.cached
    outcome.latency_ms = None if result.cached else result.latency_ms
    outcome.spent_usd = result.cost_usd or 0.0
    outcome.cost_usd = cost_of_usage(gateway.target(run.model).info, result.usage)
    return outcome


async def _grade(
    gateway: Gateway, check: Judged, asked: CallRequest, answer: str, outcome: Outcome, no_cache: bool
) -> Verdict:
    """Ask the judge model; its cost lands on the outcome's judge fields, never on the candidate's."""
    request = check.grade_request(asked, answer)
    if no_cache:
        request = request.model_copy(update={"cache_ttl_s": 0})
    try:
        graded = await gateway.complete(request, check.model)
    except Exception as exc:  # a failed judge call fails this case, not the run
        outcome.judge_error = scrub_secrets(f"{type(exc).__name__}: {exc}")[:400]
        return Verdict(False, f"judge call failed: {outcome.judge_error[:120]}")
    outcome.judge_spent_usd = graded.cost_usd or 0.0
    outcome.judge_cost_usd = cost_of_usage(gateway.target(check.model).info, graded.usage)
    return check.verdict(graded.text)


async def run_cases(
    cases: list[EvalCase],
    candidates: list[str],
    gateway: Gateway,
    *,
    concurrency: int = 8,
    no_cache: bool = False,
    progress: Progress | None = None,
) -> list[CandidateRun]:
    """Outcomes per candidate. Case-major order spreads the load over the providers."""
    if concurrency < 1:
        raise InvalidInput("concurrency must be at least 1")
    runs = [CandidateRun(model) for model in candidate_list(candidates, gateway)]
    for judge in {case.check.model for case in cases if isinstance(case.check, Judged)}:
        gateway.checked_target(judge)  # a misspelled judge fails before any candidate is called
    jobs = iter(product(cases, runs))
    total = len(cases) * len(runs)
    done = 0

    async def worker() -> None:
        nonlocal done
        for case, run in jobs:
            run.outcomes[case.id] = await _one(gateway, run, case, no_cache)
            done += 1
            if progress is not None:
                await progress(done, total)

    await asyncio.gather(*(worker() for _ in range(min(concurrency, total))))
    for run in runs:  # back in file order, whatever order the calls finished in
        run.outcomes = {case.id: run.outcomes[case.id] for case in cases}
    return runs
