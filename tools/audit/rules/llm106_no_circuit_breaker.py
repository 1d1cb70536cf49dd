"""LLM106 no-circuit-breaker."""

from __future__ import annotations

from collections.abc import Iterator

from ..facts import ProjectFacts
from ..judge import site_hit
from ..rule import ProjectHit, Rule


class NoCircuitBreaker(Rule):
    """## What it does
    Project-wide, informational: LLM calls on request paths (web handlers) and no circuit
    breaker library (pybreaker, circuitbreaker, aiobreaker, purgatory) anywhere.

    ## Why is this bad?
    When a provider is down, every request still waits for its timeout and its retries.
    Under load that multiplies into exhausted workers and a backlog. A breaker fails fast
    (or falls back) after a few failures and probes for recovery.

    ## Example
    ```python
    @app.post("/chat")
    def chat(q: str):
        return client.chat.completions.create(...)
    ```

    ## Use instead
    ```python
    breaker = pybreaker.CircuitBreaker(fail_max=5, reset_timeout=30)

    @app.post("/chat")
    def chat(q: str):
        return breaker.call(client.chat.completions.create, ...)
    ```
    """

    id = "LLM106"
    name = "no-circuit-breaker"
    title = "Request-path LLM calls with no circuit breaker"
    category = "reliability"
    severity = "info"
    fix = "Wrap provider calls in a circuit breaker (pybreaker, aiobreaker) or use llmwright's gateway, which has one."
    scope = "project"

    def check_project(self, facts: ProjectFacts) -> Iterator[ProjectHit]:
        hot = [c for c in facts.calls if c.in_route]
        if not hot or facts.has_breaker:
            return
        first = min(hot, key=lambda c: (c.where.path, c.where.line))
        yield site_hit(first, f"{len(hot)} LLM calls on request paths and no circuit breaker in the project")


RULE = NoCircuitBreaker
