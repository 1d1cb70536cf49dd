"""LLM104 unhandled-api-error."""

from __future__ import annotations

from collections.abc import Iterator

from ..module import FuncNode, ModuleModel
from ..rule import Hit, Rule


def _handled(mod: ModuleModel, func: FuncNode, depth: int = 0) -> bool | None:
    """True if every in-module caller handles errors, False if a handler or a script reaches
    it unprotected, None when unknown (called from elsewhere: give the benefit of the doubt)."""
    if mod.is_route_handler(func):
        return False
    if depth > 3:
        return None
    callers = mod.callers(func)
    if not callers:
        return None
    results = []
    for caller in callers:
        if mod.in_handled_try(caller):
            results.append(True)
            continue
        outer = mod.enclosing_function(caller)
        if outer is None or outer is func:
            results.append(False if outer is None else None)
            continue
        results.append(_handled(mod, outer, depth + 1))
    if False in results:
        return False
    return True if all(results) else None


class UnhandledApiError(Rule):
    """## What it does
    Flags an LLM call that no `try`/`except` protects, in a request handler or in code
    that a handler or top-level script reaches without one, within the same module.

    ## Why is this bad?
    Rate limits, timeouts, overloads and content refusals are expected outcomes of an LLM
    call. Unhandled, each one is a 500 with a stack trace for the user instead of a retry,
    a fallback or a clear message.

    ## Example
    ```python
    @app.post("/summarize")
    def summarize(doc: Doc):
        return client.messages.create(model=MODEL, max_tokens=500, messages=[...])
    ```

    ## Use instead
    ```python
    @app.post("/summarize")
    def summarize(doc: Doc):
        try:
            return client.messages.create(model=MODEL, max_tokens=500, messages=[...])
        except anthropic.APIError as exc:
            raise HTTPException(503, "summarizer unavailable") from exc
    ```
    """

    id = "LLM104"
    name = "unhandled-api-error"
    title = "LLM call whose API errors nothing handles"
    category = "reliability"
    severity = "medium"
    fix = "Catch the SDK API errors (openai.APIError, anthropic.APIError) where you can retry, fall back or fail."

    def check(self, mod: ModuleModel) -> Iterator[Hit]:
        for call in mod.calls:
            if call.kind == "embed" or mod.in_handled_try(call.node):
                continue
            func = mod.enclosing_function(call.node)
            if func is None:
                yield Hit(call.node, f"{call.method} at module level with no error handling")
                continue
            if _handled(mod, func) is False:
                yield Hit(call.node, f"{call.method} in {func.name}(): API errors propagate unhandled to the caller")


RULE = UnhandledApiError
