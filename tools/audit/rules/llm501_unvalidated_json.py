"""LLM501 unvalidated-json."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..dataflow import is_llm_output, llm_output_names
from ..module import FuncNode, ModuleModel, dotted
from ..rule import Hit, Rule

PARSERS = {"json.loads", "orjson.loads", "ujson.loads", "simplejson.loads"}
STRUCTURED = ("response_format", "text_format", "output_format", "tools", "tool_choice", "format", "response_schema")


def json_parses(mod: ModuleModel) -> Iterator[tuple[ast.Call, ast.AST]]:
    """`json.loads(<model output>)` calls and their scope."""
    if not mod.calls:
        return
    for scope in [mod.tree, *(n for n in ast.walk(mod.tree) if isinstance(n, FuncNode))]:
        tainted = llm_output_names(mod, scope)
        for node in ast.walk(scope):
            if isinstance(node, ast.Call) and (mod.qualname(node.func) or dotted(node.func)) in PARSERS:
                if mod.enclosing_function(node) is not (scope if isinstance(scope, FuncNode) else None):
                    continue
                if node.args and is_llm_output(mod, node.args[0], tainted):
                    yield node, scope


class UnvalidatedJson(Rule):
    """## What it does
    Flags `json.loads` of model output with no `try`/`except` around it, when the call
    asked for no structured-output mode (`response_format`, tools, a schema).

    ## Why is this bad?
    Models return almost-JSON: a code fence, a trailing comment, a truncated object when
    the token limit hits. Each becomes an unhandled `JSONDecodeError` in production, on
    the inputs that are hardest to reproduce.

    ## Example
    ```python
    data = json.loads(resp.choices[0].message.content)
    ```

    ## Use instead
    ```python
    resp = client.chat.completions.parse(model=m, messages=msgs, response_format=Answer)
    answer = resp.choices[0].message.parsed
    ```
    """

    id = "LLM501"
    name = "unvalidated-json"
    title = "Model output parsed as JSON with no error handling or schema"
    category = "correctness"
    severity = "medium"
    fix = "Use structured outputs (response_format / tools / a pydantic schema) or catch JSONDecodeError and validate."

    def check(self, mod: ModuleModel) -> Iterator[Hit]:
        for node, scope in json_parses(mod):
            if mod.in_handled_try(node):
                continue
            calls = [c for c in mod.calls if c.node in set(ast.walk(scope))]
            if any(any(k.arg in STRUCTURED for k in c.node.keywords) for c in calls):
                continue
            yield Hit(node, "model output parsed with json.loads: no error handling, no schema")


RULE = UnvalidatedJson
