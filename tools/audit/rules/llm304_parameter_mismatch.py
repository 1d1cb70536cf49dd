"""LLM304 parameter-mismatch."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..catalog_lookup import lookup_model
from ..module import LLMCall, ModuleModel
from ..rule import Hit, Rule

OPENAI_HOSTS = ("api.openai.com", ".openai.azure.com")
# OpenAI reasoning models reject these (400 "Unsupported parameter"); temperature only at its default 1.
REJECTED = {
    "max_tokens": "use max_completion_tokens",
    "top_p": "not supported",
    "presence_penalty": "not supported",
    "frequency_penalty": "not supported",
    "logprobs": "not supported",
}


class ParameterMismatch(Rule):
    """## What it does
    Flags parameters the called model does not accept, using the catalog's capabilities:
    `temperature` (other than 1), `top_p`, penalties or `max_tokens` sent to OpenAI
    reasoning models (o1, o3, o4-mini, gpt-5…). Calls through a router (OpenRouter, a
    `maker/model` name, a client whose `base_url` is another host) are not judged: routers
    drop what a model does not take.

    ## Why is this bad?
    The API answers 400 "Unsupported parameter" on every call: the feature is broken the
    moment someone switches the model name, and tests with mocked clients do not notice.

    ## Example
    ```python
    client.chat.completions.create(model="o3-mini", temperature=0.2, max_tokens=500, messages=m)
    ```

    ## Use instead
    ```python
    client.chat.completions.create(model="o3-mini", max_completion_tokens=500, messages=m)
    ```
    """

    id = "LLM304"
    name = "parameter-mismatch"
    title = "Parameter the model does not accept"
    category = "correctness"
    severity = "high"
    fix = "Drop sampling parameters for reasoning models and use max_completion_tokens instead of max_tokens."

    def check(self, mod: ModuleModel) -> Iterator[Hit]:
        for call in mod.calls:
            if call.library not in ("openai", "litellm") or call.provider not in ("openai", "azure", None):
                continue
            model = mod.const_str(call.kwarg("model"))
            if model and _routed(call, model):
                continue
            info = lookup_model(model, "openai") if model else None
            if info is None or info.provider != "openai" or not info.has("reasoning"):
                continue
            for kw in call.node.keywords:
                if kw.arg == "temperature" and not (isinstance(kw.value, ast.Constant) and kw.value.value == 1):
                    yield Hit(kw.value, f"{model} is a reasoning model: temperature is fixed at 1")
                elif kw.arg in REJECTED:
                    yield Hit(kw.value, f"{model} is a reasoning model: {kw.arg} is rejected ({REJECTED[kw.arg]})")


def _routed(call: LLMCall, model: str) -> bool:
    """The OpenAI SDK pointed at a router (OpenRouter, a LiteLLM proxy): it drops what a model does not take.

    A `maker/model` name is a router's (OpenAI's own API has none), and so is a client built with a
    `base_url` on another host. A `base_url` read at run time may be OpenAI's: the rule still judges it.
    """
    if call.library == "openai" and "/" in model:
        return True
    constructor = call.client.node if call.client else None
    base_url = next((k.value for k in constructor.keywords if k.arg == "base_url"), None) if constructor else None
    if not (isinstance(base_url, ast.Constant) and isinstance(base_url.value, str)):
        return False
    return not any(host in base_url.value for host in OPENAI_HOSTS)


RULE = ParameterMismatch
