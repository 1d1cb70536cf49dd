"""The cheap byte scan that decides whether a file is worth parsing at all.

Most files in a large tree mention no LLM library, endpoint or key: they are read and
counted but never parsed. A file is parsed when its bytes import an LLM library, mention a
provider host, an endpoint path or a distinctive SDK method chain, hold a key-shaped
literal, or (second round) name something another module of the project exports as an
LLM client, factory or wrapper.

The checks are ordered and shaped for CPython's byte search: one regex for the imports, plain
substring tests for the rest, grouped behind a shorter substring they share (`api.` before
fifteen provider hosts), and a key-shaped regex only where its prefix occurs.
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
            b".bind_tools(",
            b".with_structured_output(",
            b".ainvoke(",
            b".astream(",
            b"llm.invoke(",
            b"model.invoke(",
        }
    )
)
# Substrings shared by several literals: a file without the gate skips its whole group.
_GATES = (b"api.", b"completions", b"messages", b"responses", b"invoke", b"Content", b"_content", b"huggingface.co")


def _grouped(literals: tuple[bytes, ...]) -> tuple[tuple[bytes, tuple[bytes, ...]], ...]:
    groups: dict[bytes, list[bytes]] = {}
    for literal in literals:
        gate = next((g for g in _GATES if g in literal), literal)
        groups.setdefault(gate, []).append(literal)
    return tuple((gate, tuple(found)) for gate, found in groups.items())


_LITERAL_GROUPS = _grouped(_LITERALS)
_KEYS = tuple(
    (prefix, re.compile(re.escape(prefix) + rest))
    for prefix, rest in (
        (b"sk-", rb"[A-Za-z0-9_-]{20}"),
        (b"AIza", rb"[0-9A-Za-z_-]{35}"),
        (b"gsk_", rb"[A-Za-z0-9]{20}"),
        (b"hf_", rb"[A-Za-z0-9]{30}"),
        (b"xai-", rb"[A-Za-z0-9]{30}"),
        (b"r8_", rb"[A-Za-z0-9]{30}"),
        (b"pplx-", rb"[A-Za-z0-9]{30}"),
    )
)


def mentions_llm(data: bytes) -> bool:
    """True when the file may hold an LLM call, client, endpoint or key."""
    if _IMPORTS.search(data):
        return True
    for gate, literals in _LITERAL_GROUPS:
        if gate in data and any(literal in data for literal in literals):
            return True
    return any(prefix in data and key.search(data) for prefix, key in _KEYS)


_EXECUTES = re.compile(rb"(?<![.\w])(?:exec|eval)\(|import_module\(|run_path\(|subprocess\.|os\.system\(")
_EXECUTE_WORDS = (b"exec(", b"eval(", b"import_module(", b"run_path(", b"subprocess.", b"os.system(")


def runs_strings(data: bytes) -> bool:
    """Code that may execute a string (exec, eval, a shell, an import by name)."""
    return any(word in data for word in _EXECUTE_WORDS) and _EXECUTES.search(data) is not None


def words_pattern(names: set[str]) -> bytes | None:
    """A regex (as bytes, to send to workers) matching any of these identifiers."""
    words = sorted(n for n in names if n.isidentifier())
    if not words:
        return None
    return rb"\b(?:" + b"|".join(re.escape(w.encode()) for w in words) + rb")\b"


def mentions(pattern: bytes, data: bytes) -> bool:
    return _compiled(pattern).search(data) is not None


_CACHE: dict[bytes, re.Pattern[bytes]] = {}


def _compiled(pattern: bytes) -> re.Pattern[bytes]:
    found = _CACHE.get(pattern)
    if found is None:
        found = _CACHE[pattern] = re.compile(pattern)
    return found
