"""Build a `ModuleModel` from source: imports, constants, clients, wrappers and LLM calls."""

from __future__ import annotations

import ast

from .libraries import ASYNC_METHODS, CLIENT_METHODS, CONSTRUCTORS, ENDPOINTS, FUNCTIONS, HTTP_POSTS
from .libraries import HTTP_SESSION_CONSTRUCTORS as SESSIONS
from .module import Client, FuncNode, LLMCall, ModuleModel, dotted


def build_module(path: str, source: str, tree: ast.Module) -> ModuleModel:
    mod = ModuleModel(path=path, source=source, tree=tree, lines=source.splitlines())
    nodes = list(ast.walk(tree))
    for node in nodes:
        for child in ast.iter_child_nodes(node):
            mod.parents[child] = node
        if isinstance(node, ast.Import):
            for alias in node.names:
                mod.imports[alias.asname or alias.name.partition(".")[0]] = (
                    alias.name if alias.asname else alias.name.partition(".")[0]
                )
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            for alias in node.names:
                mod.imports[alias.asname or alias.name] = f"{base}.{alias.name}"
        elif isinstance(node, FuncNode):
            mod.functions.setdefault(node.name, node)
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            mod.constants[stmt.targets[0].id] = stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            mod.constants[stmt.target.id] = stmt.value
    for _ in range(2):  # twice: wrappers of wrappers
        _bind_clients(mod, nodes)
    for node in nodes:
        if isinstance(node, ast.Call):
            call = _llm_call(mod, node)
            if call is not None:
                mod.calls.append(call)
    return mod


def _client_of(mod: ModuleModel, value: ast.AST | None) -> Client | None:
    """The client an expression evaluates to: a constructor, a bound name or a wrapper call."""
    if isinstance(value, ast.Await):
        value = value.value
    if not isinstance(value, ast.Call):
        name = dotted(value) if value is not None else None
        return mod.clients.get(name) if name else None
    qual = mod.qualname(value.func)
    if qual in CONSTRUCTORS:
        client = next((c for c in mod.all_clients if c.node is value), None)
        if client is None:
            client = Client(CONSTRUCTORS[qual], value, name="")
            mod.all_clients.append(client)
        return client
    name = dotted(value.func) or ""
    if name.endswith(".with_options"):
        return _client_of(mod, value.func.value)  # type: ignore[attr-defined]
    return mod.clients.get(name + "()") or mod.clients.get(name.rpartition(".")[2] + "()")


def _bind(mod: ModuleModel, target: ast.AST, client: Client) -> None:
    name = dotted(target)
    if name:
        mod.clients[name] = client
        if not client.name:
            client.name = name


def _bind_clients(mod: ModuleModel, nodes: list[ast.AST]) -> None:
    for node in nodes:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            client = _client_of(mod, node.value)
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if client is not None:
                for target in targets:
                    _bind(mod, target, client)
            else:
                session = _session_of(mod, node.value)
                if session is not None:
                    for target in targets:
                        if name := dotted(target):
                            mod.http_sessions[name] = session
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                if item.optional_vars is None:
                    continue
                client = _client_of(mod, item.context_expr)
                if client is not None:
                    _bind(mod, item.optional_vars, client)
                elif (session := _session_of(mod, item.context_expr)) and (name := dotted(item.optional_vars)):
                    mod.http_sessions[name] = session
        elif isinstance(node, FuncNode):
            for ret in (n for n in ast.walk(node) if isinstance(n, ast.Return)):
                client = _client_of(mod, ret.value)
                if client is not None:
                    mod.clients[f"{node.name}()"] = client
                    mod.clients[f"self.{node.name}()"] = client
                    if any(
                        dotted(d) in ("property", "cached_property", "functools.cached_property")
                        for d in node.decorator_list
                    ):
                        mod.clients[f"self.{node.name}"] = client
            for arg in [*node.args.args, *node.args.kwonlyargs]:
                qual = mod.qualname(arg.annotation) if arg.annotation is not None else None
                if qual in CONSTRUCTORS and arg.arg not in mod.clients:
                    fake = ast.Call(func=arg.annotation, args=[], keywords=[ast.keyword(arg=None, value=arg)])
                    mod.clients[arg.arg] = Client(CONSTRUCTORS[qual], fake, name=arg.arg)  # kwargs unknown


