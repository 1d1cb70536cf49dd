"""llmwright's front doors: the MCP server and the `llmwright` command line."""
