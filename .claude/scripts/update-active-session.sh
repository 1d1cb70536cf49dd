#!/usr/bin/env bash
# Append a subagent's report to the active session file, or write it as a standalone report
# when no session is active; prints where it went. Secrets are redacted, the append is locked.
#
# Usage: update-active-session.sh AGENT REPORT.md [--title TITLE] [--session NAME]
#        update-active-session.sh AGENT - < REPORT.md
set -euo pipefail

if [[ $# -lt 2 ]]; then
    echo "usage: $(basename "$0") AGENT REPORT.md|- [--title TITLE] [--session NAME]" >&2
    exit 2
fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
exec "$HERE/llmwright.sh" session append --agent "$1" --file "$2" "${@:3}"
