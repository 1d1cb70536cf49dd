"""Where llmwright keeps files of its own: one place, so every part agrees.

`LLMWRIGHT_DATA_DIR` (default ~/.local/share/llmwright) holds what must survive: the usage
ledger and a refreshed model table. `LLMWRIGHT_CACHE_DIR` (default $XDG_CACHE_HOME or
~/.cache, then /llmwright) holds what can be rebuilt: the built catalog, cached answers.
"""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    configured = os.environ.get("LLMWRIGHT_DATA_DIR")
    return Path(configured) if configured else Path.home() / ".local" / "share" / "llmwright"


def cache_dir() -> Path:
    configured = os.environ.get("LLMWRIGHT_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "llmwright"


def ledger_path() -> Path:
    """The gateway's usage ledger (JSON lines), unless `[gateway] ledger_path` names another."""
    return data_dir() / "usage.jsonl"
