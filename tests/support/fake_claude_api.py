"""A loopback stand-in for the Anthropic Messages API that plays the model for the real Claude Code CLI.

Claude Code (`claude -p`, with `ANTHROPIC_BASE_URL` pointing here) sends every turn of the
main thread and of each subagent to `POST /v1/messages` with `stream: true`. A script, a
function from the request Claude Code sent to the blocks the "model" answers (text and
`tool_use`), decides each turn; the answer is streamed back as server-sent events exactly as
the real API streams it. Every request is kept, so a test asserts on what Claude Code
actually sent: the tools it offered, the tool results and hook output it passed on.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEFERRED_HEADER = "The following deferred tools are now available via ToolSearch"
CONNECTING = "The following MCP servers are still connecting"
PLACEHOLDER = "DeferredToolPlaceholder"  # Claude Code keeps deferred loading on with it; never a real tool


@dataclass
class Text:
    text: str


@dataclass
class ToolUse:
    name: str
    input: dict[str, Any]
    id: str = ""


Block = Text | ToolUse


@dataclass
class Seen:
    """One request Claude Code sent, with the parts a script and a test look at."""

    body: dict[str, Any]
    headers: dict[str, str]

    @property
    def system(self) -> str:
        system = self.body.get("system") or []
        if isinstance(system, str):
            return system
        return "\n".join(block.get("text", "") for block in system if isinstance(block, dict))

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.body.get("messages") or []

    @property
    def tools(self) -> list[str]:
        """Tools offered with their schemas from the start (not loaded through ToolSearch)."""
        return [t["name"] for t in self.body.get("tools") or [] if not t.get("defer_loading")]

    @property
    def loaded(self) -> list[str]:
        """Deferred tools whose schemas ToolSearch has loaded (sent with `defer_loading`), minus the placeholder."""
        tools = self.body.get("tools") or []
        return [t["name"] for t in tools if t.get("defer_loading") and t["name"] != PLACEHOLDER]

    @property
    def deferred(self) -> list[str]:
        """Tools offered by name only (their schemas come through ToolSearch), as a system turn lists them."""
        names: list[str] = []
        for text in self.texts():
            if DEFERRED_HEADER in text:
                listing = text.split(DEFERRED_HEADER, 1)[1].split("\n\n", 1)[0]
                names += [line.strip() for line in listing.splitlines()[1:] if line.strip()]
        return names

    @property
    def added(self) -> list[str]:
        """Tools announced mid-conversation (a server that finished connecting), as `tool_addition` blocks."""
        return [
            block["tool"].get("name", "")
            for message in self.messages
            if isinstance(message.get("content"), list)
            for block in message["content"]
            if isinstance(block, dict) and block.get("type") == "tool_addition" and isinstance(block.get("tool"), dict)
        ]

    @property
    def offered(self) -> set[str]:
        return set(self.tools) | set(self.loaded) | set(self.deferred) | set(self.added)

    @property
    def connecting(self) -> bool:
        """Claude Code says an MCP server is still connecting (ToolSearch waits for it)."""
        return any(CONNECTING in text for text in self.texts())

    def texts(self) -> list[str]:
        """Every text in the conversation: message text blocks and tool results, in order."""
        found: list[str] = []

        def walk(content: Any) -> None:
            if isinstance(content, str):
                found.append(content)
            elif isinstance(content, list):
                for block in content:
                    if isinstance(block, dict):
                        if block.get("type") == "text":
                            found.append(block.get("text", ""))
                        elif block.get("type") == "tool_result":
                            walk(block.get("content"))

        for message in self.messages:
            walk(message.get("content"))
        return found

    def tool_results(self) -> list[dict[str, Any]]:
        """The tool_result blocks of the conversation, oldest first."""
        return [
            block
            for message in self.messages
            if isinstance(message.get("content"), list)
            for block in message["content"]
            if isinstance(block, dict) and block.get("type") == "tool_result"
        ]

    def tool_uses(self) -> list[dict[str, Any]]:
        """The tool_use blocks the "model" sent in this conversation, oldest first."""
        return [
            block
            for message in self.messages
            if message.get("role") == "assistant" and isinstance(message.get("content"), list)
            for block in message["content"]
            if isinstance(block, dict) and block.get("type") == "tool_use"
        ]

    def turns(self) -> int:
        """How many assistant turns the conversation already holds."""
        return sum(1 for message in self.messages if message.get("role") == "assistant")

    def mentions(self, text: str) -> bool:
        return text in json.dumps(self.body)


Script = Callable[[Seen], list[Block]]


@dataclass
class FakeClaudeAPI:
    """`with FakeClaudeAPI(script) as api:` serves on 127.0.0.1; `api.url` is the ANTHROPIC_BASE_URL."""

    script: Script
    seen: list[Seen] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    port: int = 0
    _server: ThreadingHTTPServer | None = None
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FakeClaudeAPI:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._json(404, {"type": "error", "error": {"type": "not_found_error", "message": self.path}})

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                path = self.path.split("?", 1)[0]
                if path == "/v1/messages/count_tokens":
                    self._json(200, {"input_tokens": max(1, len(raw) // 4)})
                    return
                if path != "/v1/messages":
                    self.do_GET()
                    return
                seen = Seen(json.loads(raw or b"{}"), {k.lower(): v for k, v in self.headers.items()})
                with api._lock:
                    api.seen.append(seen)
                try:
                    blocks = api.script(seen)
                except Exception as exc:  # the test reads api.errors; Claude Code gets an API error
                    api.errors.append(f"{type(exc).__name__}: {exc}")
                    self._json(400, {"type": "error", "error": {"type": "invalid_request_error", "message": str(exc)}})
                    return
                for block in blocks:
                    if isinstance(block, ToolUse) and not block.id:
                        block.id = f"toolu_fake{next(api._ids):04d}"
                if seen.body.get("stream"):
                    self._stream(seen.body.get("model", ""), blocks)
                else:
                    self._json(200, message(seen.body.get("model", ""), blocks, next(api._ids)))

            def _json(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, model: str, blocks: list[Block]) -> None:
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("transfer-encoding", "chunked")
                self.end_headers()
                for event, data in events(model, blocks, next(api._ids)):
                    payload = f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()
                    self.wfile.write(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, name="fake-claude-api", daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def _content(block: Block) -> dict[str, Any]:
    if isinstance(block, Text):
        return {"type": "text", "text": block.text}
    return {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}


def message(model: str, blocks: list[Block], number: int) -> dict[str, Any]:
    stop = "tool_use" if any(isinstance(b, ToolUse) for b in blocks) else "end_turn"
    return {
        "id": f"msg_fake{number:04d}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [_content(b) for b in blocks],
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": {"input_tokens": 100, "output_tokens": 20},
    }


def events(model: str, blocks: list[Block], number: int) -> list[tuple[str, dict[str, Any]]]:
    """The server-sent events of one streamed answer: text in two deltas, tool input as partial JSON."""
    start = message(model, [], number) | {"stop_reason": None}
    start["usage"] = {"input_tokens": 100, "output_tokens": 1}
    out: list[tuple[str, dict[str, Any]]] = [("message_start", {"type": "message_start", "message": start})]
    for index, block in enumerate(blocks):
        if isinstance(block, Text):
            opening: dict[str, Any] = {"type": "text", "text": ""}
            half = len(block.text) // 2
            deltas = [{"type": "text_delta", "text": part} for part in (block.text[:half], block.text[half:])]
        else:
            opening = {"type": "tool_use", "id": block.id, "name": block.name, "input": {}}
            encoded = json.dumps(block.input)
            half = len(encoded) // 2
            deltas = [{"type": "input_json_delta", "partial_json": part} for part in (encoded[:half], encoded[half:])]
        out.append(("content_block_start", {"type": "content_block_start", "index": index, "content_block": opening}))
        out += [("content_block_delta", {"type": "content_block_delta", "index": index, "delta": d}) for d in deltas]
        out.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
    stop = "tool_use" if any(isinstance(b, ToolUse) for b in blocks) else "end_turn"
    end = {
        "type": "message_delta",
        "delta": {"stop_reason": stop, "stop_sequence": None},
        "usage": {"output_tokens": 20},
    }
    out += [("message_delta", end), ("message_stop", {"type": "message_stop"})]
    return out
