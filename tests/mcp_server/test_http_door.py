"""The HTTP door at its edges, in process: the app `llmwright serve --transport http` runs, without a port.

test_http_security.py starts the real server as a user would; these tests drive the same app
(`build_http_app`) through Starlette's test client, so each edge (a body exactly at the limit,
the Host names a bind admits, the token file's modes) costs milliseconds.
"""

from __future__ import annotations

import json
import logging
import re
import stat
import sys
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from llmwright.errors import InvalidInput
from llmwright.server.http import HttpOptions, Token, build_http_app, server_token, startup_message
from llmwright.server.server import build_server

TOKEN = Token("door-token-0000", "the test")
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "0"}},
}
HEADERS = {
    "Accept": "application/json, text/event-stream",
    "Content-Type": "application/json",
    "Authorization": f"Bearer {TOKEN.value}",
}
LIMIT = 2_000


def client(**options) -> TestClient:
    app = build_http_app(build_server(), HttpOptions(**({"max_body_bytes": LIMIT} | options)), TOKEN)
    return TestClient(app, base_url="http://127.0.0.1:8765")


@pytest.fixture(scope="module")
def door() -> Iterator[TestClient]:
    with client() as served:
        yield served


def initialize_of(size: int) -> bytes:
    """An initialize request of exactly `size` bytes."""
    empty = json.dumps({**INITIALIZE, "params": {**INITIALIZE["params"], "padding": ""}}).encode()
    body = json.dumps({**INITIALIZE, "params": {**INITIALIZE["params"], "padding": "x" * (size - len(empty))}})
    assert len(body) == size
    return body.encode()


def in_chunks(body: bytes) -> Iterator[bytes]:
    """Sent without a Content-Length, as a chunked upload is."""
    half = len(body) // 2
    yield body[:half]
    yield body[half:]


def test_only_the_bearer_token_gets_in_and_every_refusal_is_logged(door: TestClient, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="llmwright.http"):
        for scheme in ("Bearer", "bearer", "BEARER"):
            assert (
                door.post(
                    "/mcp", json=INITIALIZE, headers={**HEADERS, "Authorization": f"{scheme} {TOKEN.value}"}
                ).status_code
                == 200
            )
        assert "refused" not in caplog.text
        missing = door.post("/mcp", json=INITIALIZE, headers={k: v for k, v in HEADERS.items() if k != "Authorization"})
        assert missing.status_code == 401 and missing.headers["www-authenticate"] == 'Bearer realm="llmwright"'
        assert "refused an MCP request from testclient:50000: no bearer token" in caplog.text
        for wrong in ("Bearer nope", f"Basic {TOKEN.value}", TOKEN.value, f"Bearer {TOKEN.value}x", "Bearer"):
            refused = door.post("/mcp", json=INITIALIZE, headers={**HEADERS, "Authorization": wrong})
            assert refused.status_code == 401 and refused.text == "missing or wrong bearer token\n", wrong
    assert "a wrong bearer token" in caplog.text


def test_a_body_exactly_at_the_limit_gets_in_and_one_byte_more_is_refused_unread(door: TestClient) -> None:
    assert door.post("/mcp", content=initialize_of(LIMIT), headers=HEADERS).status_code == 200
    assert door.post("/mcp", content=initialize_of(LIMIT + 1), headers=HEADERS).status_code == 413


def test_a_chunked_body_is_cut_off_one_byte_past_the_limit(door: TestClient, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="llmwright.http"):
        assert door.post("/mcp", content=in_chunks(initialize_of(LIMIT)), headers=HEADERS).status_code == 200
        assert "a body over" not in caplog.text
        cut = door.post("/mcp", content=in_chunks(initialize_of(LIMIT + 1)), headers=HEADERS)
    assert cut.status_code != 200
    assert f"a body over {LIMIT} bytes" in caplog.text


def test_a_refused_host_or_origin_is_logged_cut_to_100_characters(door: TestClient, caplog) -> None:
    long_origin, long_host = "https://" + "o" * 200 + ".example", "h" * 200 + ".example"
    with caplog.at_level(logging.WARNING, logger="llmwright.http"):
        assert door.post("/mcp", json=INITIALIZE, headers={**HEADERS, "Origin": long_origin}).status_code == 403
        assert door.post("/mcp", json=INITIALIZE, headers={**HEADERS, "Host": long_host}).status_code == 421
    assert f"Origin {long_origin[:100]!r}" in caplog.text
    assert f"(Host {long_host[:100]!r}" in caplog.text


