"""LLM102 no-retry."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..libraries import RETRY_DECORATORS
from ..module import FuncNode, ModuleModel, dotted
from ..rule import Hit, Rule


def _retried(mod: ModuleModel, node: ast.AST) -> bool:
    """Inside a retry-decorated function, a retry loop, or a tenacity `Retrying` block."""
    if mod.in_loop(node):
        return True
    for parent in mod.ancestors(node):
        if isinstance(parent, FuncNode) and any(
            name.rpartition(".")[2] in RETRY_DECORATORS or name.startswith(("tenacity", "backoff", "stamina"))
            for name in mod.decorator_names(parent)
        ):
            return True
    return False


class NoRetry(Rule):
    """## What it does
    Flags LLM clients with retries switched off (`max_retries=0`) and raw HTTP posts to a
    provider endpoint that nothing retries (no tenacity/backoff/stamina decorator, no loop).

    ## Why is this bad?
    Rate limits (429), overloads (529) and dropped connections are routine with LLM APIs.
    The SDKs retry them with backoff; with retries off, or with hand-rolled HTTP, each of
    those becomes a user-facing failure.

    ## Example
    ```python
    resp = requests.post("https://api.openai.com/v1/chat/completions", json=body, timeout=30)
    ```

    ## Use instead
    ```python
    @tenacity.retry(wait=tenacity.wait_random_exponential(max=30), stop=tenacity.stop_after_attempt(5))
    def complete(body):
        return requests.post("https://api.openai.com/v1/chat/completions", json=body, timeout=30)
    ```
    """

    id = "LLM102"
    name = "no-retry"
    title = "LLM call with retries disabled or no retry at all"
    category = "reliability"
    severity = "medium"
    fix = "Keep the SDK's retries (max_retries>=2) or wrap raw HTTP in tenacity/backoff/stamina with jittered backoff."

    def check(self, mod: ModuleModel) -> Iterator[Hit]:
        for node in ast.walk(mod.tree):
            if not isinstance(node, ast.Call):
                continue
            is_client = any(c.node is node for c in mod.all_clients)
            if not (is_client or (dotted(node.func) or "").endswith("with_options")):
                continue
            for kw in node.keywords:
                if kw.arg == "max_retries" and isinstance(kw.value, ast.Constant) and kw.value.value == 0:
                    yield Hit(kw.value, "retries disabled (max_retries=0): every 429/5xx reaches the caller")
        for call in mod.calls:
            if call.kind == "http" and not _retried(mod, call.node):
                yield Hit(call.node, f"raw HTTP call to {call.provider} with no retry around it")


RULE = NoRetry
