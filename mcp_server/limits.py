"""How much a client may send in one request, checked before any work starts, and how little comes back.

A tool argument of 10 MB costs seconds of CPU to tokenize and would be sent to a provider
whole; an error that repeats it fills the client's context and the server's log. So every
request is measured first (text per argument, text in all, list items and keys, nesting)
against `[server]` in llmwright.toml, and every message that goes back is bounded: it names
a long value by an excerpt and its size, never repeats it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from llmwright.config import ServerConfig
from llmwright.errors import InvalidInput

EXCERPT_CHARS = 60  # of a value the client sent, when a message must name it
MESSAGE_CHARS = 600  # of any error message that goes back to a client


def excerpt(value: str, limit: int = EXCERPT_CHARS) -> str:
    """`value` when short, else its start, an ellipsis and its length: safe to put in a message."""
    if len(value) <= limit:
        return value
    return f"{value[:limit]}… ({len(value):,} characters)"


def bounded(message: str, sent: Iterable[str] = (), limit: int = MESSAGE_CHARS) -> str:
    """`message` with every long value the client `sent` replaced by its excerpt, then cut to `limit`."""
    for value in sorted({v for v in sent if len(v) > EXCERPT_CHARS}, key=len, reverse=True):
        short = excerpt(value)
        message = message.replace(value, short)
        escaped = repr(value)[1:-1]  # how str(exc) shows it inside a repr
        if escaped != value:
            message = message.replace(escaped, short)
    if len(message) > limit:
        cut = len(message) - limit
        message = f"{message[: limit - 120]} … [{cut:,} characters cut] … {message[-100:]}"
    return message


def strings_in(value: Any) -> Iterator[str]:
    """Every string in a JSON value (keys too), without recursion: a nesting bomb cannot overflow the stack."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, Mapping):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)


def _size(text: str) -> int:
    """UTF-8 bytes of `text`; cheap when it cannot be large."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def check_request(arguments: Mapping[str, Any], limits: ServerConfig, what: str) -> None:
    """Refuse `arguments` (of a tool call or a prompt) that exceed `limits`, saying which and by how much."""
    total = items = 0
    for name, value in arguments.items():
        text = 0
        stack: list[tuple[Any, int]] = [(value, 1)]
        while stack:
            item, depth = stack.pop()
            if depth > limits.max_depth:
                raise InvalidInput(
                    f"{what}: argument {excerpt(str(name))!r} is nested more than {limits.max_depth} levels deep"
                )
            if isinstance(item, str):
                text += _size(item)
            elif isinstance(item, Mapping):
                items += len(item)
                text += sum(_size(str(key)) for key in item)
                stack.extend((child, depth + 1) for child in item.values())
            elif isinstance(item, list | tuple):
                items += len(item)
                stack.extend((child, depth + 1) for child in item)
            if items > limits.max_items:
                raise InvalidInput(
                    f"{what}: more than {limits.max_items:,} list items and object keys in one request "
                    "(raise [server] max_items in llmwright.toml if you need more)"
                )
        if text > limits.max_text_bytes:
            raise InvalidInput(
                f"{what}: argument {excerpt(str(name))!r} holds {text:,} bytes of text, over the limit of "
                f"{limits.max_text_bytes:,} (send less, e.g. a summary or the relevant part, or raise "
                "[server] max_text_bytes in llmwright.toml)"
            )
        total += text
    if total > limits.max_request_bytes:
        raise InvalidInput(
            f"{what}: the arguments hold {total:,} bytes of text, over the limit of {limits.max_request_bytes:,} "
            "per request (raise [server] max_request_bytes in llmwright.toml if you need more)"
        )


__all__ = ["EXCERPT_CHARS", "MESSAGE_CHARS", "bounded", "check_request", "excerpt", "strings_in"]
