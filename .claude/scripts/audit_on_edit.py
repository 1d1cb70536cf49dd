"""PostToolUse hook body: audit the one Python file Claude just wrote and tell Claude what is new.

`audit-on-edit.sh` has already checked that the file is Python and mentions an LLM SDK; this
runs the audit engine on that file alone (no CLI start-up, so it stays well under a second)
and prints Claude Code's hook JSON with the findings Claude has not been told about yet for
this file in this session. Nothing is printed when there is nothing new: the hook is quiet.

Project-wide rules (no fallback anywhere, no usage tracking anywhere, ...) are left out:
one file cannot answer them, and `audit_repo` / `llmwright audit .` do. The project's
`[tool.llmwright.audit]` settings apply, and files they exclude are not audited.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

try:
    from llmwright.audit import AuditReport, AuditRequest, Finding, audit, rules_by_id
    from llmwright.audit.settings import AuditSettings, load_settings
    from llmwright.errors import LLMWrightError
except ImportError as missing:  # the launcher vouched for this Python, so this is a broken install: say so
    sys.exit(f"llmwright audit-on-edit: {missing}; reinstall with .claude/scripts/llmwright.sh install")

MAX_LISTED = 8


def project_settings(project: Path) -> tuple[AuditSettings, Path | None]:
    """The project's audit settings and the file holding them (None when there are none)."""
    for candidate in (project / "llmwright.toml", project / "pyproject.toml"):
        if candidate.is_file():
            settings = load_settings(project, candidate)
            if settings != AuditSettings():
                return settings, candidate
    return AuditSettings(), None


def excluded(file: Path, project: Path, settings: AuditSettings) -> bool:
    import pathspec

    if not settings.exclude or not file.is_relative_to(project):
        return False
    spec = pathspec.GitIgnoreSpec.from_lines(settings.exclude)
    return spec.match_file(file.relative_to(project).as_posix())


def audit_file(file: Path, config: Path | None) -> AuditReport:
    project_rules = [rule.id for rule in rules_by_id().values() if rule.scope == "project"]
    return audit(AuditRequest(path=str(file), config=str(config) if config else None, ignore=project_rules))


def state_file(session_id: str) -> Path:
    chosen = os.environ.get("LLMWRIGHT_AUDIT_HOOK_STATE")  # set by audit-on-edit.sh
    base = Path(chosen) if chosen else Path(tempfile.gettempdir()) / f"llmwright-{os.getuid()}" / "audit-on-edit"
    return base / f"{hashlib.sha256(session_id.encode()).hexdigest()[:24]}.json"


def new_findings(report: AuditReport, file: Path, session_id: str) -> list[Finding]:
    """Findings not present the last time this file was audited in this session; remembers the current set."""
    path = state_file(session_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_suffix(".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # concurrent edits: one read-modify-write at a time (stdlib: starts fast)
        try:
            seen: dict[str, list[str]] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            seen = {}
        before = set(seen.get(str(file), []))
        seen[str(file)] = [f.fingerprint for f in report.findings]
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(seen), encoding="utf-8")
        tmp.replace(path)
    return [f for f in report.findings if f.fingerprint not in before]


def describe(findings: list[Finding], report: AuditReport, shown_path: str) -> str:
    overall = report.scores[-1]
    noun = "finding" if len(findings) == 1 else "findings"
    lines = [
        f"llmwright audit: {len(findings)} new {noun} in {shown_path} "
        f"(file readiness {overall.score}/100, grade {overall.grade}):"
    ]
    for finding in findings[:MAX_LISTED]:
        lines.append(
            f"- {shown_path}:{finding.line} {finding.rule} {finding.name} ({finding.severity}): "
            f"{finding.message}. Fix: {finding.fix}"
        )
    if len(findings) > MAX_LISTED:
        lines.append(f"- ... and {len(findings) - MAX_LISTED} more (run `llmwright audit {shown_path}`)")
    lines.append("Details: `llmwright audit --explain RULE`. Silence one line with `# llmwright: ignore[RULE]`.")
    return "\n".join(lines)


def main() -> int:
    event = json.loads(sys.stdin.read() or "{}")
    raw = (event.get("tool_input") or {}).get("file_path")
    if not isinstance(raw, str) or not raw.endswith(".py"):
        return 0
    project = Path(event.get("cwd") or os.environ.get("CLAUDE_PROJECT_DIR") or Path.cwd()).resolve()
    file = (project / raw).resolve()  # an absolute file_path replaces project
    if not file.is_file():
        return 0
    try:
        settings, config = project_settings(project)
        if excluded(file, project, settings):
            return 0
        report = audit_file(file, config)
    except LLMWrightError as exc:  # e.g. a broken [tool.llmwright.audit] table: tell the user, not Claude
        print(f"llmwright audit-on-edit: {exc}", file=sys.stderr)
        return 1
    fresh = new_findings(report, file, str(event.get("session_id") or "no-session"))
    if not fresh:
        return 0
    shown = file.relative_to(project).as_posix() if file.is_relative_to(project) else str(file)
    context = describe(fresh, report, shown)
    print(json.dumps({"hookSpecificOutput": {"hookEventName": "PostToolUse", "additionalContext": context}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
