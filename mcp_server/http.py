"""Streamable HTTP transport that lets in only who belongs.

- Binds 127.0.0.1 by default.
- Refuses to bind a non-loopback address unless `LLMWRIGHT_MCP_TOKEN` is set; when it is
  set, every request must carry `Authorization: Bearer <token>` (checked in constant time).
- Checks Host and Origin on every request (DNS-rebinding protection): only loopback
  origins, plus any given with `--allow-origin`.
Later tools spend the user's API credits and read their repositories; this is why.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from dataclasses import dataclass, field

from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.types import ASGIApp, Receive, Scope, Send

from llmwright.errors import InvalidInput

TOKEN_VARIABLE = "LLMWRIGHT_MCP_TOKEN"
logger = logging.getLogger("llmwright.http")


@dataclass
class HttpOptions:
    host: str = "127.0.0.1"
    port: int = 8765
    extra_origins: list[str] = field(default_factory=list)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def security_settings(options: HttpOptions) -> TransportSecuritySettings:
    hosts = ["127.0.0.1:*", "localhost:*", "[::1]:*", "127.0.0.1", "localhost"]
    origins = ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*", *options.extra_origins]
    if not is_loopback(options.host):
        hosts += [f"{options.host}:*", options.host]
    return TransportSecuritySettings(enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins)


class BearerTokenMiddleware:
    """Every HTTP request must present the configured token."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        presented = dict(scope.get("headers") or []).get(b"authorization", b"")
        if not hmac.compare_digest(presented, self.expected):
            logger.warning("refused an MCP request without a valid bearer token")
            await send(
                {
                    "type": "http.response.start",
                    "status": 401,
                    "headers": [(b"content-type", b"text/plain"), (b"www-authenticate", b"Bearer")],
                }
            )
            await send({"type": "http.response.body", "body": b"missing or wrong bearer token\n"})
            return
        await self.app(scope, receive, send)


def build_http_app(server: MCPServer, options: HttpOptions) -> ASGIApp:
    token = os.environ.get(TOKEN_VARIABLE, "")
    if not is_loopback(options.host) and not token:
        raise InvalidInput(
            f"refusing to serve on {options.host}, which is not a loopback address, without a token: "
            f"set {TOKEN_VARIABLE} (every request must then send 'Authorization: Bearer <token>'), "
            "or bind 127.0.0.1"
        )
    app: ASGIApp = server.streamable_http_app(transport_security=security_settings(options), host=options.host)
    if token:
        app = BearerTokenMiddleware(app, token)
    return app


def serve_http(server: MCPServer, options: HttpOptions) -> None:
    import uvicorn

    app = build_http_app(server, options)
    uvicorn.run(app, host=options.host, port=options.port, log_level="warning")
