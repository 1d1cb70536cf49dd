"""Decide which calls reach a model, and how the audit knows (the site's `resolution`).

In order: calls made through `asyncio.to_thread` / `sync_to_async` / `run_in_executor`,
module functions (`litellm.completion`), aliases (`create = client.chat.completions.create`,
`functools.partial`), raw HTTP to LLM endpoints, methods of a client the bindings can
follow, method chains distinctive on their own (`x.chat.completions.create`), LangChain
models recognised by name, and SDK methods handed to a helper as a reference.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from .http import http_site
from .libraries import (
    AMBIGUOUS_SHAPES,
    ASYNC_METHODS,
    CALL_THROUGH,
    FRAMEWORK_METHODS,
    FUNCTIONS,
    LANGCHAIN_MODULES,
    LLM_IMPORTS,
    METHOD_TABLES,
    RUNS_NOW,
    SHAPE_METHODS,
    WRAPS,
)
from .module import Binding, Client, LLMCall, ModuleModel, Scope, dotted, last_name
from .options import call_options

if TYPE_CHECKING:
    from .build import Binder

# How a site was resolved (Finding.resolution): direct, factory, imported, alias, parameter,
# call-through, shape, name, url, config URL, body.


def find_sites(mod: ModuleModel, binder: Binder) -> None:
    langchain = mod.imported(*LANGCHAIN_MODULES)
    for call in mod.all_calls:
        scope = mod.scope_of_node[call]
        site = _site(mod, binder, call, scope, langchain)
        if site is not None:
            if site.client is not None:
                site.client.uses += 1
            mod.calls.append(site)


def _site(mod: ModuleModel, binder: Binder, call: ast.Call, scope: Scope, langchain: bool) -> LLMCall | None:
    func = call.func
    qual = mod.qualname(func) or dotted(func) or ""
    awaited = is_awaited(mod, call)

    # 1. called through a thread / executor helper: the reference is what runs
    target = _through_target(mod, call, qual)
    if target is not None:
        ref = _reference(mod, binder, target, scope)
        if ref is not None:
            ref.node, ref.is_async, ref.resolution = call, True, "call-through"
            ref.options = call_options(mod, call, scope)
            ref.target = target
            return _with_stream(ref)
        return None

    # 2. module functions, directly or through a holder (`self.client = dashscope.Generation`)
    if qual in FUNCTIONS:
        return _function_site(mod, call, scope, qual, "direct")
    binding = binder.value(func, scope) if isinstance(func, ast.Name | ast.Attribute) else None
    if binding is not None and binding.function:
        return _function_site(mod, call, scope, binding.function, "alias")
    if binding is not None and binding.method and binding.client is not None and binding.resolution != "chain":
        site = _method_site(mod, call, scope, binding.client, binding.method, awaited)
        if site is not None:
            site.resolution = "alias"
            return site
    if isinstance(func, ast.Attribute):
        holder = binder.value(func.value, scope)
        if holder is not None and holder.holder and f"{holder.holder}.{func.attr}" in FUNCTIONS:
            return _function_site(mod, call, scope, f"{holder.holder}.{func.attr}", "alias")

    # 3. raw HTTP
    site = http_site(mod, binder, call, scope, qual)
    if site is not None:
        return site

    # 4. a method of a client the bindings know
    if isinstance(func, ast.Attribute):
        site = _client_method(mod, binder, call, scope, awaited)
        if site is not None:
            return site
        # 5. a distinctive method chain on an unknown receiver
        site = _shape_site(mod, call, scope, awaited)
        if site is not None:
            return site
        # 6. a LangChain model recognised by its name
        if langchain and func.attr in FRAMEWORK_METHODS and func.attr not in ("chat", "generate", "__call__"):
            from .build import llm_like_name

            receiver = dotted(func.value) or ""
            if receiver and llm_like_name(receiver) and binder.value(func.value, scope) is None:
                kind = FRAMEWORK_METHODS[func.attr]
                is_async = func.attr in ASYNC_METHODS or awaited
                site = LLMCall(call, "langchain", None, kind, is_async, func.attr, resolution="name")
                site.options = call_options(mod, call, scope)
                site.options.timeout = None
                return site

    # 7. an SDK method handed to a helper (`self._retry(self.client.chat.completions.create, params)`)
    if last_name(func) == "partial" or qual in CALL_THROUGH:
        return None  # functools.partial makes an alias, sync_to_async(f) a wrapper: their calls are the sites
    for arg in call.args:
        if isinstance(arg, ast.Attribute):
            ref = _reference(mod, binder, arg, scope)
            if ref is not None:
                ref.node, ref.resolution, ref.target = call, "call-through", arg
                ref.is_async = ref.is_async or awaited
                ref.options = call_options(mod, call, scope)
                ref.options.timeout = ref.options.timeout or None
                ref.options.max_tokens = ref.options.max_tokens or None
                return ref
    return None


ASYNC_RUNNERS = frozenset(
    {
        "wait_for",
        "gather",
        "create_task",
        "ensure_future",
        "shield",
        "run",
        "run_until_complete",
        "as_completed",
        "wait",
    }
)


def is_awaited(mod: ModuleModel, call: ast.Call) -> bool:
    """Awaited, or handed to an asyncio runner (`asyncio.wait_for(client.x(...), 30)`): an async call."""
    parent = mod.parents.get(call)
    if isinstance(parent, ast.Await):
        return True
    while isinstance(parent, ast.Starred | ast.List | ast.Tuple | ast.GeneratorExp | ast.ListComp):
        parent = mod.parents.get(parent)
    if isinstance(parent, ast.keyword):
        parent = mod.parents.get(parent)
    return isinstance(parent, ast.Call) and last_name(parent.func) in ASYNC_RUNNERS


def _through_target(mod: ModuleModel, call: ast.Call, qual: str) -> ast.expr | None:
    if qual in RUNS_NOW and call.args:
        return call.args[0]
    if last_name(call.func) == "run_in_executor" and len(call.args) >= 2:
        return call.args[1]
    if isinstance(call.func, ast.Call):
        inner = mod.qualname(call.func.func) or dotted(call.func.func) or ""
        if inner in WRAPS and call.func.args and last_name(call.func.func) != "partial":
            return call.func.args[0]
    return None


def _reference(mod: ModuleModel, binder: Binder, expr: ast.expr, scope: Scope) -> LLMCall | None:
    """An uncalled reference to an LLM function or client method (`client.embeddings.create`)."""
    qual = mod.qualname(expr) or ""
    if qual in FUNCTIONS:
        library, provider, is_async, kind = FUNCTIONS[qual]
        return LLMCall(expr, library, provider, kind, is_async, qual)  # type: ignore[arg-type]
    if not isinstance(expr, ast.Attribute | ast.Name):
        return None
    binding = binder.value(expr, scope)
    if binding is None:
        return None
    if binding.function:
        library, provider, is_async, kind = FUNCTIONS[binding.function]
        return LLMCall(expr, library, provider, kind, is_async, binding.function)  # type: ignore[arg-type]
    if binding.method and binding.client is not None:
        table = _table(binding)
        kind = table.get(binding.method, "")
        if kind:
            client = binding.client
            return LLMCall(
                expr,
                client.kind.library,
                client.kind.provider,
                kind,
                client.kind.is_async,
                binding.method,
                client=client,
            )
    return None


def _table(binding: Binding) -> dict[str, str]:
    assert binding.client is not None
    if binding.derived == "session":
        return METHOD_TABLES["session"]
    if binding.derived == "runnable":
        return METHOD_TABLES["framework"]
    if binding.derived == "model":
        return METHOD_TABLES["xinference"]
    return METHOD_TABLES.get(binding.client.kind.methods, {})


def _function_site(mod: ModuleModel, call: ast.Call, scope: Scope, qual: str, resolution: str) -> LLMCall:
    library, provider, is_async, kind = FUNCTIONS[qual]
    if library == "litellm":
        provider = _litellm_provider(mod, call, scope)
    site = LLMCall(call, library, provider, kind, is_async, qual, resolution=resolution)
    site.options = call_options(mod, call, scope)
    return _with_stream(site)


def _with_stream(site: LLMCall) -> LLMCall:
    if site.kind == "chat" and any(k.arg == "stream" and _truthy(k.value) for k in site.node.keywords):
        site.kind = "stream"
    return site


def _client_method(mod: ModuleModel, binder: Binder, call: ast.Call, scope: Scope, awaited: bool) -> LLMCall | None:
    func = call.func
    assert isinstance(func, ast.Attribute)
    path = [func.attr]
    node: ast.expr = func.value
    while True:
        binding = binder.value(node, scope)
        if binding is not None and binding.client is not None and not binding.method:
            method = ".".join(reversed(path))
            site = _method_site(mod, call, scope, binding.client, method, awaited, binding)
            if site is not None:
                site.resolution = _resolution(binding)
            return site
        if isinstance(node, ast.Attribute):
            path.append(node.attr)
            node = node.value
        else:
            return None


def _resolution(binding: Binding) -> str:
    resolution = binding.resolution
    client = binding.client
    if client is not None and client.resolution in ("factory", "imported", "annotation", "shape"):
        resolution = client.resolution
    return {"annotation": "parameter"}.get(resolution, resolution)


def _method_site(
    mod: ModuleModel,
    call: ast.Call,
    scope: Scope,
    client: Client,
    method: str,
    awaited: bool,
    binding: Binding | None = None,
) -> LLMCall | None:
    table = _table(binding) if binding is not None else METHOD_TABLES.get(client.kind.methods, {})
    kind = table.get(method, "")
    if not kind and "." in method:  # `client.beta.prompt_caching.messages.create`: a newer path to a known method
        suffix = next((m for m in SHAPE_METHODS if method.endswith("." + m) and m in table), None)
        kind = table.get(suffix, "") if suffix else ""
    if not kind:
        return None
    is_async = client.kind.is_async or method in ASYNC_METHODS or method.startswith("aio.")
    if client.resolution in ("annotation", "shape") and awaited:
        is_async = True
    site = LLMCall(call, client.kind.library, client.kind.provider, kind, is_async, method, client=client)
    site.options = call_options(mod, call, scope)
    if "timeout" in client.traits:
        site.options.timeout = True
    return _with_stream(site)


def _shape_site(mod: ModuleModel, call: ast.Call, scope: Scope, awaited: bool) -> LLMCall | None:
    name = dotted(call.func) or ""
    parts = name.split(".")
    for i in range(1, len(parts)):
        method = ".".join(parts[i:]).removeprefix("with_options().").removeprefix("with_raw_response.")
        kind = SHAPE_METHODS.get(method)
        if not kind:
            continue
        needed = AMBIGUOUS_SHAPES.get(method)
        if needed and not any(k.arg in needed or k.arg is None for k in call.keywords):
            return None
        library, provider = _guess_library(mod, method)
        site = LLMCall(call, library, provider, kind, awaited, method, resolution="shape")
        site.options = call_options(mod, call, scope)
        if ".with_options()." in name or name.startswith("with_options()"):
            site.options.timeout = site.options.timeout or None
        return _with_stream(site)
    return None


def _guess_library(mod: ModuleModel, method: str) -> tuple[str, str | None]:
    if method.startswith(("messages.", "beta.messages.")):
        return "anthropic", "anthropic"
    if "generate_content" in method or "embed_content" in method:
        return "google-genai", "google"
    if method.startswith(("converse", "invoke_model")):
        return "boto3", "bedrock"
    for name in ("openai", "groq", "together", "zhipuai", "zai", "mistralai"):
        if mod.imported(name):
            return name, {"zai": "zhipu", "zhipuai": "zhipu", "mistralai": "mistral"}.get(name, name)
    imported = next((n for n in LLM_IMPORTS if mod.imported(n)), None)
    return (imported or "openai"), None


def _litellm_provider(mod: ModuleModel, node: ast.Call, scope: Scope) -> str | None:
    model = mod.const_str(next((k.value for k in node.keywords if k.arg == "model"), None), scope)
    if model and "/" in model:
        return model.partition("/")[0]
    if model:
        if model.startswith("claude"):
            return "anthropic"
        if model.startswith(("gpt", "o1", "o3", "o4")):
            return "openai"
        if model.startswith("gemini"):
            return "google"
    return None


def _truthy(node: ast.expr) -> bool:
    return not (isinstance(node, ast.Constant) and not node.value)
