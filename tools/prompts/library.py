"""Where templates are found: your directories first, then the repository's, then the wheel's copy.

Search order (the first file with a name wins, so a user can override a built-in):
1. directories given by the caller (`--prompts-dir`), then `LLMWRIGHT_PROMPTS_DIR`
   (several separated by the OS path separator), then `dirs` under `[prompts]` in the config;
2. `prompts/` of the source checkout this package runs from;
3. `llmwright/prompts/bundled/`, the copy a wheel carries (`prompts/` mapped by pyproject's package-dir).

Templates are `*.md` files other than README.md directly in a directory; pipelines are
`*.yaml`/`*.yml` files in its `pipelines/` subdirectory.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from llmwright.errors import InvalidInput

from .template import PromptTemplate, TemplateError, load_template

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGED = PACKAGE_DIR / "bundled"
CHECKOUT_ROOT = PACKAGE_DIR.parents[1]
PIPELINE_SUFFIXES = (".yaml", ".yml")


def builtin_dirs() -> list[Path]:
    """The checkout's `prompts/` (only in a source tree: its pyproject.toml beside it) and the wheel's copy."""
    dirs = []
    if (CHECKOUT_ROOT / "pyproject.toml").is_file() and (CHECKOUT_ROOT / "prompts").is_dir():
        dirs.append(CHECKOUT_ROOT / "prompts")
    if PACKAGED.is_dir():
        dirs.append(PACKAGED)
    return dirs


def search_dirs(extra: Iterable[str | Path] = (), configured: Iterable[str | Path] = ()) -> list[Path]:
    """`extra` (the caller's), then LLMWRIGHT_PROMPTS_DIR, then `configured` ([prompts] dirs), then built-ins."""
    env = [p for p in os.environ.get("LLMWRIGHT_PROMPTS_DIR", "").split(os.pathsep) if p.strip()]
    ordered: list[Path] = []
    for raw in [*extra, *env, *configured]:
        path = Path(raw).expanduser()
        if not path.is_dir():
            raise InvalidInput(f"prompts directory {raw} does not exist or is not a directory")
        ordered.append(path)
    ordered += builtin_dirs()
    unique: list[Path] = []
    for path in ordered:
        if path.resolve() not in {p.resolve() for p in unique}:
            unique.append(path)
    return unique


class PromptLibrary:
    """Every template in the search directories, parsed once; broken files are kept as `problems`.

    One malformed file in a user's directory must not hide the others (the MCP server still
    serves those), but asking for it by name raises its error, which names the file.
    """

    def __init__(self, dirs: Sequence[Path]) -> None:
        self.dirs = list(dirs)
        self.templates: dict[str, PromptTemplate] = {}
        self.problems: dict[str, TemplateError] = {}
        self.pipelines: dict[str, Path] = {}
        for directory in self.dirs:
            for path in sorted(directory.glob("*.md")):
                if path.name.lower() == "readme.md" or path.stem in self.templates or path.stem in self.problems:
                    continue
                try:
                    self.templates[path.stem] = load_template(path)
                except TemplateError as exc:
                    self.problems[path.stem] = exc
            for path in sorted((directory / "pipelines").glob("*")):
                if path.suffix in PIPELINE_SUFFIXES and path.stem not in self.pipelines:
                    self.pipelines[path.stem] = path

    def names(self) -> list[str]:
        return sorted(self.templates)

    def all(self) -> list[PromptTemplate]:
        return [self.templates[name] for name in self.names()]

    def get(self, name: str) -> PromptTemplate:
        if name in self.templates:
            return self.templates[name]
        if name in self.problems:
            raise self.problems[name]
        close = difflib.get_close_matches(name, self.names(), n=3, cutoff=0.5)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise InvalidInput(f"unknown prompt template {name!r}.{hint} Run `llmwright prompts list` to see them all.")

    def pipeline_path(self, name_or_path: str) -> Path:
        """A pipeline file by path, or by the name of one in a `pipelines/` directory."""
        path = Path(name_or_path).expanduser()
        if path.is_file():
            return path
        if name_or_path in self.pipelines:
            return self.pipelines[name_or_path]
        known = ", ".join(sorted(self.pipelines)) or "none"
        raise InvalidInput(f"pipeline {name_or_path!r} is neither a file nor a known pipeline (known: {known})")


class TemplateList(BaseModel):
    """What `llmwright prompts list --format json` and the `list_prompt_templates` tool return."""

    count: int
    templates: list[PromptTemplate]
    pipelines: dict[str, str] = Field(default_factory=dict, description="name -> file")
    problems: dict[str, str] = Field(default_factory=dict, description="name -> why its file was not loaded")
    dirs: list[str] = Field(default_factory=list, description="directories searched, first wins")


def describe(library: PromptLibrary) -> TemplateList:
    return TemplateList(
        count=len(library.templates),
        templates=library.all(),
        pipelines={name: str(path) for name, path in sorted(library.pipelines.items())},
        problems={name: str(exc) for name, exc in sorted(library.problems.items())},
        dirs=[str(d) for d in library.dirs],
    )


def load_library(extra_dirs: Iterable[str | Path] = (), configured: Iterable[str | Path] = ()) -> PromptLibrary:
    return PromptLibrary(search_dirs(extra_dirs, configured))
