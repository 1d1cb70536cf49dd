"""Streamable HTTP transport that lets in only who belongs.

Tools here spend the user's API credits and write session reports, so every request needs
`Authorization: Bearer <token>`, on loopback too (any local process or user could call it
otherwise). The token is `LLMWRIGHT_MCP_TOKEN` when set, else one generated on first use and
kept in the data directory (mode 0600); startup says where. The server binds 127.0.0.1;
another address serves other machines only with the Host names they use (`--allow-host`),
and a warning that plain HTTP carries the token in clear text (put TLS in front). Host and
Origin are checked on every request (DNS-rebinding protection), a body over the request
limit is refused before it is read, and every refusal is logged with the client's address.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import secrets
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from llmwright.errors import InvalidInput
from llmwright.paths import data_dir

TOKEN_VARIABLE = "LLMWRIGHT_MCP_TOKEN"
TOKEN_FILE = "mcp-token"
BODY_SLACK = 1_000_000  # JSON-RPC framing around the arguments [server] max_request_bytes bounds
logger = logging.getLogger("llmwright.http")


@dataclass
class HttpOptions:
    host: str = "127.0.0.1"
    port: int = 8765
    extra_origins: list[str] = field(default_factory=list)
    allowed_hosts: list[str] = field(default_factory=list)  # Host header names remote clients use
    max_body_bytes: int = 8_000_000 + BODY_SLACK


@dataclass(frozen=True)
class Token:
    value: str
    where: str  # for the startup message: the file, or the environment variable


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_wildcard(host: str) -> bool:
    return host.strip("[]") in ("0.0.0.0", "::", "")


def server_token(directory: Path | None = None) -> Token:
    """`LLMWRIGHT_MCP_TOKEN`, else the token file in the data directory, created (mode 0600) on first use."""
    configured = os.environ.get(TOKEN_VARIABLE, "").strip()
    if configured:
        return Token(configured, f"the {TOKEN_VARIABLE} environment variable")
    path = (directory or data_dir()) / TOKEN_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise InvalidInput(
                f"{path} is readable by other users (mode {mode:o}): run `chmod 600 {path}`, "
                "or delete it for a new token"
            ) from None
        value = path.read_text(encoding="utf-8").strip()
        if not value:
            raise InvalidInput(f"{path} is empty: delete it and a new token is made on the next start") from None
        return Token(value, str(path))
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        value = secrets.token_urlsafe(32)
        handle.write(value + "\n")
    return Token(value, str(path))


def security_settings(options: HttpOptions) -> TransportSecuritySettings:
    hosts = ["127.0.0.1:*", "localhost:*", "[::1]:*", "127.0.0.1", "localhost", "[::1]"]
    origins = ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*", *options.extra_origins]
    named = list(options.allowed_hosts)
    if not is_loopback(options.host) and not is_wildcard(options.host):
        named.append(options.host)
    for host in named:
        has_port = "]:" in host if host.startswith("[") else ":" in host
        hosts += [host] if has_port else [host, f"{host}:*"]
    return TransportSecuritySettings(enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins)


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else "an unknown address"


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


class Doorman:
    """Token, body size and refusal log around the MCP app: nothing reaches it without the token."""

    def __init__(self, app: ASGIApp, token: str, max_body_bytes: int) -> None:
        self.app = app
        self.token = token.encode()
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scheme, _, presented = _header(scope, b"authorization").strip().partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(presented.strip().encode(), self.token):
            why = "no bearer token" if not presented else "a wrong bearer token"
            await self._refuse(scope, send, 401, f"{why}", b"missing or wrong bearer token\n")
            return
        length = _header(scope, b"content-length")
        if length.isdigit() and int(length) > self.max_body_bytes:
            await self._refuse(scope, send, 413, f"a body of {int(length):,} bytes", b"request body too large\n")
            return
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body_bytes:  # a chunked body that grew past the limit: cut it off
                logger.warning(
                    "refused an MCP request from %s: a body over %s bytes", _client(scope), self.max_body_bytes
                )
                return {"type": "http.disconnect"}
            return message

        async def logged_send(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in (403, 421):
                host, origin = _header(scope, b"host")[:100], _header(scope, b"origin")[:100]
                logger.warning(
                    "refused an MCP request from %s: status %s (Host %r, Origin %r; see --allow-host, --allow-origin)",
                    _client(scope),
                    message["status"],
                    host,
                    origin,
                )
            await send(message)

        await self.app(scope, bounded_receive, logged_send)

    async def _refuse(self, scope: Scope, send: Send, status: int, why: str, body: bytes) -> None:
        logger.warning("refused an MCP request from %s: %s", _client(scope), why)
        headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]
        if status == 401:
            headers.append((b"www-authenticate", b'Bearer realm="llmwright"'))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def build_http_app(server: MCPServer, options: HttpOptions, token: Token) -> ASGIApp:
    if is_wildcard(options.host) and not options.allowed_hosts:
        raise InvalidInput(
            f"serving on {options.host or 'every address'} reaches other machines only through the Host names they "
            "use: name them with --allow-host NAME (e.g. --allow-host mcp.example.com), or bind 127.0.0.1"
        )
    app = server.streamable_http_app(transport_security=security_settings(options), host=options.host)
    return Doorman(app, token.value, options.max_body_bytes)


def startup_message(options: HttpOptions, token: Token) -> str:
    shown = f"[{options.host}]" if ":" in options.host else options.host
    lines = [
        f"llmwright MCP server on http://{shown}:{options.port}/mcp",
        f"every request needs 'Authorization: Bearer <token>'; the token is in {token.where}",
    ]
    if not is_loopback(options.host):
        names = ", ".join(options.allowed_hosts) or options.host
        lines.append(
            f"warning: serving other machines (Host: {names}) over plain HTTP, where the bearer token travels in "
            "clear text: put a TLS-terminating proxy in front and let clients reach it over HTTPS only"
        )
    return "\n".join(lines)


def serve_http(server: MCPServer, options: HttpOptions) -> None:
    import uvicorn

    token = server_token()
    app = build_http_app(server, options, token)
    print(startup_message(options, token), file=sys.stderr, flush=True)
    uvicorn.run(app, host=options.host, port=options.port, log_level="warning")
