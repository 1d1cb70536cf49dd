"""`llmwright serve`: the MCP server over stdio (default) or streamable HTTP."""

from __future__ import annotations

import click


@click.command("serve")
@click.option("--transport", type=click.Choice(["stdio", "http"]), default="stdio", show_default=True)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="HTTP bind address; another than loopback serves other machines (with --allow-host)",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="HTTP port")
@click.option("--allow-origin", "origins", multiple=True, help="extra browser Origin allowed to call the HTTP server")
@click.option(
    "--allow-host",
    "hosts",
    multiple=True,
    help="a Host name remote clients use (e.g. mcp.example.com); put TLS in front: the token is sent in every request",
)
@click.option(
    "--allow-root", "roots", multiple=True, type=click.Path(file_okay=False), help="directory audit_repo may read"
)
def serve_command(
    transport: str, host: str, port: int, origins: tuple[str, ...], hosts: tuple[str, ...], roots: tuple[str, ...]
) -> None:
    """Serve llmwright's tools, prompts and resources to MCP clients.

    \b
    stdio (Claude Code, Claude Desktop, Cursor):  llmwright serve
    streamable HTTP on 127.0.0.1:                llmwright serve --transport http --port 8765
    Every HTTP request needs 'Authorization: Bearer <token>': LLMWRIGHT_MCP_TOKEN, or the token
    generated on first use in the data directory (startup prints where).
    """
    from ..http import BODY_SLACK, HttpOptions, serve_http  # the MCP SDK loads only for this command
    from ..server import build_server
    from ..state import ServerState

    state = ServerState.create(list(roots))
    server = build_server(state=state)
    if transport == "stdio":
        server.run("stdio")
        return
    options = HttpOptions(
        host=host,
        port=port,
        extra_origins=list(origins),
        allowed_hosts=list(hosts),
        max_body_bytes=state.limits().max_request_bytes + BODY_SLACK,
    )
    serve_http(server, options)
