"""LLM402 unlogged-call."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..facts import OBSERVABILITY_MODULES
from ..module import FuncNode, ModuleModel, dotted
from ..rule import Hit, Rule

OBSERVE = re.compile(
    r"(^|\.)(log|logger|logging|structlog|LOG|tracer|span|metrics|statsd|counter|histogram)(\.|$)"
    r"|start_as_current_span|observe|traceable|record_",
    re.IGNORECASE,
)


SETUP = ("getLogger", "get_logger", "basicConfig", "dictConfig")


def _observes(mod: ModuleModel, func: ast.AST) -> bool:
    if isinstance(func, FuncNode) and any(OBSERVE.search(n) for n in mod.decorator_names(func)):
        return True
    body = func.body if isinstance(func, ast.Module) else [func]
    for stmt in body:
        if isinstance(func, ast.Module) and isinstance(stmt, FuncNode | ast.ClassDef):
            continue  # module-level code is observed only by module-level calls
        for node in ast.walk(stmt):
            name = dotted(node.func) or "" if isinstance(node, ast.Call) else ""
            if name and OBSERVE.search(name) and not name.endswith(SETUP):
                return True
    return False


class UnloggedCall(Rule):
    """## What it does
    Flags an LLM call with no logging, metrics or tracing in its function or in the
    in-module functions that call it, in a module that uses no LLM tracing SDK
    (Langfuse, LangSmith, OpenTelemetry, Helicone, OpenLIT).

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

    def check(self, mod: ModuleModel) -> Iterator[Hit]:
        if not mod.calls or mod.imported(*OBSERVABILITY_MODULES):
            return
        for call in mod.calls:
            func = mod.enclosing_function(call.node)
            if func is None:
                if not _observes(mod, mod.tree):
                    yield Hit(call.node, f"{call.method} with no logging, metrics or tracing")
                continue
            chain = [func] + [f for c in mod.callers(func) if (f := mod.enclosing_function(c)) is not None]
            if not any(_observes(mod, f) for f in chain):
                yield Hit(call.node, f"{call.method} in {func.name}() with no logging, metrics or tracing")


RULE = UnloggedCall
