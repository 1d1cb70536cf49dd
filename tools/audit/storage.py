"""Model output that goes to storage, and code that executes what it reads back from storage.

A generated script saved to a file or a database row and `exec`-ed by another function
(or another module) is as dangerous as one executed right away. These two questions are
answered per module; LLM203 joins them within a module and across the project.
"""

from __future__ import annotations

import ast
import re

from .dataflow import is_llm_output, llm_output_names, propagate
from .module import ModuleModel, dotted, last_name

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
IMPORT_SINKS = {"importlib.import_module", "__import__", "runpy.run_path", "runpy.run_module"}
PICKLE_SINKS = {"pickle.loads", "pickle.load", "dill.loads", "marshal.loads", "yaml.unsafe_load"}
EXECUTES = CODE_SINKS | SHELL_SINKS | IMPORT_SINKS
# Writing somewhere durable, and reading back: by method name (`db.add_function(code=...)`,
# `store.get_function(name)`), so a project's own persistence layer counts too. The stored thing
# ends the name: `add_new_function` stores a function, `response.add_tool_call` does not store a tool.
STORE_NAME = re.compile(
    r"^((write|write_text|writelines|dump|insert|insert_one|insert_many|hset)"
    r"|(save|store|persist|insert|write|upsert|put)_[a-z0-9_]+"
    r"|(add|set|update|register)_([a-z0-9]+_)*(db|record|row|entry|function|code|script|snippet|tool|file|document|memory)s?)$"
)
# Bare `set`/`add`/`save`/`execute`... only on something that looks like storage (`cache.set`, `cursor.execute`).
STORE_VERBS = frozenset({"set", "add", "save", "store", "put", "update", "upsert", "persist", "execute", "executemany"})
STORAGE = re.compile(
    r"(db|database|session|cursor|conn|connection|cache|redis|store|storage|repo|table|collection|bucket|file)", re.I
)
READ_NAME = re.compile(
    r"^(read|read_text|readlines|load|get|hget|fetch|fetchone|fetchall|fetchmany|scalar|find|find_one|query|select"
    r"|lookup)(_[a-z0-9_]+)?$"
)


def sink(mod: ModuleModel, node: ast.Call) -> str | None:
    """How a call executes its argument (None when it does not)."""
    name = mod.qualname(node.func) or dotted(node.func) or ""
    if name in CODE_SINKS or name in SHELL_SINKS or name in IMPORT_SINKS:
        return f"passed to {name}()"
    if name in PICKLE_SINKS:
        return f"deserialised with {name}()"
    return None


def _stores(call: ast.Call) -> bool:
    name = last_name(call.func)
    if STORE_NAME.match(name):
        return True
    receiver = dotted(call.func.value) if isinstance(call.func, ast.Attribute) else None
    return name in STORE_VERBS and bool(receiver) and bool(STORAGE.search(receiver.rpartition(".")[2]))  # type: ignore[union-attr]


def stored_output(mod: ModuleModel) -> bool:
    """Model output written to a file, database or cache somewhere in this module."""
    cached = mod.memo.get("stored_output")
    if cached is not None:
        return bool(cached)
    found = False
    for scope in mod.scopes.values():
        tainted = llm_output_names(mod, scope)
        if not tainted:
            continue
        for call in scope.calls:
            args = [*call.args, *(k.value for k in call.keywords)]
            if _stores(call) and any(is_llm_output(mod, scope, a, tainted) for a in args):
                found = True
                break
        if found:
            break
    mod.memo["stored_output"] = found
    return found


def executed_reads(mod: ModuleModel) -> list[ast.Call]:
    """exec/eval/shell/import sinks whose argument was read back from a file, database or cache."""
    found = []
    for scope in mod.scopes.values():
        sinks = [c for c in scope.calls if (mod.qualname(c.func) or dotted(c.func)) in EXECUTES]
        if not sinks:
            continue  # (a pickle the application wrote itself is not model output being executed)
        reads: set[ast.AST] = {c for c in scope.calls if READ_NAME.match(last_name(c.func))}
        names = propagate(scope, set(), reads)
        for target in sinks:
            for arg in [*target.args, *(k.value for k in target.keywords)]:
                if any(n in reads or (isinstance(n, ast.Name) and n.id in names) for n in ast.walk(arg)):
                    found.append(target)
                    break
    return found
