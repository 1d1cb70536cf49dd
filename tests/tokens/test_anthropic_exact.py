"""`--exact` asks Anthropic's count-tokens endpoint (here a loopback server speaking its format)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from tests.support.cli import run_cli

CANARY = "sk-ant-canary-0123456789abcdef"


class CountTokensHandler(BaseHTTPRequestHandler):
    seen: ClassVar[list[dict]] = []
    status = 200

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        CountTokensHandler.seen.append(
            {
                "path": self.path,
                "key": self.headers.get("x-api-key") or self.headers.get("authorization", "").removeprefix("Bearer "),
                "body": body,
            }
        )
        if CountTokensHandler.status != 200:
            payload = {"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}}
        else:
            payload = {"input_tokens": 4242}
        data = json.dumps(payload).encode()
        self.send_response(CountTokensHandler.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def anthropic_server():
    CountTokensHandler.seen = []
    CountTokensHandler.status = 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), CountTokensHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_exact_uses_the_count_tokens_api(anthropic_server: str) -> None:
    env = {"ANTHROPIC_API_KEY": CANARY, "ANTHROPIC_BASE_URL": anthropic_server}
    result = run_cli("estimate", "-m", "anthropic:claude-sonnet-4-5", "--exact", "--format", "json", "Hello", env=env)
    assert result.returncode == 0, result.stderr
    tokens = json.loads(result.stdout)["results"][0]["tokens"]
    assert tokens["tokens"] == 4242 and tokens["method"] == "api" and tokens["error_band"] == 0
    (call,) = CountTokensHandler.seen
    assert call["path"] == "/v1/messages/count_tokens"
    assert call["key"] == CANARY
    assert call["body"]["messages"] == [{"role": "user", "content": "Hello"}]
    assert CANARY not in result.stdout + result.stderr


def test_exact_failure_is_one_line_without_the_key(anthropic_server: str) -> None:
    CountTokensHandler.status = 401
    env = {"ANTHROPIC_API_KEY": CANARY, "ANTHROPIC_BASE_URL": anthropic_server}
    result = run_cli("estimate", "-m", "anthropic:claude-sonnet-4-5", "--exact", "Hello", env=env)
    assert result.returncode == 1
    assert "HTTP 401" in result.stderr and "Traceback" not in result.stderr
    assert CANARY not in result.stdout + result.stderr


def test_exact_without_a_key_says_what_to_set() -> None:
    result = run_cli("estimate", "-m", "anthropic:claude-sonnet-4-5", "--exact", "Hello", env={"ANTHROPIC_API_KEY": ""})
    assert result.returncode == 2
    assert "ANTHROPIC_API_KEY" in result.stderr


def test_exact_is_a_no_op_for_models_counted_exactly_offline() -> None:
    result = run_cli(
        "estimate", "-m", "openai:gpt-4o", "--exact", "--format", "json", "Hello", env={"ANTHROPIC_API_KEY": ""}
    )
    assert result.returncode == 0
    assert json.loads(result.stdout)["results"][0]["tokens"]["method"] == "exact"
