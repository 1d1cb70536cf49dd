"""`llmwright serve`: the MCP server over stdio (default) or streamable HTTP."""

from __future__ import annotations

import click


@click.command("serve")
@click.option("--transport", type=click.Choice(["stdio", "http"]), default="stdio", show_default=True)
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="HTTP bind address; non-loopback needs LLMWRIGHT_MCP_TOKEN"
)
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="HTTP port")
@click.option("--allow-origin", "origins", multiple=True, help="extra browser Origin allowed to call the HTTP server")
@click.option(
    "--allow-root", "roots", multiple=True, type=click.Path(file_okay=False), help="directory audit_repo may read"
)
def serve_command(transport: str, host: str, port: int, origins: tuple[str, ...], roots: tuple[str, ...]) -> None:
    """Serve llmwright's tools, prompts and resources to MCP clients.

    \b
    stdio (Claude Code, Claude Desktop, Cursor):  llmwright serve
    streamable HTTP on 127.0.0.1:                llmwright serve --transport http --port 8765
    """
    from ..http import HttpOptions, serve_http  # the MCP SDK loads only for this command
    from ..server import build_server

    server = build_server(allowed_roots=list(roots))
    if transport == "stdio":
        server.run("stdio")
        return
    serve_http(server, HttpOptions(host=host, port=port, extra_origins=list(origins)))
