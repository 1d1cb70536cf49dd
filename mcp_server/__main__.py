"""`python -m llmwright.server` is the `llmwright` command."""

from .cli import main

main()
