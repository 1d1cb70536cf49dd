"""llmwright's engine: catalog, tokens, cost, selection, gateway and audit.

The front doors in `mcp_server` (CLI and MCP server) are thin layers over these packages.
"""

__version__ = "0.1.0"
