"""Secrets never reach a session file: key-shaped strings and the values of key variables go.

Reports are written by models that may have read a `.env` or an error message, and
session files get pasted into tickets and pull requests, so every report, title and
agent name is scrubbed before it touches disk.
"""

from __future__ import annotations

import os
import re

from llmwright.gateway.providers.base import load_presets
from llmwright.gateway.redact import scrub_secrets

# Variables named like credentials, besides every provider preset's key variable.
_SECRET_NAME = re.compile(r"(?:^|_)(?:API_KEY|ACCESS_KEY|SECRET_KEY|PRIVATE_KEY|SECRET|TOKEN|PASSWORD)$")
PLACEHOLDER = "***"


def key_variables() -> list[str]:
    presets = [p.get("api_key_env", "") for p in load_presets().values()]
    named = [name for name in os.environ if _SECRET_NAME.search(name.upper())]
    return sorted({name for name in (*presets, *named) if name})


def redact(text: str, variables: list[str] | None = None) -> tuple[str, int]:
    """The text without secrets, and how many were removed (`variables`: from `key_variables()`)."""
    before = text.count(PLACEHOLDER)
    scrubbed = scrub_secrets(text, key_variables() if variables is None else variables)
    return scrubbed, max(scrubbed.count(PLACEHOLDER) - before, 0)
