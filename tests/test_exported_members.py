"""Each package's face: its `__all__` is pinned here, and no package reaches into another's internals.

A name that leaves `__all__` breaks users' imports, so removing one must be a deliberate edit
of this file (as httpx pins its face in tests/test_exported_members.py). Capabilities depend
on each other only through these faces and on the ground floor of `llmwright` (errors, paths,
config, providers, secrets, usage); the front doors likewise.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CAPABILITIES = ("audit", "catalog", "cost", "gateway", "prompts", "select", "sessions", "tokens")
# Sub-packages with a face of their own: loaded only by those who need them.
PUBLIC_SUBPACKAGES = {"llmwright.select.evaluate"}

EXPORTS = {
    "llmwright.audit": {
        "FORMATS", "SEVERITIES", "AuditReport", "AuditRequest", "Finding", "RuleInfo", "audit", "fails", "render",
        "rule_catalog",
    },
    "llmwright.catalog": {
        "CAPABILITIES", "SNAPSHOT_SUFFIX", "STALE_AFTER_DAYS", "TIERS", "Benchmark", "Capability", "Catalog",
        "CatalogUpdate", "DataAge", "Latency", "ModelInfo", "ModelList", "Prices", "Rating", "Ratings", "Score",
        "Status", "Tier", "calc", "catalog_at", "catalog_loaded", "clear_catalog", "data_age", "data_version",
        "find_genai_model", "get_catalog", "has_batch", "is_preview", "lifecycle_notice", "list_models",
        "load_ratings", "parse_capability", "split_ref", "status_on", "today", "update_catalog",
    },
    "llmwright.cost": {
        "DAYS_PER_MONTH", "Alternative", "CheaperModels", "CostEstimate", "TokenRates", "Workload", "cheaper_alternatives",
        "cost_of_usage", "estimate_cost", "format_usd", "token_rates",
    },
    "llmwright.gateway": {
        "AllProvidersFailed", "Attempt", "AuthFailed", "BadRequest", "BudgetExceeded", "CallRequest", "CallResult",
        "CircuitOpen", "ContentRefused", "ContextTooLong", "Gateway", "IncompleteResponse", "LLMError", "ModelRetired",
        "NotConfigured", "Overloaded", "Provider", "ProviderSettings", "ProviderStatus", "ProviderUnavailable",
        "RateLimited", "Reply", "RequestRefused", "RetryableError", "Skipped", "StreamInterrupted", "TerminalError",
        "Timeout", "Usage", "WIRES",
        "build_provider",
    },
    "llmwright.prompts": {
        "ArgumentSpec", "Pipeline", "PipelineResult", "PipelineStep", "PipelineStepResult", "PromptCall",
        "PromptLibrary", "PromptRunResult", "PromptSettings", "PromptTemplate", "RenderedPrompt", "TemplateError",
        "TemplateList", "build_request", "check_output", "describe", "load_library", "load_pipeline",
        "load_prompt_settings", "load_template", "parse_template", "render", "run_pipeline", "run_prompt",
        "search_dirs", "stream_prompt",
    },
    "llmwright.select": {
        "TASK_KINDS", "Binding", "Choice", "Comparison", "Measured", "Recommendation", "Rejected", "Requirements",
        "StepDown", "TaskKind", "compare", "configured_ledger", "configured_local_providers", "eval_markdown",
        "eval_marks", "format_ms", "load_measured", "p95_label", "plan_markdown",
        "recommend", "recommendation_markdown",
    },
    "llmwright.select.evaluate": {
        "CHECKS", "DEFAULT_CONCURRENCY", "DEFAULT_TARGET", "CandidateScore", "CaseResult", "EvalCase", "EvalPlan",
        "EvalReport", "Gate", "PlannedModel", "dry_run_report", "evaluate_models", "inline_cases", "load_cases", "plan_eval",
    },
    "llmwright.sessions": {
        "LLMWRIGHT_AGENTS", "AppendResult", "HookOutcome", "OutsideSessions", "ReportEntry", "SessionError",
        "SessionFile", "SessionList", "SessionView", "SessionsDir", "append_report", "close_session",
        "handle_subagent_stop", "list_sessions", "llmwright_agent", "parse_iso", "project_dir", "readable",
        "show_session", "start_session",
    },
    "llmwright.tokens": {
        "Conversation", "Fit", "Message", "TokenCount", "ToolDef", "Truncation", "check_fit", "count_conversation",
        "count_text", "count_with_api", "get_encoding", "larger_windows", "parse_conversation", "read_json_file",
        "read_stdin", "read_text_file", "truncate",
    },
}  # fmt: skip


@pytest.mark.parametrize("package", sorted(EXPORTS))
def test_each_package_exports_exactly_its_face(package):
    module = importlib.import_module(package)
    assert set(module.__all__) == EXPORTS[package]
    assert len(module.__all__) == len(set(module.__all__)), "a name is listed twice"
    for name in module.__all__:
        assert getattr(module, name) is not None, f"{package}.{name} is listed but not importable"


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(absolute module, names) for every `from … import …` in a file under tools/ or mcp_server/."""
    if path.parts[len(ROOT.parts)] == "tools":
        package = ["llmwright", *path.relative_to(ROOT / "tools").parts[:-1]]
    else:
        package = ["llmwright", "server", *path.relative_to(ROOT / "mcp_server").parts[:-1]]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.append((module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
    return found


def _owner(path: Path) -> str:
    """The capability a file belongs to, or `ground` / `server` for the floor and the doors."""
    relative = path.relative_to(ROOT)
    if relative.parts[0] == "mcp_server":
        return "server"
    return relative.parts[1] if len(relative.parts) > 2 else "ground"


def test_no_package_reaches_into_another_capabilitys_internals():
    reaches = []
    for path in sorted([*(ROOT / "tools").rglob("*.py"), *(ROOT / "mcp_server").rglob("*.py")]):
        owner = _owner(path)
        for module, _names in _imports(path):
            parts = module.split(".")
            if parts[0] != "llmwright" or len(parts) < 3 or parts[1] not in CAPABILITIES or parts[1] == owner:
                continue
            if module not in PUBLIC_SUBPACKAGES:
                reaches.append(f"{path.relative_to(ROOT)} imports {module}")
    assert reaches == []


def test_the_ground_floor_and_sessions_do_not_import_the_gateway():
    """Sessions redact through `llmwright.secrets`; the floor serves every capability and depends on none."""
    floor = [p for p in (ROOT / "tools").glob("*.py") if p.name not in ("__init__.py", "estimate.py")]
    for path in [*floor, *(ROOT / "tools" / "sessions").rglob("*.py")]:
        for module, _names in _imports(path):
            assert not module.startswith("llmwright.gateway"), f"{path.relative_to(ROOT)} imports {module}"
