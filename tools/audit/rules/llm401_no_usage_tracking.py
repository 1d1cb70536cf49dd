"""LLM401 no-usage-tracking."""

from __future__ import annotations

from collections.abc import Iterator

from ..facts import ProjectFacts
from ..judge import site_hit
from ..rule import ProjectHit, Rule


class NoUsageTracking(Rule):
    """## What it does
    Project-wide: flags code that calls LLMs but never reads a response's `usage` (or
    `usage_metadata`, LangChain callbacks, Langfuse/LangSmith/Helicone/OpenTelemetry).

    ## Why is this bad?
    Tokens are the bill. Without recording them per call you cannot see which feature
    costs what, notice a prompt that grew tenfold, or set a budget alarm before the
    invoice does it for you.

    ## Example
    ```python
    resp = client.chat.completions.create(...)
    return resp.choices[0].message.content
    ```

    ## Use instead
    ```python
    resp = client.chat.completions.create(...)
    metrics.record_tokens(model, resp.usage.prompt_tokens, resp.usage.completion_tokens)
    return resp.choices[0].message.content
    ```
    """

    id = "LLM401"
    name = "no-usage-tracking"
    title = "Token usage is never read or recorded"
    category = "observability"
    severity = "medium"
    fix = "Record response.usage (input/output tokens) per call with the model and feature name, or use a tracing SDK."
    scope = "project"

    def check_project(self, facts: ProjectFacts) -> Iterator[ProjectHit]:
        calls = facts.calls
        if not calls or facts.reads_usage:
            return
        first = min(calls, key=lambda c: (c.where.path, c.where.line))
        yield site_hit(first, f"{len(calls)} LLM call sites and token usage is never read anywhere in the project")


RULE = NoUsageTracking
