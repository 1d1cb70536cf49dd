#!/usr/bin/env bash
# Claude Code SubagentStop hook: the final message of an llmwright subagent becomes a report
# in the active session (other agents are ignored). The hook JSON arrives on stdin.
# It never fails the user's session: any problem is a note on stderr, and the exit code is 0.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
"$HERE/llmwright.sh" session hook subagent-stop "$@" ||
    echo "llmwright: the session hook failed (exit $?); the report was not recorded" >&2
exit 0
