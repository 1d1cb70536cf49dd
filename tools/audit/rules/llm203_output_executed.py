"""LLM203 output-executed."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..dataflow import is_llm_output, llm_output_names
from ..facts import ProjectFacts
from ..module import FuncNode, ModuleModel, Scope, last_name
from ..rule import Hit, ProjectHit, Rule
from ..storage import executed_reads, sink, stored_output

SQL_METHODS = {"execute", "executemany", "executescript", "raw"}


def _built_string(expr: ast.AST) -> bool:
    return isinstance(expr, ast.JoinedStr | ast.BinOp) or (
        isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "format"
    )


class OutputExecuted(Rule):
    """## What it does
    Flags model output that reaches `eval`/`exec`, a shell, `importlib`, a SQL string or
    `pickle` — directly, through a function of the module that receives it as an argument,
    or after a round trip through storage (written to a file, database or cache by one
    function, read back and executed by another, in the same module or anywhere in the
    project).

    ## Why is this bad?
    Model output is attacker-influenced: anyone who can put text in front of the model
    (a user, a web page, a document) can steer what it writes. Executing that text hands
    them your process, your shell or your database — later, when it is read back, just as
    surely as right away.

    ## Example
    ```python
    code = resp.choices[0].message.content
    exec(code)
    ```

    ## Use instead
    ```python
    action = Action.model_validate_json(resp.choices[0].message.content)  # a closed set of actions
    HANDLERS[action.name](**action.args)
    ```
    """

    id = "LLM203"
    name = "output-executed"
    title = "Model output executed as code, shell, SQL or pickle"
    category = "security"
    severity = "critical"
    fix = "Never execute model output: parse it into a validated structure, dispatch to your code, bind SQL parameters."
    scope = "both"

    def check(self, mod: ModuleModel) -> Iterator[Hit]:
        if not mod.calls and not mod.memo.get("external_outputs"):
            return  # no model call here, and no function of another module that returns model output
        # First, so that a sink reached through a parameter names the caller the output comes from
        # (one finding a position: the later, vaguer message for the same call is dropped).
        yield from self._through_parameters(mod)
        for scope in mod.scopes.values():
            tainted = llm_output_names(mod, scope)
            for node in scope.calls:
                yield from self._check_call(mod, scope, node, tainted)
        if stored_output(mod):
            yield from (Hit(n, "model output stored, then read back and executed here") for n in executed_reads(mod))

    def _check_call(self, mod: ModuleModel, scope: Scope, node: ast.Call, tainted: set[str]) -> Iterator[Hit]:
        args = [*node.args, *(k.value for k in node.keywords)]
        if not args or not any(is_llm_output(mod, scope, a, tainted) for a in args):
            return
        what = sink(mod, node)
        if what:
            yield Hit(node, f"model output {what}")
        elif (
            last_name(node.func) in SQL_METHODS
            and node.args
            and _built_string(node.args[0])
            and is_llm_output(mod, scope, node.args[0], tainted)
        ):
            yield Hit(node, "model output formatted into a SQL string")

    def _through_parameters(self, mod: ModuleModel) -> Iterator[Hit]:
        """`def run(code): exec(code)` called as `run(model_output)` in this module."""
        for func, scope in mod.scopes.items():
            if not isinstance(func, FuncNode) or not scope.params:
                continue
            params = [a.arg for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs)]
            sinks = [
                c
                for c in scope.calls
                if sink(mod, c) and any(isinstance(a, ast.Name) and a.id in scope.params for a in c.args)
            ]
            if not sinks:
                continue
            for caller in mod.callers(func):
                caller_scope = mod.scope(caller)
                tainted = llm_output_names(mod, caller_scope)
                offset = 1 if params and params[0] in ("self", "cls") and isinstance(caller.func, ast.Attribute) else 0
                passed = {params[i + offset]: a for i, a in enumerate(caller.args) if i + offset < len(params)}
                passed.update({k.arg: k.value for k in caller.keywords if k.arg})
                hot = {p for p, a in passed.items() if is_llm_output(mod, caller_scope, a, tainted)}
                for target in sinks:
                    if any(isinstance(a, ast.Name) and a.id in hot for a in target.args):
                        message = f"model output from {func.name}()'s caller (line {caller.lineno}) {sink(mod, target)}"
                        yield Hit(target, message)

    def check_project(self, facts: ProjectFacts) -> Iterator[ProjectHit]:
        """Stored by one module, read back and executed by another."""
        if not facts.stores_output:
            return
        writer = sorted(facts.stores_output)[0]
        for where in facts.executed_reads:
            if where.path not in facts.stores_output:
                yield ProjectHit(where, f"model output stored (e.g. by {writer}), then read back and executed here")


RULE = OutputExecuted