def status_with_host(header: str, **options) -> int:
    with client(**options) as served:
        return served.post("/mcp", json=INITIALIZE, headers={**HEADERS, "Host": header}).status_code


def test_a_server_bound_to_one_address_answers_to_that_address() -> None:
    assert status_with_host("10.0.0.5:8765", host="10.0.0.5") == 200
    assert status_with_host("10.0.0.6:8765", host="10.0.0.5") == 421


def test_a_server_on_every_address_never_answers_to_host_0_0_0_0() -> None:
    """Browsers reach 0.0.0.0 as if it were this machine: that Host must not get in."""
    assert status_with_host("0.0.0.0:8765", host="0.0.0.0", allowed_hosts=["mcp.example.test"]) == 421
    assert status_with_host("mcp.example.test:8765", host="0.0.0.0", allowed_hosts=["mcp.example.test"]) == 200


def test_an_allowed_ipv6_host_without_a_port_gets_in_on_any_port() -> None:
    assert status_with_host("[fd00::1]:8765", host="0.0.0.0", allowed_hosts=["[fd00::1]"]) == 200
    assert status_with_host("[fd00::1]:8765", host="0.0.0.0", allowed_hosts=["[fd00::1]:9000"]) == 421


def test_every_address_needs_the_host_names_clients_use() -> None:
    for host, said in (("0.0.0.0", "serving on 0.0.0.0 "), ("", "serving on every address ")):
        with pytest.raises(InvalidInput, match="--allow-host") as refused:
            build_http_app(build_server(), HttpOptions(host=host), TOKEN)
        assert str(refused.value).startswith(said)
    build_http_app(build_server(), HttpOptions(host="::", allowed_hosts=["mcp.example.test"]), TOKEN)
    build_http_app(build_server(), HttpOptions(), TOKEN)  # loopback needs no names


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_binds_start_without_the_clear_text_warning(host: str) -> None:
    assert "warning" not in startup_message(HttpOptions(host=host), TOKEN)


@pytest.mark.parametrize(
    ("options", "names"),
    [
        (HttpOptions(host="10.0.0.5"), "Host: 10.0.0.5)"),
        (HttpOptions(host="mcp.example.test"), "Host: mcp.example.test)"),
        (HttpOptions(host="0.0.0.0", allowed_hosts=["a.example", "b.example"]), "Host: a.example, b.example)"),
    ],
)
def test_other_binds_warn_that_the_token_travels_in_clear_text(options: HttpOptions, names: str) -> None:
    said = startup_message(options, TOKEN)
    assert "warning: serving other machines" in said and names in said and "TLS" in said


def test_a_generated_token_is_256_random_bits_in_a_new_data_directory(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("LLMWRIGHT_MCP_TOKEN", raising=False)
    token = server_token(tmp_path / "not" / "yet")
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token.value)  # 32 bytes, URL-safe base64
    assert stat.S_IMODE((tmp_path / "not" / "yet" / "mcp-token").stat().st_mode) == 0o600


def test_the_token_file_is_kept_and_an_empty_one_is_refused(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("LLMWRIGHT_MCP_TOKEN", raising=False)
    first = server_token(tmp_path)
    assert server_token(tmp_path) == first  # the next start reads the same token
    (tmp_path / "mcp-token").write_text("\n")
    with pytest.raises(InvalidInput, match="is empty: delete it"):
        server_token(tmp_path)


@pytest.mark.parametrize(
    ("host", "url"), [("::1", "http://[::1]:8765/mcp"), ("127.0.0.1", "http://127.0.0.1:8765/mcp")]
)
def test_startup_names_the_url_to_connect_to(host: str, url: str) -> None:
    assert startup_message(HttpOptions(host=host), TOKEN).startswith(f"llmwright MCP server on {url}\n")


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o610, 0o601, 0o620, 0o602])
def test_a_token_file_any_other_user_can_touch_is_refused(tmp_path, monkeypatch, mode: int) -> None:
    monkeypatch.delenv("LLMWRIGHT_MCP_TOKEN", raising=False)
    server_token(tmp_path)
    (tmp_path / "mcp-token").chmod(mode)
    with pytest.raises(InvalidInput, match=f"mode {mode:o}"):
        server_token(tmp_path)


if sys.platform == "win32":  # file modes: POSIX only
    pytestmark = pytest.mark.skip("token file modes are POSIX")
