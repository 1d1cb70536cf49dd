"""The cheap byte scan that decides whether a file is worth parsing at all.

Most files in a large tree mention no LLM library, endpoint or key: they are read and
counted but never parsed. A file is parsed when its bytes import an LLM library, mention a
provider host, an endpoint path or a distinctive SDK method chain, hold a key-shaped
literal, or (second round) name something another module of the project exports as an
LLM client, factory or wrapper.

The checks are ordered and shaped for CPython's byte search: one regex whose alternatives
share a literal prefix (`import `/`from `), plain substring tests for the rest, and one
small regex per key prefix (each starts with a literal, so it is a fast scan).
"""

from __future__ import annotations

import re

from .libraries import ENDPOINT_PATHS, ENDPOINTS, LLM_IMPORTS

_IMPORTS = re.compile(
    rb"(?:import|from)[ \t]+(?:" + b"|".join(re.escape(name.encode()) for name in sorted(LLM_IMPORTS)) + rb")\b"
)
_LITERALS: tuple[bytes, ...] = tuple(
    sorted(
        {host.encode() for host in ENDPOINTS}
        | {path.encode() for path, _ in ENDPOINT_PATHS if path != "/predictions"}
        | {
            b"completions.create",
            b"completions.parse",
            b"messages.create",
            b"messages.stream",
            b"responses.create",
            b"responses.stream",
            b"embeddings.create",
            b"generate_content",
            b"embed_content",
            b"converse(",
            b"invoke_model",
            b"init_chat_model",
            b"inference_endpoint",
            b"_API_KEY",
        }
    )
)
_KEYS = tuple(
    re.compile(pattern)
    for pattern in (
        rb"sk-[A-Za-z0-9_-]{20}",
        rb"AIza[0-9A-Za-z_-]{35}",
        rb"gsk_[A-Za-z0-9]{20}",
        rb"hf_[A-Za-z0-9]{30}",
        rb"xai-[A-Za-z0-9]{30}",
        rb"r8_[A-Za-z0-9]{30}",
        rb"pplx-[A-Za-z0-9]{30}",
    )
)


def mentions_llm(data: bytes) -> bool:
    """True when the file may hold an LLM call, client, endpoint or key."""
    if _IMPORTS.search(data):
        return True
    if any(literal in data for literal in _LITERALS):
        return True
    return any(key.search(data) for key in _KEYS)


_IMPORT_LINE = re.compile(
    rb"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]+)|import[ \t]+([^\n#;]+))", re.MULTILINE
)


def imported_names(path: str, data: bytes) -> list[str]:
    """Qualified names an unparsed file imports (relative imports made absolute), from its bytes.

    A file that mentions no LLM library may still call an LLM through a project module
    (`from app.llm import get_client`); the engine parses it in the second round when one
    of these names turns out to be an LLM client, factory or wrapper.
    """
    from .index import absolute_import

    found: list[str] = []
    for module, names, plain in _IMPORT_LINE.findall(data):
        if plain:
            for part in plain.decode("utf-8", "replace").split(","):
                name = part.split(" as ")[0].strip()
                if name:
                    found.append(name)
            continue
        text = module.decode("utf-8", "replace")
        level = len(text) - len(text.lstrip("."))
        base = absolute_import(path, text.lstrip(".") or None, level)
        for part in names.decode("utf-8", "replace").strip("()").replace("\\", " ").split(","):
            name = part.split(" as ")[0].strip()
            if name and name != "*":
                found.append(f"{base}.{name}" if base else name)
    return found
