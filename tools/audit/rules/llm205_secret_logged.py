"""LLM205 secret-logged."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..module import ModuleModel, dotted
from ..rule import Hit, Rule

SECRET = re.compile(r"(api_?key|secret|authorization|auth_header|bearer|access_token|x_api_key)", re.IGNORECASE)
SAFE_WRAPPERS = {"len", "bool", "mask", "redact", "type", "hash", "isinstance", "keys", "startswith", "endswith"}
# Names of secrets' *names* or settings about them, not secrets: api_key_env, secret_keys, key_name, has_api_key.
NOT_SECRET = re.compile(
    r"(_env|_var|_name|_names|_keys|_id|_ids|_path|_file|_url|_header_name|_set|_present|_configured|_source|_provider"
    r"|_len|_length|_count|_type|_field|_prefix|_suffix|_hint)$|^(has|is|use|uses|needs|missing|no)_|max_",
    re.IGNORECASE,
)
LOG_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log"}


def _is_log_call(node: ast.Call) -> bool:
    name = dotted(node.func) or ""
    if name in ("print", "pprint", "pprint.pprint", "sys.stdout.write", "sys.stderr.write"):
        return True
    base, _, attr = name.rpartition(".")
    return attr in LOG_METHODS and bool(re.search(r"(log|logger|logging|structlog|LOG)$", base, re.IGNORECASE))


def _secret(expr: ast.AST, mod: ModuleModel) -> str | None:
    """The first secret the expression writes out, or None."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Call) and (dotted(node.func) or "").rpartition(".")[2] in SAFE_WRAPPERS:
            continue
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            continue  # key[:4] prints a prefix on purpose
        if isinstance(node, ast.Compare | ast.UnaryOp):
            continue  # `key is None`, `not key`: a boolean, not the key (`key or "unset"` is the key)
        if isinstance(node, ast.IfExp):
            stack.extend((node.body, node.orelse))  # `"set" if key else "unset"`: the test is not printed
            continue
        name = _secret_named(node, mod)
        if name:
            return name
        stack.extend(ast.iter_child_nodes(node))
    return None


def _secret_named(node: ast.AST, mod: ModuleModel) -> str | None:
    """A name, environment variable or mapping key that holds a secret."""
    if isinstance(node, ast.Name | ast.Attribute):
        name = node.id if isinstance(node, ast.Name) else node.attr
        return name if SECRET.search(name) and not NOT_SECRET.search(name) else None
    if isinstance(node, ast.Call) and (dotted(node.func) or "") in ("os.getenv", "os.environ.get"):
        key = mod.const_str(node.args[0]) if node.args else None
        return key if key and _secret_variable(key) else None
    if isinstance(node, ast.Subscript) and dotted(node.value) == "os.environ":
        key = mod.const_str(node.slice)
        return key if key and _secret_variable(key) else None
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        key = node.slice.value
        return key if isinstance(key, str) and SECRET.search(key) else None
    return None


def _secret_variable(name: str) -> bool:
    return bool(SECRET.search(name)) or name.endswith(("_KEY", "_TOKEN"))


class SecretLogged(Rule):
    """## What it does
    Flags API keys, tokens and auth headers passed to `print`, `logging` or a logger.

    ## Why is this bad?
    Logs are copied to aggregators, tickets and screenshots, kept for months and read by
    many more people than the secret store. A key in a log line is a leaked key.

    ## Example
    ```python
    logger.info("calling OpenAI with key %s", api_key)
    ```

    ## Use instead
    ```python
    logger.info("calling OpenAI with key ending %s", api_key[-4:])  # or not at all
    ```
    """

    id = "LLM205"
    name = "secret-logged"
    title = "API key or auth header written to logs or output"
    category = "security"
    severity = "high"
    fix = "Never log secrets; log a fingerprint (last 4 characters) or whether a key is set."

    def check(self, mod: ModuleModel) -> Iterator[Hit]:
        for node in mod.all_calls:
            if _is_log_call(node):
                written = (_secret(arg, mod) for arg in [*node.args, *(k.value for k in node.keywords)])
                found = next((name for name in written if name), None)
                if found:
                    yield Hit(node, f"secret {found!r} written to a log or stdout")


RULE = SecretLogged