def _session_of(mod: ModuleModel, value: ast.AST) -> tuple[str, bool] | None:
    if isinstance(value, ast.Call):
        return SESSIONS.get(mod.qualname(value.func) or "")
    return None


def _chain_base(node: ast.AST) -> ast.AST:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node


def _llm_call(mod: ModuleModel, node: ast.Call) -> LLMCall | None:
    qual = mod.qualname(node.func)
    if qual in FUNCTIONS:
        library, provider, is_async, kind = FUNCTIONS[qual]
        if library == "litellm":
            provider = _litellm_provider(mod, node)
        if kind == "chat" and any(k.arg == "stream" and _truthy(k.value) for k in node.keywords):
            kind = "stream"
        return LLMCall(node, library, provider, kind, is_async, qual)
    if qual in HTTP_POSTS or _is_session_post(mod, node):
        return _http_call(mod, node, qual)
    name = dotted(node.func)
    if not name or not isinstance(node.func, ast.Attribute):
        return None
    parts = name.split(".")
    client, method = None, ""
    for i in range(len(parts) - 1, 0, -1):
        prefix = ".".join(parts[:i])
        if prefix in mod.clients:
            client, method = mod.clients[prefix], ".".join(parts[i:])
            break
    if client is None:
        base = _chain_base(node.func)
        client = _client_of(mod, base) if isinstance(base, ast.Call) else None
        if client is None:
            return _imported_client_call(mod, node, parts)
        method = name.split(").", 1)[1] if ")." in name else ""
    method = method.removeprefix("with_options().")
    kind = CLIENT_METHODS.get(method)
    if kind is None:
        return None
    if kind == "chat" and any(k.arg == "stream" and _truthy(k.value) for k in node.keywords):
        kind = "stream"
    is_async = client.kind.is_async or method in ASYNC_METHODS or method.startswith("aio.")
    return LLMCall(node, client.kind.library, client.kind.provider, kind, is_async, method, client)


def _imported_client_call(mod: ModuleModel, node: ast.Call, parts: list[str]) -> LLMCall | None:
    """`claude.messages.create(...)` where `claude` is imported from a project module.

    The client's options are unknown (its module reports them); whether it is async is
    read from the call site: an awaited call is an async client.
    """
    from .libraries import IMPORTED_CLIENT_METHODS

    method = ".".join(parts[1:])
    if parts[0] not in mod.imports or method not in IMPORTED_CLIENT_METHODS:
        return None
    library, provider = IMPORTED_CLIENT_METHODS[method]
    kind = "stream" if method.endswith("stream") else "chat"
    if any(k.arg == "stream" and _truthy(k.value) for k in node.keywords):
        kind = "stream"
    awaited = isinstance(mod.parents.get(node), ast.Await)
    return LLMCall(node, library, provider, kind, awaited, method)


def _truthy(node: ast.expr) -> bool:
    return not (isinstance(node, ast.Constant) and not node.value)


def _litellm_provider(mod: ModuleModel, node: ast.Call) -> str | None:
    model = mod.const_str(next((k.value for k in node.keywords if k.arg == "model"), None))
    if model and "/" in model:
        return model.partition("/")[0]
    if model:
        return (
            "anthropic" if model.startswith("claude") else "openai" if model.startswith(("gpt", "o1", "o3")) else None
        )
    return None


def _is_session_post(mod: ModuleModel, node: ast.Call) -> bool:
    name = dotted(node.func) or ""
    base, _, attr = name.rpartition(".")
    return attr in ("post", "request", "stream") and base in mod.http_sessions


def _http_call(mod: ModuleModel, node: ast.Call, qual: str | None) -> LLMCall | None:
    name = dotted(node.func) or ""
    if qual in HTTP_POSTS:
        library, is_async = HTTP_POSTS[qual]
    else:
        library, is_async = mod.http_sessions[name.rpartition(".")[0]]
    positional = 1 if name.endswith((".request", ".stream")) else 0
    url_node = next((k.value for k in node.keywords if k.arg == "url"), None)
    if url_node is None and len(node.args) > positional:
        url_node = node.args[positional]
    url = mod.const_str(url_node) or ""
    if isinstance(url_node, ast.JoinedStr):
        for value in url_node.values:
            if isinstance(value, ast.FormattedValue):
                url += mod.const_str(value.value) or ""
    provider = next((p for host, p in ENDPOINTS.items() if host in url), None)
    if provider is None:
        return None
    return LLMCall(node, library, provider, "http", is_async, name)
