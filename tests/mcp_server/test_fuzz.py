"""Malformed and hostile calls over stdio and streamable HTTP: the server never crashes or hangs,
never sends back more than a bounded excerpt of what it was sent, and still answers tools/list.

Over a thousand calls, generated from each tool's own input schema with a fixed seed: wrong
types, values over the `[server]` limits, NUL bytes, lone surrogates, path traversal, nesting
and item bombs, unknown tool, argument, prompt and resource names; plus raw frames that are not
JSON-RPC at all. Offline: the gateway is disabled and no provider key is in the environment.
"""

from __future__ import annotations

import json
import os
import queue
import random
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from mcp_types import ListRootsResult, Root

from tests.support.cli import llmwright_command
from tests.support.ports import free_port, listening

pytestmark = pytest.mark.slow

LIMIT = 100_000  # [server] max_text_bytes for the run: "huge" stays cheap to send
TOKEN = "fuzz-token-0123456789abcdefghij"
REPLY_CHARS = 1_000  # no error message longer than this
CALL_SECONDS = 30  # no single call slower than this: a hang fails the test
BASE: dict[str, dict[str, Any]] = {
    "list_models": {"search": "gpt", "limit": 3},
    "estimate_tokens": {"models": ["openai:gpt-4o-mini"], "text": "hello"},
    "estimate_cost": {"models": ["openai:gpt-4o-mini"], "input_tokens": 100},
    "select_model": {"requirements": {"task": "classify support tickets"}},
    "compare_models": {"models": ["openai:gpt-4o-mini"]},
    "evaluate_models": {"candidates": ["openai:gpt-4o-mini"], "cases": [{"input": "hi", "exact": "hi"}]},
    "audit_repo": {"path": "."},
    "call_llm": {"model": "openai:gpt-4o-mini", "prompt": "hi"},
    "provider_status": {},
    "usage_report": {"since": "7d"},
    "run_prompt": {"template": "executive-summary", "variables": {"findings": "none"}},
    "list_prompt_templates": {},
    "append_session_report": {"agent": "fuzzer", "report": "# fuzz"},
}
HUGE = "A" * (LIMIT + 5_000)
LONG_NAME = "n" * 20_000
STRINGS = [
    "",
    " ",
    "x",
    "nul\x00byte",
    "/etc/passwd\x00.py",
    "../../../../etc/passwd",
    "/etc/shadow",
    "~root/.ssh/id_rsa",
    "..\\..\\windows\\system32",
    "llmwright:../../x",
    "{0}{1}%s%n%x",
    "line\r\nInjected: header",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "openai:" + "g" * 5_000,
    LONG_NAME,
    HUGE,
    "é" * (LIMIT // 2 + 10),  # over the limit in UTF-8 bytes, not in characters
]
VALUES: list[Any] = [None, 0, -1, 10**40, -(10**40), 1.5, float("1e308"), True, [], {}, ["a"], {"a": 1}, [None] * 3]


def nest(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = [value]
    return value


BOMBS: list[Any] = [nest(40), nest(90), list(range(20_000)), {f"k{i}": i for i in range(12_000)}, [HUGE[:60_000]] * 3]


@dataclass
class Call:
    kind: str  # tool | prompt | resource
    name: str
    arguments: dict[str, Any]

    def sent(self) -> list[str]:
        found: list[str] = [self.name]
        stack: list[Any] = [self.arguments]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                found.append(item)
            elif isinstance(item, dict):
                stack.extend([*item.keys(), *item.values()])
            elif isinstance(item, list):
                stack.extend(item)
        return found


def hostile_calls(schemas: dict[str, dict[str, Any]], prompts: list[str], seed: int, count: int) -> list[Call]:
    rng = random.Random(seed)
    calls: list[Call] = []
    for tool, schema in schemas.items():  # every tool: each argument with every kind of wrong value
        base = BASE.get(tool, {})
        for prop in list(schema.get("properties", {})) or ["_"]:
            for value in [*STRINGS, *VALUES, *BOMBS]:
                calls.append(Call("tool", tool, {**base, prop: value}))
        calls.append(Call("tool", tool, {}))  # required arguments missing
        calls.append(Call("tool", tool, {**base, "no_such_argument": 1, LONG_NAME: 2}))
    while len(calls) < count:
        roll = rng.random()
        if roll < 0.55:
            tool = rng.choice(list(schemas))
            props = list(schemas[tool].get("properties", {})) or ["_"]
            arguments = dict(BASE.get(tool, {}))
            for prop in rng.sample(props, k=min(len(props), rng.randint(1, 3))):
                arguments[prop] = rng.choice([*STRINGS, *VALUES, *BOMBS])
            calls.append(Call("tool", tool, arguments))
        elif roll < 0.65:
            calls.append(Call("tool", rng.choice(["", "nope", "list_model", "../call_llm", LONG_NAME, "a\x00b"]), {}))
        elif roll < 0.85:
            name = rng.choice([*prompts, "no-such-prompt", LONG_NAME, "../../etc/passwd", "x\x00y"])
            calls.append(Call("prompt", name, {rng.choice(["findings", "x", LONG_NAME]): rng.choice(STRINGS)}))
        else:
            uri = rng.choice(
                [
                    "llmwright://prompts/" + rng.choice(STRINGS[:17]),
                    "llmwright://catalog/" + rng.choice(["nope", "..", LONG_NAME[:3000]]),
                    "llmwright://session/active",
                    "llmwright://audit/rules",
                    "file:///etc/passwd",
                    "llmwright://" + "z" * 5_000,
                ]
            )
            calls.append(Call("resource", uri, {}))
    return calls


def check_reply(call: Call, text: str, is_error: bool) -> None:
    """An error is one bounded message that repeats no more than an excerpt of any long value sent."""
    if not is_error:
        return
    assert len(text) <= REPLY_CHARS, f"{call.kind} {call.name[:40]!r}: {len(text):,}-character error"
    for value in call.sent():
        if len(value) > 200:
            assert value[:200] not in text, f"{call.kind} {call.name[:40]!r} echoed a long argument"


async def run_calls(client: Client, calls: list[Call]) -> dict[str, int]:
    outcomes = {"ok": 0, "tool error": 0, "protocol error": 0}
    for call in calls:
        with anyio.fail_after(CALL_SECONDS):
            try:
                if call.kind == "tool":
                    result = await client.call_tool(call.name, call.arguments)
                    text = "\n".join(getattr(c, "text", "") for c in result.content)
                    check_reply(call, text, bool(result.is_error))
                    outcomes["tool error" if result.is_error else "ok"] += 1
                elif call.kind == "prompt":
                    await client.get_prompt(call.name, {k: str(v) for k, v in call.arguments.items()})
                    outcomes["ok"] += 1
                else:
                    await client.read_resource(call.name)
                    outcomes["ok"] += 1
            except MCPError as exc:
                check_reply(call, str(exc), True)
                outcomes["protocol error"] += 1
    return outcomes


async def still_serving(client: Client, expected_tools: set[str]) -> None:
    assert {t.name for t in (await client.list_tools()).tools} == expected_tools
    fine = await client.call_tool("estimate_cost", {"models": ["openai:gpt-4o-mini"], "input_tokens": 1000})
    assert not fine.is_error and fine.structured_content["results"][0]["cost"]["per_call_usd"] > 0


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("fuzz")
    project = base / "project"
    (project / "app").mkdir(parents=True)
    (project / "app" / "llm.py").write_text("from openai import OpenAI\nclient = OpenAI()\n", encoding="utf-8")
    config = base / "llmwright.toml"
    config.write_text(
        f'[gateway]\nenabled = false\nledger = false\n[cache]\nbackend = "off"\n[server]\nmax_text_bytes = {LIMIT}\n',
        encoding="utf-8",
    )
    keys = ("KEY", "TOKEN", "SECRET")
    env = {
        k: v for k, v in os.environ.items() if not any(word in k for word in keys) and not k.startswith("LLMWRIGHT_")
    }
    env |= {
        "LLMWRIGHT_CONFIG": str(config),
        "LLMWRIGHT_DATA_DIR": str(base / "data"),
        "LLMWRIGHT_CACHE_DIR": str(base / "cache"),
        "CLAUDE_PROJECT_DIR": str(project),
        "ANTHROPIC_BASE_URL": "http://127.0.0.1:9",  # never the internet, whatever is called
        "OPENAI_BASE_URL": "http://127.0.0.1:9",
    }
    return {"project": project, "env": env}


def roots_of(project: Path):
    async def roots(context) -> ListRootsResult:
        return ListRootsResult(roots=[Root(uri=project.as_uri(), name="project")])

    return roots


@asynccontextmanager
async def stdio_client(world: dict[str, Any]) -> AsyncIterator[Client]:
    command, *args = llmwright_command()
    params = StdioServerParameters(command=command, args=[*args, "serve"], env=world["env"], cwd=str(world["project"]))
    async with Client(params, read_timeout_seconds=CALL_SECONDS, list_roots_callback=roots_of(world["project"])) as c:
        yield c


@pytest.fixture(scope="module")
def http_url(world: dict[str, Any]) -> Iterator[str]:
    port = free_port()
    env = world["env"] | {"LLMWRIGHT_MCP_TOKEN": TOKEN}
    process = subprocess.Popen(
        [*llmwright_command(), "serve", "--transport", "http", "--port", str(port)],
        cwd=world["project"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert listening(port, 60, process), "the HTTP server did not start"
        yield f"http://127.0.0.1:{port}/mcp"
        assert process.poll() is None, "the HTTP server died"
    finally:
        process.terminate()
        process.wait(timeout=10)


async def _tool_schemas(client: Client) -> tuple[dict[str, dict[str, Any]], list[str]]:
    schemas = {t.name: t.input_schema for t in (await client.list_tools()).tools}
    prompts = [p.name for p in (await client.list_prompts()).prompts]
    return schemas, prompts


async def test_hostile_calls_over_stdio(world: dict[str, Any]) -> None:
    async with stdio_client(world) as client:
        schemas, prompts = await _tool_schemas(client)
        calls = hostile_calls(schemas, prompts, seed=13, count=700)
        outcomes = await run_calls(client, calls)
        await still_serving(client, set(schemas))
    assert sum(outcomes.values()) == len(calls) >= 700
    assert outcomes["tool error"] > len(calls) // 2, outcomes


async def test_hostile_calls_over_http(world: dict[str, Any], http_url: str) -> None:
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}, timeout=CALL_SECONDS)
    transport = streamable_http_client(http_url, http_client=http)
    async with http, Client(transport, list_roots_callback=roots_of(world["project"])) as client:
        schemas, prompts = await _tool_schemas(client)
        calls = hostile_calls(schemas, prompts, seed=29, count=300)
        outcomes = await run_calls(client, calls)
        await still_serving(client, set(schemas))
    assert sum(outcomes.values()) == len(calls) >= 300


RAW_FRAMES = [
    b"not json at all",
    b"{",
    b"[]",
    b"[1, 2, 3]",
    b"null",
    b'"a string"',
    b'{"jsonrpc": "1.0", "id": 1, "method": "tools/list"}',
    b'{"jsonrpc": "2.0", "id": {"nested": true}, "method": "tools/list"}',
    b'{"jsonrpc": "2.0", "id": 7, "method": 42}',
    b'{"jsonrpc": "2.0", "id": 8, "method": "tools/call", "params": "not an object"}',
    b'{"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": {"name": 5}}',
    b'{"jsonrpc": "2.0", "id": 10, "method": "no/such/method"}',
    b'{"jsonrpc": "2.0", "method": "notifications/bogus"}',
    b'{"jsonrpc": "2.0", "id": 11, "result": {}}',
    json.dumps({"jsonrpc": "2.0", "id": 12, "method": "x" * 100_000}).encode(),
    b"\xff\xfe\x00garbage",
    # a lone surrogate (valid JSON, not valid UTF-8 once decoded): the client SDK cannot even send it
    rb'{"jsonrpc":"2.0","id":13,"method":"tools/call","params":{"name":"estimate_tokens",'
    rb'"arguments":{"models":["openai:gpt-4o"],"text":"\ud800 lone"}}}',
    # nesting far deeper than a client SDK will serialize
    b'{"jsonrpc":"2.0","id":14,"method":"tools/call","params":{"name":"estimate_tokens","arguments":{"messages":'
    + b"[" * 5_000
    + b"]" * 5_000
    + b"}}}",
]


def test_raw_frames_over_stdio_are_answered_and_it_still_serves(world: dict[str, Any]) -> None:
    """Every request in the stream that has a usable id gets an answer (an SDK would otherwise wait
    forever for it); lines that are not requests are dropped; tools/list still answers."""
    process = subprocess.Popen(
        [*llmwright_command(), "serve"],
        cwd=world["project"],
        env=world["env"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    initialize = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}}
    hello = {"jsonrpc": "2.0", "id": "hello", "method": "initialize", "params": initialize}
    frames = [json.dumps(hello).encode(), b'{"jsonrpc": "2.0", "method": "notifications/initialized"}']
    frames += [*RAW_FRAMES * 4, json.dumps({"jsonrpc": "2.0", "id": "last", "method": "tools/list"}).encode()]
    waiting = {"hello", "last", 1, 7, 8, 9, 10, 12, 13, 14}  # every request with a string or integer id
    replies: list[dict[str, Any]] = []
    lines: queue.Queue[bytes] = queue.Queue()
    try:
        assert process.stdin is not None and process.stdout is not None
        threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
        process.stdin.write(b"\n".join(frames) + b"\n")
        process.stdin.flush()
        deadline = time.monotonic() + 120
        while missing := waiting - {r.get("id") for r in replies}:
            try:
                replies.append(json.loads(lines.get(timeout=max(0.1, deadline - time.monotonic()))))
            except queue.Empty:
                pytest.fail(f"no answer for requests {missing}: a client would wait forever")
        assert process.poll() is None, "the server died"
    finally:
        process.kill()
        process.wait(timeout=10)
    last = next(r for r in replies if r.get("id") == "last")
    assert {t["name"] for t in last["result"]["tools"]} >= set(BASE)
    by_id = {r.get("id"): r for r in replies}
    assert by_id[7]["error"]["code"] == -32600 and "method must be a string" in by_id[7]["error"]["message"]
    assert by_id[8]["error"]["code"] == -32600 and by_id[1]["error"]["code"] == -32600
    assert by_id[13]["result"]["structuredContent"]["results"][0]["tokens"] > 0, "the lone surrogate was replaced"
    assert by_id[14]["error"]["code"] == -32600 and "nested too deeply" in by_id[14]["error"]["message"]
    assert all(len(json.dumps(r)) < 200_000 for r in replies if r.get("id") != "last")
    assert not any("x" * 1_000 in json.dumps(r) for r in replies), "no reply repeats the 100 kB method name"


def test_raw_frames_over_http_then_it_still_answers(http_url: str) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json, text/event-stream"}
    with httpx2.Client(timeout=CALL_SECONDS) as http:
        for frame in RAW_FRAMES * 4:
            for content_type in ("application/json", "text/plain"):
                response = http.post(http_url, content=frame, headers={**headers, "Content-Type": content_type})
                assert response.status_code < 500, (frame[:60], response.status_code, response.text[:200])
                assert len(response.text) < 5_000 and "x" * 1_000 not in response.text
        initialize = {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "raw", "version": "0"},
        }
        hello = http.post(
            http_url,
            json={"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": initialize},
            headers={**headers, "Content-Type": "application/json"},
        )
        assert hello.status_code == 200 and "llmwright" in hello.text
