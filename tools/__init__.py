"""llmwright's engine: catalog, tokens, cost, selection, gateway and audit.

Installed as `llmwright` from the `tools/` folder; the front doors (CLI and MCP server) are
`llmwright.server`, from `mcp_server/`, thin layers over these packages.
"""

__version__ = "0.1.0"
