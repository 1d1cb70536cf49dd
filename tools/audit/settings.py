"""Audit configuration: `[audit]` in llmwright.toml or `[tool.llmwright.audit]` in pyproject.toml.

Keys: `select` and `ignore` (rule ids or prefixes such as "LLM1"), `exclude` (gitignore-style
patterns), `severity` (a table of rule id -> severity). Command-line options add to these.
The file is found by `llmwright.config`'s one search rule, from the audited root.
"""

from __future__ import annotations

from pathlib import Path

from ..config import AuditConfig, load_config

AuditSettings = AuditConfig


def load_settings(root: Path, config: Path | None = None) -> AuditSettings:
    """The audit settings for the audited root (or in `config`), empty when there are none."""
    return load_config(config, cwd=root).audit
