"""LLM201 hardcoded-key."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..module import ModuleModel
from ..rule import Hit, Rule

KEY_PATTERN = re.compile(
    r"(?<![A-Za-z0-9_-])(sk-ant-[A-Za-z0-9_-]{20,}|sk-(proj-|svcacct-)?[A-Za-z0-9_-]{20,}|gsk_[A-Za-z0-9]{20,}|AIza[0-9A-Za-z_-]{35}"
    r"|hf_[A-Za-z0-9]{30,}|xai-[A-Za-z0-9]{30,}|r8_[A-Za-z0-9]{30,}|pplx-[A-Za-z0-9]{30,})(?![A-Za-z0-9_-])"
)
PLACEHOLDER = re.compile(
    r"(x{6,}|\.\.\.|<|\$\{|your|dummy|fake|test|example|placeholder|changeme|canary|0123456789|abcdefghij)",
    re.IGNORECASE,
)
KEY_KWARGS = ("api_key", "openai_api_key", "anthropic_api_key", "groq_api_key", "google_api_key", "cohere_api_key")


def looks_like_key(value: str) -> bool:
    match = KEY_PATTERN.search(value)
    return bool(match) and not PLACEHOLDER.search(match.group(0))


class HardcodedKey(Rule):
    """## What it does
    Flags provider API keys written in source: literals shaped like `sk-…`, `sk-ant-…`,
    `gsk_…`, `AIza…`, `hf_…`, and key-shaped literals passed as `api_key=`.

    ## Why is this bad?
    Source is copied to laptops, CI logs, forks and backups. A leaked key is billed to you
    until someone notices, and rotating it means finding every copy.

    ## Example
    ```python
    client = OpenAI(api_key="sk-proj-abc123...")
    ```

    ## Use instead
    ```python
    client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])  # or just OpenAI()
    ```
    """

    id = "LLM201"
    name = "hardcoded-key"
    title = "API key written in source code"
    category = "security"
    severity = "critical"
    fix = "Read keys from the environment or a secret manager (os.environ['OPENAI_API_KEY']) and rotate the leaked key."

    def check(self, mod: ModuleModel) -> Iterator[Hit]:
        flagged: set[int] = set()
        for call in mod.all_calls:
            for node in call.keywords:
                if node.arg in KEY_KWARGS:
                    value = mod.const_str(node.value)
                    if value and len(value) >= 20 and " " not in value and not PLACEHOLDER.search(value):
                        flagged.add(id(node.value))
                        yield Hit(node.value, f"API key literal passed as {node.arg}=")
        for node in mod.long_strings:
            if id(node) not in flagged and looks_like_key(node.value.strip()):
                yield Hit(node, "string literal shaped like a provider API key")


RULE = HardcodedKey
