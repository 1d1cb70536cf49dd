"""LLM108 retired-model."""

from __future__ import annotations

from collections.abc import Iterator

from ..catalog_lookup import lookup_model
from ..facts import ProjectFacts
from ..rule import ProjectHit, Rule


class RetiredModel(Rule):
    """## What it does
    Flags model names the catalog marks retired or deprecated (its lifecycle status, on the
    day the audit runs), with the replacement: model arguments of LLM calls and chat-model
    constructors, module and class constants named like a model, parameter defaults of
    functions that call a model, and the defaults of `os.getenv("MODEL", "...")` and
    `config.get("model", "...")`.

    ## Why is this bad?
    A retired model returns errors from its retirement date; a deprecated one will. The
    code works in review and fails in production on a date nobody put in a calendar.

    ## Example
    ```python
    client.chat.completions.create(model="gpt-3.5-turbo-0301", messages=messages)
    ```

    ## Use instead
    ```python
    client.chat.completions.create(model="gpt-4o-mini", messages=messages)
    ```
    """

    id = "LLM108"
    name = "retired-model"
    title = "Model that is retired or deprecated"
    category = "correctness"
    severity = "high"
    fix = "Move to the replacement model (see `llmwright models --search NAME`) and pin it in one config value."

    scope = "calls"  # model names are collected per file; the catalog is consulted once, in the main process

    def check_project(self, facts: ProjectFacts) -> Iterator[ProjectHit]:
        for where, model, provider, suppressed in facts.models:
            info = lookup_model(model, provider)
            if info is None or info.status == "active":
                continue
            when = f" on {info.retires_on}" if info.retires_on else ""
            instead = f"; use {info.replacement}" if info.replacement else ""
            yield ProjectHit(where, f"{model!r} is {info.status} ({info.ref}{when}){instead}", suppressed=suppressed)


RULE = RetiredModel
