"""Secrets never leave llmwright: key-shaped strings and the values of key variables are scrubbed.

Every message, log line, cache entry, tool result and session report that could hold text from
a provider, an error or a model passes through `scrub_secrets`. Keys are read from the
environment only; this module knows their variable names (the provider table's, those a config
file adds, and any variable named like a credential), never stores their values.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from .providers import key_variables as table_key_variables

KEY_SHAPED = re.compile(
    r"\b(?:sk-(?:ant-|proj-)?[A-Za-z0-9_\-]{16,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|"
    r"xox[abpr]-[A-Za-z0-9\-]{10,}|AIza[0-9A-Za-z_\-]{35}|hf_[A-Za-z0-9]{30,}|gsk_[A-Za-z0-9]{30,})\b"
)
PLACEHOLDER = "***"
# Variables named like credentials, besides the provider table's key variables.
_SECRET_NAME = re.compile(r"(?:^|_)(?:API_KEY|ACCESS_KEY|SECRET_KEY|PRIVATE_KEY|SECRET|TOKEN|PASSWORD)$")
# Shorter values are too likely to occur in ordinary text to be replaced everywhere.
_MIN_VALUE_LENGTH = 8

_registered: set[str] = set()


def register_key_env(name: str) -> None:
    """Remember a variable a config file names as holding a key, so its value is scrubbed too."""
    if name:
        _registered.add(name)


def key_variables() -> list[str]:
    """Every variable whose value is a secret: the table's, the registered ones, credential-named ones."""
    named = [name for name in os.environ if _SECRET_NAME.search(name.upper())]
    return sorted({*table_key_variables(), *_registered, *named})


def scrub_secrets(text: str, extra_envs: Iterable[str] = ()) -> str:
    """The text with every key value and anything key-shaped replaced by `***`."""
    for name in (*table_key_variables(), *_registered, *extra_envs):
        value = os.environ.get(name)
        if value and len(value) >= _MIN_VALUE_LENGTH:
            text = text.replace(value, PLACEHOLDER)
    return KEY_SHAPED.sub(PLACEHOLDER, text)


def redact_secrets(text: str, variables: Iterable[str] | None = None) -> tuple[str, int]:
    """The text without secrets and how many were removed (`variables` default: `key_variables()`)."""
    before = text.count(PLACEHOLDER)
    scrubbed = scrub_secrets(text, key_variables() if variables is None else variables)
    return scrubbed, max(scrubbed.count(PLACEHOLDER) - before, 0)
