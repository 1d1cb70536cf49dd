"""Chat input in the shapes people paste: OpenAI messages, Anthropic requests, or a bare list.

Everything is normalised to `Conversation`, which the counters and `truncate` share.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, Field

from ..errors import InvalidInput

Shape = Literal["openai", "anthropic"]
ROLES = {"system", "developer", "user", "assistant", "tool", "function"}


class Part(BaseModel):
    kind: Literal["text", "image"]
    text: str = ""
    detail: str | None = None


class Message(BaseModel):
    role: str
    name: str | None = None
    parts: list[Part] = Field(default_factory=list)
    raw: dict[str, Any] = Field(default_factory=dict, description="the message as given, for truncation")

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.parts if p.kind == "text")


class ToolDef(BaseModel):
    name: str
    description: str = ""
    parameters: dict[str, Any] = Field(default_factory=dict)


class Conversation(BaseModel):
    shape: Shape
    system: str = ""
    messages: list[Message] = Field(default_factory=list)
    tools: list[ToolDef] = Field(default_factory=list)


def _text_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _parts(content: Any, where: str) -> list[Part]:
    if content is None:
        return []
    if isinstance(content, str):
        return [Part(kind="text", text=content)]
    if not isinstance(content, list):
        raise InvalidInput(f"{where}: content must be a string or a list of parts, got {type(content).__name__}")
    parts: list[Part] = []
    for index, block in enumerate(content):
        if isinstance(block, str):
            parts.append(Part(kind="text", text=block))
            continue
        if not isinstance(block, dict) or "type" not in block:
            raise InvalidInput(f"{where}: part {index} must be an object with a 'type'")
        kind = block["type"]
        if kind in ("text", "input_text", "output_text"):
            parts.append(Part(kind="text", text=str(block.get("text", ""))))
        elif kind in ("image_url", "image", "input_image"):
            detail = (block.get("image_url") or {}).get("detail") if isinstance(block.get("image_url"), dict) else None
            parts.append(Part(kind="image", detail=detail))
        elif kind == "tool_use":
            parts.append(Part(kind="text", text=f"{block.get('name', '')}{_text_of(block.get('input', {}))}"))
        elif kind == "tool_result":
            inner = block.get("content", "")
            text = inner if isinstance(inner, str) else "".join(p.text for p in _parts(inner, where))
            parts.append(Part(kind="text", text=text))
        else:
            parts.append(Part(kind="text", text=_text_of({k: v for k, v in block.items() if k != "type"})))
    return parts


def _message(raw: Any, index: int) -> Message:
    where = f"message {index}"
    if not isinstance(raw, dict):
        raise InvalidInput(f"{where} must be an object with 'role' and 'content', got {type(raw).__name__}")
    role = raw.get("role")
    if role not in ROLES:
        raise InvalidInput(f"{where}: role must be one of {', '.join(sorted(ROLES))}, got {role!r}")
    parts = _parts(raw.get("content"), where)
    for call in raw.get("tool_calls") or []:
        function = call.get("function", {}) if isinstance(call, dict) else {}
        parts.append(Part(kind="text", text=f"{function.get('name', '')}{function.get('arguments', '')}"))
    return Message(role=role, name=raw.get("name"), parts=parts, raw=raw)


def _tool(raw: Any, index: int) -> ToolDef:
    if not isinstance(raw, dict):
        raise InvalidInput(f"tool {index} must be an object")
    if raw.get("type") == "function" and isinstance(raw.get("function"), dict):
        fn = raw["function"]
        return ToolDef(
            name=str(fn.get("name", "")),
            description=str(fn.get("description", "")),
            parameters=fn.get("parameters") or {},
        )
    if "input_schema" in raw or "name" in raw:
        return ToolDef(
            name=str(raw.get("name", "")),
            description=str(raw.get("description", "")),
            parameters=raw.get("input_schema") or raw.get("parameters") or {},
        )
    raise InvalidInput(f"tool {index}: expected an OpenAI function tool or an Anthropic tool with 'name'")


def parse_conversation(data: Any) -> Conversation:
    """Accept `[messages]`, `{"messages": [...], "system"?, "tools"?}` in OpenAI or Anthropic shape."""
    if isinstance(data, list):
        body: dict[str, Any] = {"messages": data}
    elif isinstance(data, dict) and isinstance(data.get("messages"), list):
        body = data
    else:
        raise InvalidInput(
            "messages must be a JSON list of {role, content} objects, or an object with a 'messages' list "
            "(OpenAI or Anthropic request shape)"
        )
    if not body["messages"] and not body.get("system"):
        raise InvalidInput("messages is empty: give at least one message or a system prompt")
    shape: Shape = "anthropic" if "system" in body or _has_anthropic_blocks(body["messages"]) else "openai"
    system = body.get("system", "")
    system_text = system if isinstance(system, str) else "".join(p.text for p in _parts(system, "system"))
    messages = [_message(raw, i) for i, raw in enumerate(body["messages"])]
    tools = [_tool(raw, i) for i, raw in enumerate(body.get("tools") or [])]
    return Conversation(shape=shape, system=system_text, messages=messages, tools=tools)


def _has_anthropic_blocks(messages: list[Any]) -> bool:
    for raw in messages:
        content = raw.get("content") if isinstance(raw, dict) else None
        if isinstance(content, list):
            for block in content:
                if isinstance(block, dict) and block.get("type") in ("tool_use", "tool_result", "image"):
                    return True
    return False
