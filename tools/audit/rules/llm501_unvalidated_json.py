"""LLM501 unvalidated-json."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..dataflow import is_llm_output, llm_output_names
from ..module import ModuleModel, Scope, dotted
from ..rule import Hit, Rule

PARSERS = {"json.loads", "orjson.loads", "ujson.loads", "simplejson.loads"}
STRUCTURED = ("response_format", "text_format", "output_format", "tools", "tool_choice", "format", "response_schema")


def _sse_framing(mod: ModuleModel, node: ast.Call, arg: ast.expr) -> bool:
    """`json.loads(line[6:])`, or a parse inside a loop over a stream's lines: wire framing, not model output."""
    text = ast.unparse(arg) if len(ast.unparse(arg)) < 200 else ""
    if any(marker in text for marker in ("[5:]", "[6:]", "removeprefix", "lstrip(", "split('data:", 'split("data:')):
        return True
    for parent in mod.ancestors(node):
        if isinstance(parent, ast.For | ast.AsyncFor):
            source = dotted(parent.iter.func) if isinstance(parent.iter, ast.Call) else dotted(parent.iter)
            if source and source.rpartition(".")[2] in (
                "iter_lines",
                "aiter_lines",
                "iter_text",
                "aiter_text",
                "content",
                "iter_any",
            ):
                return True
            if isinstance(parent.iter, ast.Name | ast.Attribute):
                iterated = dotted(parent.iter) or ""
                if iterated.endswith(("content", "lines", "stream", "response", "resp")):
                    return True
        if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef):
            return False  # a loop outside the function does not feed it lines
    return False


def _envelope(mod: ModuleModel, scope: Scope, arg: ast.expr, http: set[ast.AST]) -> bool:
    """`json.loads(resp.text)` of a raw HTTP response (or a Bedrock `invoke_model` body): the API's
    envelope, not model-written JSON."""
    while True:
        if isinstance(arg, ast.Attribute) and arg.attr in ("text", "content", "body"):
            arg = arg.value
        elif (
            isinstance(arg, ast.Call)
            and isinstance(arg.func, ast.Attribute)
            and arg.func.attr in ("read", "decode", "get")
        ):
            arg = arg.func.value
        elif (
            isinstance(arg, ast.Subscript) and isinstance(arg.slice, ast.Constant) and arg.slice.value == "body"
        ) or isinstance(arg, ast.Await):
            arg = arg.value
        else:
            break
    if arg in http:
        return True
    if isinstance(arg, ast.Name):
        value = mod.local_value(arg.id, scope)
        if isinstance(value, ast.Await):
            value = value.value
        if value in http:
            return True
        if isinstance(value, ast.Attribute) and value.attr in ("text", "content"):
            return _envelope(mod, scope, value, http)
    return False


def json_parses(mod: ModuleModel) -> Iterator[tuple[ast.Call, Scope]]:
    """`json.loads(<model output>)` calls and their scope."""
    if not mod.calls:
        return
    http = {c.node for c in mod.calls if c.kind == "http" or c.method.startswith("invoke_model")}
    for scope in mod.scopes.values():
        parsers = [c for c in scope.calls if (mod.qualname(c.func) or dotted(c.func)) in PARSERS and c.args]
        if not parsers:
            continue
        tainted = llm_output_names(mod, scope)
        for node in parsers:
            arg = node.args[0]
            if not is_llm_output(mod, scope, arg, tainted) or _sse_framing(mod, node, arg):
                continue
            if http and _envelope(mod, scope, arg, http):
                continue
            yield node, scope


class UnvalidatedJson(Rule):
    """## What it does
    Flags `json.loads` of model output with no `try`/`except` around it, when the call
    asked for no structured-output mode (`response_format`, tools, a schema). Parsing the
    lines of a raw HTTP event stream (`data: {...}` framing) is not model output and is
    not flagged.

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
        structured: set[int] = set()  # scopes where some call asks for structured output
        for call in mod.calls:
            if any(k.arg in STRUCTURED for k in call.node.keywords):
                structured.add(id(mod.scope(call.node)))
        for node, scope in json_parses(mod):
            if mod.in_handled_try(node) or id(scope) in structured:
                continue
            yield Hit(node, "model output parsed with json.loads: no error handling, no schema")


RULE = UnvalidatedJson
