"""LLM402 unlogged-call."""

from __future__ import annotations

from collections.abc import Iterator

from ..facts import ProjectFacts
from ..judge import callers_log, site_hit
from ..rule import ProjectHit, Rule


class UnloggedCall(Rule):
    """## What it does
    Flags an LLM call with no logging, metrics or tracing in its function, in a decorator or
    callback on it, or in the functions of the project that call it (two levels up, by name),
    in a project that uses no LLM tracing SDK (Langfuse, LangSmith, OpenTelemetry, Logfire,
    Helicone, OpenLIT, …). Loggers of any name count (`chat_logger.log_request`), and so do
    `print`, metrics and spans.

    ## Why is this bad?
    When answers go wrong, slow or expensive, the first questions are which model, how
    long, how many tokens, what failed. Without a log line or a span there is no answer.

    ## Example
    ```python
    def summarize(text):
        return client.messages.create(model=MODEL, max_tokens=500, messages=[...])
    ```

    ## Use instead
    ```python
    def summarize(text):
        resp = client.messages.create(model=MODEL, max_tokens=500, messages=[...])
        log.info("llm call", extra={"model": MODEL, "usage": resp.usage.model_dump()})
        return resp
    ```
    """

    id = "LLM402"
    name = "unlogged-call"
    title = "LLM call with no logging, metrics or tracing around it"
    category = "observability"
    severity = "low"
    fix = "Log or trace each call with model, latency, tokens and outcome (a logger line, an OpenTelemetry span)."
    scope = "calls"

    def check_project(self, facts: ProjectFacts) -> Iterator[ProjectHit]:
        if facts.traced:
            return  # a tracing SDK in the project (LangSmith, Langfuse, OpenLIT, ...) records the calls
        for site in facts.sites:
            if site.logs:
                continue
            if not site.function:
                yield site_hit(site, f"{site.method} with no logging, metrics or tracing")
                continue
            logged = callers_log(facts, site)
            if logged is None or logged:
                continue  # a caller logs it, or the name is too generic to follow (not judged)
            yield site_hit(site, f"{site.method} in {site.function}() with no logging, metrics or tracing")


RULE = UnloggedCall
