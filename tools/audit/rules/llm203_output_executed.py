"""LLM203 output-executed."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..dataflow import is_llm_output, llm_output_names, scopes
from ..module import FuncNode, ModuleModel, dotted
from ..rule import Hit, Rule

CODE_SINKS = {"eval", "exec", "compile", "builtins.eval", "builtins.exec"}
SHELL_SINKS = {
    "os.system",
    "os.popen",
    "subprocess.run",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.Popen",
    "subprocess.getoutput",
    "subprocess.getstatusoutput",
}
PICKLE_SINKS = {"pickle.loads", "pickle.load", "dill.loads", "marshal.loads", "yaml.unsafe_load"}
SQL_METHODS = {"execute", "executemany", "executescript", "raw"}


def _built_string(expr: ast.AST) -> bool:
    return isinstance(expr, ast.JoinedStr | ast.BinOp) or (
        isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "format"
    )


class OutputExecuted(Rule):
    """## What it does
    Flags model output that reaches `eval`/`exec`, a shell, a SQL string or `pickle`.

    ## Why is this bad?
    Model output is attacker-influenced: anyone who can put text in front of the model
    (a user, a web page, a document) can steer what it writes. Executing that text hands
    them your process, your shell or your database.

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

    def check(self, mod: ModuleModel) -> Iterator[Hit]:
        if not mod.calls:
            return
        for scope in scopes(mod):
            tainted = llm_output_names(mod, scope)
            body = [
                n
                for n in ast.walk(scope)
                if mod.enclosing_function(n) is (scope if isinstance(scope, FuncNode) else None)
            ]
            for node in body:
                if isinstance(node, ast.Call):
                    yield from self._check_call(mod, node, tainted)

    def _check_call(self, mod: ModuleModel, node: ast.Call, tainted: set[str]) -> Iterator[Hit]:
        name = mod.qualname(node.func) or dotted(node.func) or ""
        args = [*node.args, *(k.value for k in node.keywords)]
        if not any(is_llm_output(mod, a, tainted) for a in args):
            return
        if name in CODE_SINKS or name in SHELL_SINKS:
            yield Hit(node, f"model output passed to {name}()")
        elif name in PICKLE_SINKS:
            yield Hit(node, f"model output deserialised with {name}()")
        elif (
            name.rpartition(".")[2] in SQL_METHODS
            and node.args
            and _built_string(node.args[0])
            and is_llm_output(mod, node.args[0], tainted)
        ):
            yield Hit(node, "model output formatted into a SQL string")


RULE = OutputExecuted
