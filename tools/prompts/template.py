"""A prompt template: a markdown file whose YAML frontmatter says what it takes and returns.

```markdown
---
name: executive-summary                # the file's stem; lowercase words joined by -
description: One line for a picker
arguments:
  - {name: findings, description: What to summarise, required: true}
output_schema: {type: object, ...}     # optional: the answer is JSON, validated against it
cache_ttl_s: 3600                      # optional: 0 never caches; absent uses [cache] ttl_s
kind: user                             # user (default): the body is the user message
---
Body, with {{ findings }} (Jinja2, strict: every variable must be a declared argument).
```

A `kind: system` template's body is a system prompt; its `user_message` (a one-line
template in the frontmatter) becomes the user turn. Parsing checks everything a run would
trip over later — YAML, fields, the schema itself, the body's variables — and names the
file, so a broken template fails when it is loaded, not when someone pays for a call.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal, Union

import yaml
from jsonschema import SchemaError
from jsonschema.validators import validator_for
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from typing_extensions import TypeAliasType

from llmwright.errors import InvalidInput

NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
FRONTMATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


# Any JSON value, spelled out so every client's schema check sees what it is (a bare `Any` is `{}`).
JsonData = TypeAliasType(
    "JsonData",
    "Union[dict[str, JsonData], list[JsonData], str, int, float, bool, None]",  # noqa: UP007
)


class TemplateError(InvalidInput):
    """A template file is malformed; the message names the file and what to fix."""


class ArgumentSpec(BaseModel):
    """One variable a template takes (an MCP prompt argument)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = Field(min_length=1)
    required: bool = False
    default: JsonData = Field(None, description="value of an optional argument the caller leaves out")

    @field_validator("name")
    @classmethod
    def _identifier(cls, name: str) -> str:
        if not IDENTIFIER.match(name):
            raise ValueError(f"argument name {name!r} must be a Python-style identifier (letters, digits, _)")
        return name


class PromptTemplate(BaseModel):
    """A parsed, validated template; `body` and `user_message` are Jinja2 sources."""

    model_config = ConfigDict(extra="forbid")

    name: str
    title: str | None = None
    description: str = Field(min_length=1)
    arguments: list[ArgumentSpec] = Field(default_factory=list)
    output_schema: dict[str, Any] | None = None
    cache_ttl_s: float | None = Field(None, ge=0)
    kind: Literal["user", "system"] = "user"
    user_message: str | None = Field(None, description="kind: system only: the user turn, e.g. '{{ problem }}'")
    body: str = Field("", exclude=True)
    path: str | None = Field(None, description="the file it was loaded from")

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not NAME.match(name):
            raise ValueError(f"name {name!r} must be lowercase letters, digits and dashes")
        return name

    @field_validator("output_schema")
    @classmethod
    def _schema(cls, schema: dict[str, Any] | None) -> dict[str, Any] | None:
        if schema is not None:
            try:
                validator_for(schema).check_schema(schema)
            except SchemaError as exc:
                raise ValueError(f"not a valid JSON Schema: {exc.message}") from exc
        return schema

    @model_validator(mode="after")
    def _consistent(self) -> PromptTemplate:
        names = [a.name for a in self.arguments]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"arguments declared twice: {', '.join(duplicates)}")
        if self.kind == "system" and not self.user_message:
            raise ValueError("a kind: system template needs user_message (the user turn, e.g. '{{ question }}')")
        if self.kind == "user" and self.user_message:
            raise ValueError("user_message only applies to kind: system templates")
        if not self.body.strip():
            raise ValueError("the template body (after the frontmatter) is empty")
        return self

    def argument(self, name: str) -> ArgumentSpec | None:
        return next((a for a in self.arguments if a.name == name), None)

    @property
    def required(self) -> list[str]:
        return [a.name for a in self.arguments if a.required]


def split_frontmatter(text: str, source: str) -> tuple[dict[str, Any], str]:
    """(frontmatter mapping, body) of a markdown file that starts with a `---` block."""
    match = FRONTMATTER.match(text)
    if match is None:
        raise TemplateError(f"{source}: no frontmatter; the file must start with a '---' line and a closing '---'")
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise TemplateError(f"{source}: frontmatter is not valid YAML: {_one_line(str(exc))}") from exc
    if not isinstance(meta, dict):
        raise TemplateError(f"{source}: frontmatter must be a YAML mapping (name: …, description: …)")
    return meta, text[match.end() :]


def parse_template(text: str, source: str, expected_name: str | None = None) -> PromptTemplate:
    """Parse and check a template's text; `expected_name` (the file stem) must equal its `name`."""
    from .render import check_variables

    meta, body = split_frontmatter(text, source)
    try:
        template = PromptTemplate.model_validate({**meta, "body": body, "path": source})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'frontmatter'}: {str(e['msg']).removeprefix('Value error, ')}"
            for e in exc.errors()
        )
        raise TemplateError(f"{source}: {problems}") from exc
    if expected_name is not None and template.name != expected_name:
        raise TemplateError(f"{source}: name {template.name!r} must match the file name {expected_name!r}")
    check_variables(template)
    return template


def load_template(path: Path) -> PromptTemplate:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: cannot read the template: {exc}") from exc
    return parse_template(text, str(path), expected_name=path.stem)


def _one_line(text: str) -> str:
    return " ".join(text.split())
