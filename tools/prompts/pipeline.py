"""Pipelines: templates run in sequence, each step able to use the inputs and earlier steps' outputs.

A pipeline is a YAML file (see prompts/pipelines/ and prompts/README.md):

```yaml
name: metrics-to-briefing
description: Metrics in, an executive briefing out
inputs:                                   # name: description — all required, given as --var
  metrics: Metrics snapshot of the service
model: openai:gpt-4o-mini                 # optional default for every step
steps:
  - id: insights                          # optional; defaults to the template name with _ for -
    template: performance-insights
    vars:
      metrics: "{{ inputs.metrics }}"
  - id: briefing
    template: executive-summary
    model: anthropic:claude-sonnet-4-6    # optional, this step only
    vars:
      findings: "{{ steps.insights.output }}"    # a whole value: passed as the object itself
      audience: "the VP of engineering"
```

Every string in `vars` is a Jinja2 template over `inputs` and `steps.ID.output` (the parsed
JSON of a schema template, else its text) / `steps.ID.text`. A string that is exactly one
`{{ expression }}` passes the value itself (an object stays an object). The whole file is
checked before the first call — templates exist, variables match, references point only
at inputs and earlier steps — so a typo never costs the steps before it.

Model per step: the step's own `model`/`route`, else the caller's (`--model`), else the
pipeline's, else `[prompts]` in the configuration.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from jinja2 import TemplateError, UndefinedError, meta, nodes
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from llmwright.errors import InvalidInput
from llmwright.gateway import Gateway, Usage

from .library import PromptLibrary
from .render import check_arguments, environment
from .result import PipelineResult, PipelineStepResult, Status, add_cost, add_usage
from .run import run_prompt
from .settings import PromptSettings
from .template import IDENTIFIER

WHOLE_EXPRESSION = re.compile(r"^\s*\{\{(?P<expr>(?:(?!\{\{|\}\}).)+)\}\}\s*$", re.DOTALL)
ROOTS = ("inputs", "steps")


class PipelineStep(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = ""
    template: str
    vars: dict[str, Any] = Field(default_factory=dict)
    model: str | None = None
    fallback: list[str] = Field(default_factory=list)
    route: str | None = None

    @model_validator(mode="after")
    def _default_id(self) -> PipelineStep:
        self.id = self.id or self.template.replace("-", "_")
        if not IDENTIFIER.match(self.id):
            raise ValueError(f"step id {self.id!r} must be letters, digits and _ (it is used as steps.ID)")
        return self


class Pipeline(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    inputs: dict[str, str] = Field(default_factory=dict, description="name -> description; all required")
    model: str | None = None
    fallback: list[str] = Field(default_factory=list)
    route: str | None = None
    steps: list[PipelineStep] = Field(min_length=1)
    path: str | None = None

    @model_validator(mode="after")
    def _unique_ids(self) -> Pipeline:
        ids = [s.id for s in self.steps]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"step ids must be unique; repeated: {', '.join(twice)} (give each step an id)")
        return self


def load_pipeline(path: Path, library: PromptLibrary) -> Pipeline:
    """Read, validate and check a pipeline file against the library; errors name the file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: cannot read the pipeline: {exc}") from exc
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path}: not valid YAML: {' '.join(str(exc).split())}") from exc
    if not isinstance(data, dict):
        raise InvalidInput(f"{path}: a pipeline is a YAML mapping with name, inputs and steps")
    data.setdefault("name", path.stem)
    try:
        pipeline = Pipeline.model_validate({**data, "path": str(path)})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'pipeline'}: {str(e['msg']).removeprefix('Value error, ')}"
            for e in exc.errors()
        )
        raise InvalidInput(f"{path}: {problems}") from exc
    check_pipeline(pipeline, library)
    return pipeline


def check_pipeline(pipeline: Pipeline, library: PromptLibrary) -> None:
    """Everything that can be known before a call: templates, variables, references."""
    where = pipeline.path or pipeline.name
    earlier: list[str] = []
    for step in pipeline.steps:
        try:
            template = library.get(step.template)
            check_arguments(template, step.vars)
        except InvalidInput as exc:
            raise InvalidInput(f"{where}: step {step.id}: {exc}") from exc
        for name, value in step.vars.items():
            for text in _strings(value):
                _check_references(text, pipeline, earlier, f"{where}: step {step.id}, var {name}")
        earlier.append(step.id)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _check_references(text: str, pipeline: Pipeline, earlier: list[str], where: str) -> None:
    try:
        parsed = environment().parse(text)
    except TemplateError as exc:
        raise InvalidInput(f"{where}: template syntax error: {exc}") from exc
    free = meta.find_undeclared_variables(parsed) - set(environment().globals)
    unknown = sorted(free - set(ROOTS))
    if unknown:
        raise InvalidInput(f"{where}: unknown name(s) {', '.join(unknown)}; use inputs.NAME or steps.ID.output / .text")
    names = [n for n in parsed.find_all(nodes.Name) if n.ctx == "load" and n.name in ROOTS]
    for root, key in _root_keys(parsed):
        if root == "inputs" and key not in pipeline.inputs:
            declared = ", ".join(pipeline.inputs) or "none"
            raise InvalidInput(f"{where}: inputs.{key} is not a declared input (inputs: {declared})")
        if root == "steps" and key not in earlier:
            hint = f"earlier steps: {', '.join(earlier)}" if earlier else "this is the first step"
            raise InvalidInput(f"{where}: steps.{key} is not an earlier step ({hint})")
    keyed = len(_root_keys(parsed))
    if keyed != len(names):
        raise InvalidInput(f"{where}: refer to values as inputs.NAME or steps.ID.… with literal names")


