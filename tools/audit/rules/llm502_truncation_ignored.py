"""LLM502 truncation-ignored."""

from __future__ import annotations

from collections.abc import Iterator

from ..context import retried
from ..module import ModuleModel
from ..rule import Hit, Rule
from .llm501_unvalidated_json import json_parses

CHECKS = frozenset({"finish_reason", "stop_reason", "incomplete_details", "done_reason", "finish_details"})


class TruncationIgnored(Rule):
    """## What it does
    Flags model output parsed as JSON in a module that never looks at `finish_reason` /
    `stop_reason` / `incomplete_details`, unless the parse sits in a `try`/`except` that a
    retry (a retry loop or decorator) wraps, which turns truncation into another attempt.

    ## Why is this bad?
    When the output hits the token limit the text just stops. Parsed anyway, it fails as
    invalid JSON at best; at worst a truncated list parses and silently drops items.
    Checking the stop reason turns that into an explicit, retryable condition.

    ## Example
    ```python
    resp = client.chat.completions.create(model=m, messages=msgs, max_tokens=300)
    items = json.loads(resp.choices[0].message.content)
    ```

    ## Use instead
    ```python
    choice = resp.choices[0]
    if choice.finish_reason == "length":
        raise OutputTruncated(max_tokens=300)
    items = json.loads(choice.message.content)
    ```
    """

    id = "LLM502"
    name = "truncation-ignored"
    title = "Output parsed without checking finish/stop reason"
    category = "correctness"
    severity = "low"
    fix = "Check finish_reason == 'length' (OpenAI) / stop_reason == 'max_tokens' (Anthropic) before parsing."

    def check(self, mod: ModuleModel) -> Iterator[Hit]:
        if mod.attributes & CHECKS or mod.strings & CHECKS:
            return
        for node, _scope in json_parses(mod):
            if mod.in_handled_try(node) and retried(mod, node):
                continue
            yield Hit(node, "model output parsed without checking whether it was truncated")


RULE = TruncationIgnored
