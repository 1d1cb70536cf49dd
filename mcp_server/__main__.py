"""`python -m mcp_server` is the `llmwright` command."""

from .cli import main

main()