def _root_keys(parsed: nodes.Template) -> list[tuple[str, str]]:
    """(root, key) for every `inputs.key`, `inputs['key']`, `steps.key`, `steps['key']`."""
    found = []
    for node in parsed.find_all((nodes.Getattr, nodes.Getitem)):
        base = node.node
        if not (isinstance(base, nodes.Name) and base.name in ROOTS):
            continue
        if isinstance(node, nodes.Getattr):
            found.append((base.name, node.attr))
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            found.append((base.name, node.arg.value))
    return found


def resolve_vars(values: Mapping[str, Any], context: Mapping[str, Any], where: str) -> dict[str, Any]:
    return {name: _resolve(value, context, f"{where}, var {name}") for name, value in values.items()}


def _resolve(value: Any, context: Mapping[str, Any], where: str) -> Any:
    if isinstance(value, Mapping):
        return {k: _resolve(v, context, where) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, context, where) for v in value]
    if not isinstance(value, str):
        return value
    env = environment()
    try:
        whole = WHOLE_EXPRESSION.match(value)
        if whole:
            result = env.compile_expression(whole.group("expr"), undefined_to_none=False)(**context)
            str(result)  # a StrictUndefined raises here, with what was missing
            return result
        return env.from_string(value).render(**context)
    except UndefinedError as exc:
        raise InvalidInput(f"{where}: {exc} (earlier steps' results are cached: fix the reference and rerun)") from exc
    except TemplateError as exc:
        raise InvalidInput(f"{where}: {exc}") from exc


def check_inputs(pipeline: Pipeline, given: Mapping[str, Any]) -> None:
    unknown = sorted(set(given) - set(pipeline.inputs))
    missing = [n for n in pipeline.inputs if n not in given or given[n] is None or given[n] == ""]
    problems = []
    if unknown:
        problems.append(f"unknown input(s) {', '.join(unknown)}")
    if missing:
        problems.append(f"missing input(s) {', '.join(missing)}")
    if problems:
        takes = ", ".join(pipeline.inputs) or "no inputs"
        raise InvalidInput(f"pipeline {pipeline.name}: {'; '.join(problems)} (it takes: {takes})")


async def run_pipeline(
    gateway: Gateway,
    pipeline: Pipeline,
    inputs: Mapping[str, Any],
    library: PromptLibrary,
    *,
    model: str | None = None,
    fallback: Sequence[str] = (),
    route: str | None = None,
    settings: PromptSettings | None = None,
    use_cache: bool = True,
) -> PipelineResult:
    """Run every step in order; the first step that is not ok stops the run and sets its status."""
    check_inputs(pipeline, inputs)
    steps: dict[str, dict[str, Any]] = {}
    done: list[PipelineStepResult] = []
    status: Status = "ok"
    reason: str | None = None
    failed: str | None = None
    for step in pipeline.steps:
        where = f"pipeline {pipeline.name}: step {step.id}"
        variables = resolve_vars(step.vars, {"inputs": dict(inputs), "steps": steps}, where)
        if step.model or step.route:
            chain: tuple[str | None, Sequence[str], str | None] = (step.model, step.fallback, step.route)
        elif model or route:
            chain = (model, fallback, route)
        else:
            chain = (pipeline.model, pipeline.fallback, pipeline.route)
        result = await run_prompt(
            gateway,
            library.get(step.template),
            variables,
            model=chain[0],
            fallback=chain[1],
            route=chain[2],
            settings=settings,
            use_cache=use_cache,
        )
        done.append(PipelineStepResult(id=step.id, template=step.template, result=result))
        if not result.ok:
            status, failed = result.status, step.id
            reason = f"step {step.id} ({step.template}): {result.reason}"
            break
        steps[step.id] = {"output": result.output, "text": result.text}
    usage = Usage()
    for item in done:
        usage = add_usage(usage, item.result.usage)
    return PipelineResult(
        pipeline=pipeline.name,
        status=status,
        reason=reason,
        failed_step=failed,
        steps=done,
        outputs={item.id: item.result.output for item in done if item.result.ok},
        usage=usage,
        cost_usd=add_cost([item.result.cost_usd for item in done]),
        latency_ms=round(sum(item.result.latency_ms for item in done), 1),
    )
