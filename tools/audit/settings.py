"""Audit configuration: `[tool.llmwright.audit]` in pyproject.toml or `[audit]` in llmwright.toml.

Keys: `select` and `ignore` (rule ids or prefixes such as "LLM1"), `exclude` (gitignore-style
patterns), `severity` (a table of rule id → severity). Command-line options add to these.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from ..errors import InvalidInput
from .model import Severity


class AuditSettings(BaseModel, extra="forbid"):
    select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    severity: dict[str, Severity] = Field(default_factory=dict)


def load_settings(root: Path, config: Path | None = None) -> AuditSettings:
    """The audit settings nearest the audited root (or in `config`), empty when there are none."""
    candidates = [config] if config else [root / "llmwright.toml", root / "pyproject.toml"]
    for file in candidates:
        if file is None or not file.is_file():
            continue
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise InvalidInput(f"cannot read audit settings from {file}: {exc}") from exc
        table = data.get("audit") if file.name == "llmwright.toml" else data.get("tool", {}).get("llmwright", {})
        if file.name == "pyproject.toml" and isinstance(table, dict):
            table = table.get("audit")
        if table is None:
            continue
        try:
            return AuditSettings.model_validate(table)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise InvalidInput(f"invalid audit setting {where} in {file}: {first['msg']}") from exc
    return AuditSettings()
