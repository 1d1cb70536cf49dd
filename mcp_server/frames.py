"""Requests on stdio that the MCP SDK would drop without a word, made answerable.

The SDK's stdio transport silently drops a line it cannot validate as JSON-RPC, so a client
that sent a request with a usable `id` waits for an answer forever. Two kinds are repaired
here before the SDK reads them: text with a lone UTF-16 surrogate (`"\\ud800"`: valid JSON,
not valid Unicode; JavaScript clients can send it) has it replaced by U+FFFD, and a request
whose `method`, `params` or `jsonrpc` is malformed becomes a call to `INVALID_REQUEST_METHOD`,
which the server answers with an Invalid Request error for that `id`. Lines that are not
JSON, or carry no usable id, stay as they are: nobody waits for them.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

INVALID_REQUEST_METHOD = "llmwright/invalid-request"
SURROGATE = re.compile(r"[\ud800-\udfff]")


def _without_surrogates(value: Any) -> tuple[Any, bool]:
    """`value` with every lone surrogate in its strings (keys too) replaced, and whether any was."""
    if isinstance(value, str):
        fixed = SURROGATE.sub("\ufffd", value)
        return fixed, fixed != value
    if isinstance(value, list):
        items = [_without_surrogates(item) for item in value]
        return [item for item, _ in items], any(changed for _, changed in items)
    if isinstance(value, dict):
        pairs = [(_without_surrogates(k), _without_surrogates(v)) for k, v in value.items()]
        return {k: v for (k, _), (v, _) in pairs}, any(kc or vc for (_, kc), (_, vc) in pairs)
    return value, False


def _problem(message: dict[str, Any]) -> str | None:
    if message.get("jsonrpc") != "2.0":
        return 'jsonrpc must be "2.0"'
    if not isinstance(message.get("method"), str):
        return "method must be a string"
    if "params" in message and not isinstance(message["params"], dict):
        return "params must be an object"
    return None


def _top_level_id(line: str) -> Any:
    """The `id` of a JSON object too deeply nested to parse, found without recursion (None if none)."""
    depth, in_string, escaped, start = 0, False, False, -1
    for index, char in enumerate(line):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
                if depth == 1 and line[start:index] == "id":
                    rest = line[index + 1 :].lstrip()
                    if rest.startswith(":"):
                        try:
                            return json.JSONDecoder().raw_decode(rest[1:].lstrip())[0]
                        except ValueError:
                            return None
            continue
        if char == '"':
            in_string, start = True, index + 1
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
    return None


def _invalid(ident: Any, problem: str) -> str:
    return json.dumps({"jsonrpc": "2.0", "id": ident, "method": INVALID_REQUEST_METHOD, "params": {"reason": problem}})


def _usable(ident: Any) -> bool:
    return isinstance(ident, str) or (isinstance(ident, int) and not isinstance(ident, bool))


def repair_frame(line: str) -> str:
    """The line as the SDK should see it: unchanged unless a request in it would go unanswered."""
    if "\\ud" not in line.lower() and '"method"' not in line:
        return line
    try:
        message = json.loads(line)
    except RecursionError:  # a nesting bomb: answer it by its id, if it has one
        ident = _top_level_id(line)
        return _invalid(ident, "nested too deeply") + "\n" if _usable(ident) else line
    except ValueError:
        return line
    if not isinstance(message, dict):
        return line
    try:
        message, changed = _without_surrogates(message) if "\\ud" in line.lower() else (message, False)
    except RecursionError:
        return line
    ident = message.get("id")
    if "method" in message and _usable(ident) and (problem := _problem(message)):
        return _invalid(ident, problem) + "\n"
    return json.dumps(message) + "\n" if changed else line


class RepairedLines:
    """An async iterable of stdin lines (what the SDK's stdio transport reads) with `repair_frame` applied."""

    def __init__(self, source: Any) -> None:
        self.source = source

    def __aiter__(self) -> AsyncIterator[str]:
        return self._lines()

    async def _lines(self) -> AsyncIterator[str]:
        async for line in self.source:
            yield repair_frame(line)


__all__ = ["INVALID_REQUEST_METHOD", "RepairedLines", "repair_frame"]
