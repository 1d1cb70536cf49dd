"""The streamable HTTP transport refuses strangers: no token (loopback too), foreign Origin or Host,
oversized bodies, a public bind without the host names clients use; and one client never reads
another's session."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp_types import ListRootsResult, Root

from llmwright.server.http import HttpOptions, server_token, startup_message
from llmwright.sessions import start_session
from tests.support.cli import ROOT, llmwright_command, run_cli
from tests.support.ports import free_port, listening

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "0"}},
}
HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


@dataclass
class Served:
    url: str
    token: str
    token_file: Path
    startup: str
    log: Path

    def auth(self, scheme: str = "Bearer") -> dict[str, str]:
        return {**HEADERS, "Authorization": f"{scheme} {self.token}"}

    def logged(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A server started as a user would, with no token configured: it makes one."""
    data = tmp_path_factory.mktemp("http-data")
    log = data / "server.log"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "LLMWRIGHT_MCP_TOKEN"} | {"LLMWRIGHT_DATA_DIR": str(data)}
    command = [*llmwright_command(), "serve", "--transport", "http", "--port", str(port)]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [*command, "--allow-host", "mcp.example.test"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=sink
        )
        try:
            if not listening(port, 60, process):
                pytest.fail(f"server did not start: {log.read_text()}")
            token_file = data / "mcp-token"
            startup = log.read_text(encoding="utf-8")
            yield Served(f"http://127.0.0.1:{port}/mcp", token_file.read_text().strip(), token_file, startup, log)
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_startup_says_where_and_the_token_is_private(served: Served) -> None:
    assert f"llmwright MCP server on {served.url}" in served.startup
    assert f"the token is in {served.token_file}" in served.startup
    assert served.token not in served.startup, "the token itself is never printed"
    assert stat.S_IMODE(served.token_file.stat().st_mode) == 0o600
    assert len(served.token) >= 40


def test_no_token_on_loopback_is_refused_and_logged_with_the_address(served: Served) -> None:
    response = httpx2.post(served.url, json=INITIALIZE, headers=HEADERS, timeout=10)
    assert response.status_code == 401 and response.headers["www-authenticate"].startswith("Bearer")
    assert re.search(r"refused an MCP request from 127\.0\.0\.1:\d+: no bearer token", served.logged())


def test_a_wrong_token_is_refused(served: Served) -> None:
    for header in ("Bearer nope", f"Basic {served.token}", served.token, f"Bearer {served.token}x"):
        response = httpx2.post(served.url, json=INITIALIZE, headers={**HEADERS, "Authorization": header}, timeout=10)
        assert response.status_code == 401, header
    assert "a wrong bearer token" in served.logged()


def test_the_scheme_is_case_insensitive(served: Served) -> None:
    for scheme in ("Bearer", "bearer", "BEARER"):
        response = httpx2.post(served.url, json=INITIALIZE, headers=served.auth(scheme), timeout=10)
        assert response.status_code == 200, scheme
        assert "llmwright" in response.text


def test_foreign_origin_and_host_are_refused_and_logged(served: Served) -> None:
    origin = httpx2.post(
        served.url, json=INITIALIZE, headers={**served.auth(), "Origin": "https://evil.example"}, timeout=10
    )
    assert origin.status_code == 403
    host = httpx2.post(served.url, json=INITIALIZE, headers={**served.auth(), "Host": "evil.example:80"}, timeout=10)
    assert host.status_code == 421
    log = served.logged()
    assert re.search(r"refused an MCP request from 127\.0\.0\.1:\d+: status 403 .*Origin 'https://evil\.example'", log)
    assert re.search(r"refused an MCP request from 127\.0\.0\.1:\d+: status 421 \(Host 'evil\.example:80'", log)


def test_an_allowed_host_gets_in(served: Served) -> None:
    port = served.url.split(":")[2].split("/")[0]
    response = httpx2.post(
        served.url, json=INITIALIZE, headers={**served.auth(), "Host": f"mcp.example.test:{port}"}, timeout=10
    )
    assert response.status_code == 200


def test_a_body_over_the_limit_is_refused_before_it_is_read(served: Served) -> None:
    huge = json.dumps({**INITIALIZE, "params": {**INITIALIZE["params"], "padding": "x" * 9_500_000}})
    response = httpx2.post(served.url, content=huge, headers=served.auth(), timeout=30)
    assert response.status_code == 413
    assert re.search(r"refused an MCP request from 127\.0\.0\.1:\d+: a body of 9,5\d\d,\d+ bytes", served.logged())


def _roots(folder: Path):
    async def roots(context) -> ListRootsResult:
        return ListRootsResult(roots=[Root(uri=folder.as_uri(), name="project")])

    return roots


async def _session_seen_by(served: Served, project: Path, append: str | None = None) -> str:
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {served.token}"}, timeout=30)
    async with (
        http,
        Client(streamable_http_client(served.url, http_client=http), list_roots_callback=_roots(project)) as c,
    ):
        if append:
            done = await c.call_tool("append_session_report", {"agent": "llm-ml-engineer", "report": append})
            assert not done.is_error, done.content
        return (await c.read_resource("llmwright://session/active")).contents[0].text


async def test_each_client_reads_its_own_session(served: Served, tmp_path: Path) -> None:
    alice, bob = tmp_path / "alice", tmp_path / "bob"
    for project in (alice, bob):
        project.mkdir()
        start_session(project, project.name)
    seen_by_alice = await _session_seen_by(served, alice, append="# Alice's private findings")
    seen_by_bob = await _session_seen_by(served, bob)  # after Alice's append: the old server showed hers
    assert "# Session: alice" in seen_by_alice and "Alice's private findings" in seen_by_alice
    assert "# Session: bob" in seen_by_bob and "Alice" not in seen_by_bob


def test_a_public_bind_needs_the_host_names_and_says_tls(tmp_path: Path) -> None:
    refused = run_cli("serve", "--transport", "http", "--host", "0.0.0.0", env={"LLMWRIGHT_DATA_DIR": str(tmp_path)})
    assert refused.returncode == 2 and "--allow-host" in refused.stderr and "Traceback" not in refused.stderr
    token = server_token(tmp_path)
    said = startup_message(HttpOptions(host="0.0.0.0", allowed_hosts=["mcp.example.com"]), token)
    assert "clear text" in said and "TLS" in said and "mcp.example.com" in said
    assert "clear text" not in startup_message(HttpOptions(), token)


def test_the_token_is_kept_and_a_readable_token_file_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("LLMWRIGHT_MCP_TOKEN", raising=False)
    first, again = server_token(tmp_path), server_token(tmp_path)
    assert first == again and first.where == str(tmp_path / "mcp-token")
    (tmp_path / "mcp-token").chmod(0o644)
    with pytest.raises(Exception, match="readable by other users"):
        server_token(tmp_path)
    monkeypatch.setenv("LLMWRIGHT_MCP_TOKEN", "chosen-token")
    assert server_token(tmp_path).value == "chosen-token"
    assert "LLMWRIGHT_MCP_TOKEN" in server_token(tmp_path).where


if sys.platform == "win32":  # file modes: POSIX only
    pytestmark = pytest.mark.skip("token file modes are POSIX")
