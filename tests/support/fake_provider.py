"""A loopback HTTP server that speaks OpenAI chat completions, Anthropic messages and Ollama.

It runs its own asyncio loop in a thread on 127.0.0.1 with a random port, so the real
SDK-based providers (and CLI subprocesses) talk to it over real sockets. The first path
segment names a fake provider (`/p1/v1/chat/completions`, `/p2/v1/messages`,
`/p3/api/chat`), so several providers share one server with their own faults and logs.

Faults (queued per provider with `fail()`, or drawn at random with `fault_rate()`):

- `status`: any HTTP status, optional Retry-After and message (`{key}` in the message is
  replaced by the key the client sent, as some providers echo it);
- `slow`: sleep `delay`, then answer; `stall`: a stream that stops for `delay` after
  `after_chunks` deltas, then goes on;
- `reset`: abort the TCP connection before answering; `cut`: a stream (or body) aborted at
  the TCP level after `after_chunks` deltas;
- `truncated`: a clean end without the wire's terminal event (no `finish_reason`/`[DONE]`,
  no `message_stop`, no `done`) after `after_chunks` deltas — 0 gives an empty stream; for a
  plain call, a 200 with no choice / content block / `done`;
- `malformed`: a 200 whose body is not the wire's format (invalid JSON, or not SSE at all
  for a stream); `bad_event`: a stream whose event after `after_chunks` deltas is not JSON.

`GET /_stats` answers the requests seen per provider and when (monotonic seconds), the TCP
connections accepted and the most requests in flight at once, so a test can read them from a
server running in another process (`start_process`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any

DEFAULT_ANSWER = "Hello from the fake provider."


@dataclass
class Fault:
    kind: str  # status | slow | stall | reset | cut | truncated | malformed | bad_event | no_usage
    status: int = 500
    retry_after: float | None = None
    delay: float = 0.0
    message: str = "injected fault"
    after_chunks: int = 2


@dataclass
class Logged:
    provider: str
    wire: str
    model: str
    stream: bool
    at: float
    fault: str | None
    body: dict[str, Any] = field(repr=False, default_factory=dict)
    target: str = ""  # the request line's path and query, as sent
    headers: dict[str, str] = field(repr=False, default_factory=dict)


class FakeProvider:
    def __init__(self, answer: str = DEFAULT_ANSWER, seed: int = 7, latency: float = 0.0) -> None:
        self.answer = answer
        self.answers: dict[str, str] = {}
        self.latency = latency
        self.log: list[Logged] = []
        self._queued: dict[str, deque[Fault]] = {}
        self._rates: dict[str, tuple[float, list[Fault]]] = {}
        self._outages: dict[str, tuple[float, float, Fault]] = {}
        self._gathering: dict[str, list[Any]] = {}  # provider -> [count, arrived, asyncio.Event]
        self.connections = 0  # TCP connections accepted
        self.in_flight = 0  # requests read and not yet answered
        self.most_in_flight = 0
        self._random = random.Random(seed)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # -- control ---------------------------------------------------------------------------

    def url(self, provider: str, wire: str = "openai") -> str:
        """Base URL to give the SDK for a fake provider name (`/v1` included for the OpenAI wire)."""
        base = f"http://127.0.0.1:{self.port}/{provider}"
        return f"{base}/v1" if wire == "openai" else base

    def fail(self, provider: str, *faults: Fault) -> None:
        self._queued.setdefault(provider, deque()).extend(faults)

    def fault_rate(self, provider: str, rate: float, faults: list[Fault]) -> None:
        self._rates[provider] = (rate, faults)

    def requests(self, provider: str | None = None) -> list[Logged]:
        return [r for r in list(self.log) if provider is None or r.provider == provider]

    def stats(self) -> dict[str, Any]:
        """Requests seen per provider and when: also for a server running in another process."""
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stats", timeout=10) as response:
            return json.loads(response.read())

    def gather(self, provider: str, count: int) -> None:
        """Hold the next `count` requests to `provider` until all have arrived, then answer them at once."""
        self._gathering[provider] = [count, 0, None]

    def outage(self, provider: str, for_s: float, fault: Fault | None = None, after_s: float = 0.0) -> None:
        """Answer every request to `provider` with `fault` (default: a TCP reset) for `for_s` seconds,
        starting `after_s` from now."""
        start = time.monotonic() + after_s
        self._outages[provider] = (start, start + for_s, fault or Fault("reset"))

    def start(self) -> FakeProvider:
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            self._server = self._loop.run_until_complete(
                asyncio.start_server(self._connection, "127.0.0.1", 0, backlog=4096)
            )
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            self._loop.run_forever()
            self._server.close()
            # End open connections inside the loop, so none closes its socket after the loop is gone.
            pending = asyncio.all_tasks(self._loop)
            for task in pending:
                task.cancel()
            if pending:
                self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self._loop.run_until_complete(self._server.wait_closed())
            self._loop.close()

        self._thread = threading.Thread(target=run, name="fake-provider", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def start_process(self) -> FakeProvider:
        """Serve from a forked process (faults as configured now; no request log): the load test's
        client then has a core of its own instead of sharing the GIL with the server."""
        import multiprocessing

        parent, child = multiprocessing.get_context("fork").Pipe()

        def run() -> None:
            self.start()
            child.send(self.port)
            threading.Event().wait()

        self._process = multiprocessing.get_context("fork").Process(target=run, daemon=True)
        self._process.start()
        self.port = parent.recv()
        return self

    def stop(self) -> None:
        process = getattr(self, "_process", None)
        if process is not None:
            process.kill()
            process.join(10)
            return
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> FakeProvider:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- HTTP ------------------------------------------------------------------------------

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                method, target, _ = line.decode("latin-1").split(" ", 2)
                headers: dict[str, str] = {}
                while (raw := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    key, _, value = raw.decode("latin-1").partition(":")
                    headers[key.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                self.in_flight += 1
                self.most_in_flight = max(self.most_in_flight, self.in_flight)
                try:
                    answered = await self._respond(method, target, body, writer, headers)
                finally:
                    self.in_flight -= 1
                if not answered:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, ValueError, asyncio.CancelledError):
            pass  # a client gone, or the server stopping
        finally:
            writer.close()

    def _fault(self, provider: str) -> Fault | None:
        if provider in self._outages:
            start, end, fault = self._outages[provider]
            if start <= time.monotonic() < end:
                return fault
        queue = self._queued.get(provider)
        if queue:
            return queue.popleft()
        if provider in self._rates:
            rate, faults = self._rates[provider]
            if self._random.random() < rate:
                return self._random.choice(faults)
        return None

    async def _gathered(self, provider: str) -> None:
        gathering = self._gathering.get(provider)
        if gathering is None or gathering[1] >= gathering[0]:
            return
        if gathering[2] is None:
            gathering[2] = asyncio.Event()
        gathering[1] += 1
        if gathering[1] == gathering[0]:
            gathering[2].set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(gathering[2].wait(), 10)

    async def _respond(
        self, method: str, target: str, raw: bytes, writer: asyncio.StreamWriter, headers: dict[str, str]
    ) -> bool:
        path = target.split("?")[0]
        provider, _, rest = path.strip("/").partition("/")
        if rest.startswith("openai/deployments/") and rest.endswith("/chat/completions"):
            rest = "v1/chat/completions"  # Azure OpenAI: /openai/deployments/{deployment}/chat/completions
        if rest == "api/tags":
            return await _send(writer, 200, {"models": [{"name": "llama3.2"}]})
        if provider == "_stats":
            seen: dict[str, list[float]] = {}
            for logged in list(self.log):
                seen.setdefault(logged.provider, []).append(logged.at)
            counts = {name: len(at) for name, at in seen.items()}
            load = {"connections": self.connections, "most_in_flight": self.most_in_flight}
            return await _send(writer, 200, {"requests": counts, "at": seen, **load})
        wire = {"v1/chat/completions": "openai", "v1/messages": "anthropic", "api/chat": "ollama"}.get(rest)
        if wire is None:
            return await _send(writer, 404, {"error": {"message": f"no route {path}"}})
        body = json.loads(raw or b"{}")
        stream = bool(body.get("stream"))
        fault = self._fault(provider)
        self.log.append(
            Logged(
                provider,
                wire,
                body.get("model", ""),
                stream,
                time.monotonic(),
                fault and fault.kind,
                body,
                target,
                headers,
            )
        )
        if self.latency:
            await asyncio.sleep(self.latency)
        await self._gathered(provider)
        if fault is not None:
            if fault.kind == "status":
                extra = {"retry-after": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
                key = headers.get("x-api-key") or headers.get("api-key") or headers.get("authorization", "")
                message = fault.message.replace("{key}", key.removeprefix("Bearer "))
                return await _send(writer, fault.status, _error_body(wire, replace(fault, message=message)), extra)
            if fault.kind == "reset":
                writer.transport.abort()
                return False
            if fault.kind == "malformed":
                garbage = b'{"choices": [ {"message": '
                return await _send_raw(writer, 200, garbage, "text/event-stream" if stream else "application/json")
            if fault.kind == "slow":
                await asyncio.sleep(fault.delay)
        answer = self.answers.get(body.get("model", ""), self.answer)
        prompt_tokens = max(1, len(json.dumps(body.get("messages", []))) // 4)
        words = [w + " " for w in answer.split(" ")]
        words[-1] = words[-1].rstrip()
        if stream:
            return await _stream(writer, wire, body.get("model", ""), words, prompt_tokens, fault)
        if fault is not None and fault.kind == "cut":
            writer.write(b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"id":')
            await writer.drain()
            writer.transport.abort()
            return False
        complete = _complete_body(wire, body.get("model", ""), answer, prompt_tokens, len(words))
        if fault is not None and fault.kind == "truncated":
            complete = _without_answer(wire, complete)
        if fault is not None and fault.kind == "no_usage":  # some compatible servers leave it out
            for field_name in ("usage", "prompt_eval_count", "eval_count"):
                complete.pop(field_name, None)
        return await _send(writer, 200, complete)


def _error_body(wire: str, fault: Fault) -> dict[str, Any]:
    if wire == "anthropic":
        kind = "overloaded_error" if fault.status == 529 else "api_error"
        return {"type": "error", "error": {"type": kind, "message": fault.message}}
    if wire == "ollama":
        return {"error": fault.message}
    return {"error": {"message": fault.message, "type": "server_error", "code": None}}


def _without_answer(wire: str, body: dict[str, Any]) -> dict[str, Any]:
    """A well-formed 200 that holds no answer: no choice, no content block, not done."""
    if wire == "anthropic":
        return {**body, "content": [], "stop_reason": None}
    if wire == "ollama":
        return {**body, "done": False, "message": {"role": "assistant", "content": ""}}
    return {**body, "choices": []}


def _complete_body(wire: str, model: str, answer: str, prompt_tokens: int, output_tokens: int) -> dict[str, Any]:
    if wire == "anthropic":
        return {
            "id": "msg_fake",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [{"type": "text", "text": answer}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": prompt_tokens, "output_tokens": output_tokens},
        }
    if wire == "ollama":
        return {
            "model": model,
            "message": {"role": "assistant", "content": answer},
            "done": True,
            "done_reason": "stop",
            "prompt_eval_count": prompt_tokens,
            "eval_count": output_tokens,
        }
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": output_tokens,
            "total_tokens": prompt_tokens + output_tokens,
        },
    }


async def _send(writer: asyncio.StreamWriter, status: int, body: dict, headers: dict[str, str] | None = None) -> bool:
    return await _send_raw(writer, status, json.dumps(body).encode(), "application/json", headers)


async def _send_raw(
    writer: asyncio.StreamWriter, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None
) -> bool:
    head = f"HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {len(data)}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    writer.write(head.encode() + b"\r\n" + data)
    await writer.drain()
    return True


async def _stream(
    writer: asyncio.StreamWriter, wire: str, model: str, words: list[str], prompt_tokens: int, fault: Fault | None
) -> bool:
    kind = fault.kind if fault is not None else None
    after = fault.after_chunks if fault is not None else 0
    content_type = "application/x-ndjson" if wire == "ollama" else "text/event-stream"
    writer.write(f"HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ntransfer-encoding: chunked\r\n\r\n".encode())

    async def chunk(text: str) -> None:
        data = text.encode()
        writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        await writer.drain()

    def sse(event: str, data: dict) -> str:
        return f"event: {event}\ndata: {json.dumps(data)}\n\n"

    if wire == "anthropic":
        usage = {"input_tokens": prompt_tokens, "output_tokens": 1}
        message = {"id": "msg_fake", "type": "message", "role": "assistant", "model": model, "content": []}
        message.update(stop_reason=None, stop_sequence=None, usage=usage)
        await chunk(sse("message_start", {"type": "message_start", "message": message}))
        block = {"type": "text", "text": ""}
        await chunk(sse("content_block_start", {"type": "content_block_start", "index": 0, "content_block": block}))
    for i, word in enumerate(words):
        if kind == "cut" and i == after:
            writer.transport.abort()
            return False
        if kind == "truncated" and i == after:
            writer.write(b"0\r\n\r\n")  # a clean end of the body, without the terminal event
            await writer.drain()
            return True
        if kind == "bad_event" and i == after:
            bad = {"anthropic": "event: content_block_delta\ndata: {not json\n\n", "ollama": "{not json\n"}
            await chunk(bad.get(wire, "data: {not json\n\n"))
            continue
        if kind == "stall" and i == after and fault is not None:
            await asyncio.sleep(fault.delay)
        if wire == "anthropic":
            delta = {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": word}}
            await chunk(sse("content_block_delta", delta))
        elif wire == "ollama":
            await chunk(
                json.dumps({"model": model, "message": {"role": "assistant", "content": word}, "done": False}) + "\n"
            )
        else:
            data = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": model}
            data["choices"] = [{"index": 0, "delta": {"content": word}, "finish_reason": None}]
            await chunk(f"data: {json.dumps(data)}\n\n")
    if kind == "truncated":
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        return True
    if wire == "anthropic":
        await chunk(sse("content_block_stop", {"type": "content_block_stop", "index": 0}))
        end = {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None}}
        end["usage"] = {"output_tokens": len(words)}
        await chunk(sse("message_delta", end))
        await chunk(sse("message_stop", {"type": "message_stop"}))
    elif wire == "ollama":
        final = {"model": model, "message": {"role": "assistant", "content": ""}, "done": True, "done_reason": "stop"}
        final.update(prompt_eval_count=prompt_tokens, eval_count=len(words))
        await chunk(json.dumps(final) + "\n")
    else:
        done = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": model}
        stop = dict(done, choices=[{"index": 0, "delta": {}, "finish_reason": "stop"}])
        await chunk(f"data: {json.dumps(stop)}\n\n")
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": len(words),
            "total_tokens": prompt_tokens + len(words),
        }
        await chunk(f"data: {json.dumps(dict(done, choices=[], usage=usage))}\n\n")
        await chunk("data: [DONE]\n\n")
    writer.write(b"0\r\n\r\n")
    await writer.drain()
    return True
