"""Session files: where llmwright's subagents leave their reports.

`<project>/.claude/sessions/active/*.md` is the session reports are appended to (atomically,
under a file lock, with secrets redacted); `archive/` holds closed sessions; `reports/`
holds standalone reports written while no session was active. Every name a caller gives
stays confined to `.claude/sessions/`.
"""

from .append import append_report
from .fileformat import parse_iso, readable
from .hook import LLMWRIGHT_AGENTS, HookOutcome, handle_subagent_stop, llmwright_agent
from .location import OutsideSessions, SessionsDir, project_dir
from .models import AppendResult, ReportEntry, SessionError, SessionFile, SessionList, SessionView
from .store import close_session, list_sessions, show_session, start_session

__all__ = [
    "LLMWRIGHT_AGENTS",
    "AppendResult",
    "HookOutcome",
    "OutsideSessions",
    "ReportEntry",
    "SessionError",
    "SessionFile",
    "SessionList",
    "SessionView",
    "SessionsDir",
    "append_report",
    "close_session",
    "handle_subagent_stop",
    "list_sessions",
    "llmwright_agent",
    "parse_iso",
    "project_dir",
    "readable",
    "show_session",
    "start_session",
]
