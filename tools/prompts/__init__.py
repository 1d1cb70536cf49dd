"""The prompt library: templates in `prompts/` (markdown + frontmatter), rendered strictly and run.

from llmwright.prompts import load_library, run_prompt

async with Gateway() as gateway:
    result = await run_prompt(gateway, "executive-summary", {"findings": text}, model="openai:gpt-4o-mini")
    if result.ok:
        print(result.output["headline"])
"""

from .library import PromptLibrary, TemplateList, describe, load_library, search_dirs
from .output import check_output
from .pipeline import Pipeline, PipelineStep, load_pipeline, run_pipeline
from .render import RenderedPrompt, render
from .result import PipelineResult, PipelineStepResult, PromptCall, PromptRunResult
from .run import build_request, run_prompt, stream_prompt
from .settings import PromptSettings, load_prompt_settings
from .template import ArgumentSpec, PromptTemplate, TemplateError, load_template, parse_template

__all__ = [
    "ArgumentSpec",
    "Pipeline",
    "PipelineResult",
    "PipelineStep",
    "PipelineStepResult",
    "PromptCall",
    "PromptLibrary",
    "PromptRunResult",
    "PromptSettings",
    "PromptTemplate",
    "RenderedPrompt",
    "TemplateError",
    "TemplateList",
    "build_request",
    "check_output",
    "describe",
    "load_library",
    "load_pipeline",
    "load_prompt_settings",
    "load_template",
    "parse_template",
    "render",
    "run_pipeline",
    "run_prompt",
    "search_dirs",
    "stream_prompt",
]
