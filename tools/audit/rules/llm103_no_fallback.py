"""LLM103 no-fallback."""

from __future__ import annotations

from collections.abc import Iterator

from ..facts import ProjectFacts
from ..judge import site_hit
from ..rule import ProjectHit, Rule


class NoFallback(Rule):
    """## What it does
    Project-wide: flags a code base whose every LLM call goes to one provider with no
    fallback anywhere (no LiteLLM `Router`/`fallbacks=`, no LangChain `.with_fallbacks`,
    no pydantic-ai `FallbackModel`, no second call in an `except`, no llmwright gateway).

    ## Why is this bad?
    Every provider has outages and regional incidents measured in hours a year. With one
    provider and no fallback, each of them is an outage of your feature.

    ## Example
    ```python
    resp = client.chat.completions.create(model="gpt-4o-mini", messages=m)  # the only path
    ```

    ## Use instead
    ```python
    try:
        resp = openai_client.chat.completions.create(model="gpt-4o-mini", messages=m)
    except openai.APIError:
        resp = anthropic_client.messages.create(model="claude-haiku-4-5", max_tokens=800, messages=m)
    ```
    """

    id = "LLM103"
    name = "no-fallback"
    title = "Every LLM call depends on one provider, with no fallback"
    category = "reliability"
    severity = "medium"
    fix = "Add a fallback chain to a second provider or model (LiteLLM Router, .with_fallbacks, llmwright's gateway)."
    scope = "project"

    def check_project(self, facts: ProjectFacts) -> Iterator[ProjectHit]:
        calls = facts.calls
        if not calls or facts.has_fallback or len(facts.providers) != 1:
            return
        if any(s.provider is None for s in calls):
            return  # some calls go to a provider chosen at run time
        provider = next(iter(facts.providers))
        first = min(calls, key=lambda c: (c.where.path, c.where.line))
        yield site_hit(first, f"all {len(calls)} LLM call sites use {provider} and no fallback exists in the project")


RULE = NoFallback
