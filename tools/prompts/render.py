"""Strict rendering: a template gets exactly its declared arguments, or an error naming the odd ones.

Jinja2's `SandboxedEnvironment` (templates may come from a user's directory, so no attribute
access to Python internals) with `StrictUndefined` (a typo is an error, never an empty
string). Structured values (dicts, lists) render as indented JSON, so a metrics object or
an earlier pipeline step's output reads the same to the model as it would to a person.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError, meta
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel

from llmwright.errors import InvalidInput

from .template import PromptTemplate


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, indent=2, ensure_ascii=False, default=str)
    return value


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )


@lru_cache(maxsize=512)
def compiled(source: str) -> Template:
    """Compiling is ~100x the cost of rendering: each template body is compiled once per process."""
    return environment().from_string(source)


class RenderedPrompt(BaseModel):
    """What a template becomes: an optional system prompt and the user message."""

    template: str
    system: str | None = None
    user: str

    def messages(self) -> list[dict[str, str]]:
        return [{"role": "user", "content": self.user}]


def variables_used(source: str, where: str) -> set[str]:
    """Top-level names a Jinja2 source reads, minus the environment's globals (range, dict, …)."""
    env = environment()
    try:
        parsed = env.parse(source)
    except TemplateError as exc:
        raise InvalidInput(f"{where}: template syntax error: {exc}") from exc
    return meta.find_undeclared_variables(parsed) - set(env.globals)


def check_variables(template: PromptTemplate) -> None:
    """The body uses only declared arguments, and every declared argument is used somewhere."""
    from .template import TemplateError as TemplateFileError

    source = template.path or template.name
    try:
        used = variables_used(template.body, source)
        if template.user_message:
            used |= variables_used(template.user_message, f"{source} user_message")
    except InvalidInput as exc:
        raise TemplateFileError(str(exc)) from exc
    declared = {a.name for a in template.arguments}
    undeclared = sorted(used - declared)
    if undeclared:
        raise TemplateFileError(
            f"{source}: the body uses {', '.join(undeclared)} but the frontmatter does not declare "
            f"{'it' if len(undeclared) == 1 else 'them'}; add to arguments"
        )
    unused = sorted(declared - used)
    if unused:
        raise TemplateFileError(f"{source}: argument(s) {', '.join(unused)} are declared but never used in the body")


def check_arguments(template: PromptTemplate, given: Mapping[str, Any]) -> None:
    """Unknown and missing variables, named, with what the template does take."""
    declared = {a.name for a in template.arguments}
    unknown = sorted(set(given) - declared)
    missing = [name for name in template.required if _blank(given.get(name))]
    problems = []
    if unknown:
        problems.append(f"unknown variable(s) {', '.join(unknown)}")
    if missing:
        problems.append(f"missing required variable(s) {', '.join(missing)}")
    if problems:
        takes = ", ".join(f"{a.name}{'' if a.required else '?'}" for a in template.arguments) or "no variables"
        raise InvalidInput(f"template {template.name}: {'; '.join(problems)} (it takes: {takes}; ? = optional)")


def render(template: PromptTemplate, variables: Mapping[str, Any]) -> RenderedPrompt:
    """Render with exactly the declared arguments; optional ones left out take their default."""
    check_arguments(template, variables)
    context = {a.name: variables.get(a.name, a.default) for a in template.arguments}
    try:
        body = compiled(template.body).render(context).strip()
        turn = compiled(template.user_message).render(context).strip() if template.user_message else None
    except TemplateError as exc:
        raise InvalidInput(f"template {template.name}: cannot render: {exc}") from exc
    if template.kind == "system":
        if not turn:
            raise InvalidInput(f"template {template.name}: the user message rendered empty")
        return RenderedPrompt(template=template.name, system=body, user=turn)
    return RenderedPrompt(template=template.name, user=body)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
