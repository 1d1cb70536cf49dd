"""The streamable HTTP transport refuses strangers: missing token, foreign Origin, public bind."""

from __future__ import annotations

import os
import socket
import subprocess
import time

import httpx2
import pytest

from tests.support.cli import ROOT, llmwright_command

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "0"}},
}
HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
TOKEN = "test-token-7f3a9c"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def http_server():
    port = _free_port()
    env = {**os.environ, "LLMWRIGHT_MCP_TOKEN": TOKEN}
    process = subprocess.Popen(
        [*llmwright_command(), "serve", "--transport", "http", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"server exited: {process.stderr.read().decode()}")
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}/mcp"
    process.terminate()
    process.wait(timeout=10)


def test_request_without_token_is_refused(http_server: str) -> None:
    response = httpx2.post(http_server, json=INITIALIZE, headers=HEADERS, timeout=10)
    assert response.status_code == 401


def test_request_with_wrong_token_is_refused(http_server: str) -> None:
    response = httpx2.post(
        http_server, json=INITIALIZE, headers={**HEADERS, "Authorization": "Bearer nope"}, timeout=10
    )
    assert response.status_code == 401


def test_foreign_origin_is_refused(http_server: str) -> None:
    headers = {**HEADERS, "Authorization": f"Bearer {TOKEN}", "Origin": "https://evil.example"}
    response = httpx2.post(http_server, json=INITIALIZE, headers=headers, timeout=10)
    assert response.status_code == 403


def test_token_and_local_origin_are_let_in(http_server: str) -> None:
    headers = {**HEADERS, "Authorization": f"Bearer {TOKEN}", "Origin": "http://localhost:3000"}
    response = httpx2.post(http_server, json=INITIALIZE, headers=headers, timeout=10)
    assert response.status_code == 200
    assert "llmwright" in response.text
