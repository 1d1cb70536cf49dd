#!/usr/bin/env bash
# Claude Code PostToolUse hook (Edit|Write|MultiEdit): audit a Python file that calls an LLM
# right after Claude changes it, and tell Claude the findings it has not seen yet.
#
# Quiet and cheap by design: the hook JSON arrives on stdin; anything that is not an existing
# .py file mentioning an LLM SDK is skipped by shell tests and one grep, before any Python
# starts. The audit itself runs the engine on that one file (audit_on_edit.py), not the CLI.
# Exit 0 always, except a one-line note on stderr (shown to the user only) when it cannot run.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$HERE/../.." && pwd -P)"
EVENT="$(cat)"

# "file_path" as a JSON key (a quote inside a JSON string is always escaped, so file text
# quoted in "content" cannot match); a path with escapes is left to the Python side.
FILE="$(printf '%s' "$EVENT" | sed -n 's/.*"file_path"[[:space:]]*:[[:space:]]*"\([^"\\]*\)".*/\1/p' | head -n 1)"
case "$FILE" in
*.py) ;;
*) exit 0 ;;
esac
if [[ "$FILE" != /* ]]; then
    FILE="${CLAUDE_PROJECT_DIR:-$PWD}/$FILE"
fi
[[ -f "$FILE" ]] || exit 0

# The cheap test: does the file mention an LLM client library or a provider endpoint?
LIBS='openai|anthropic|litellm|langchain[a-z_]*|llama_index|genai|generativeai|groq|mistralai|cohere|ollama|together|fireworks|huggingface_hub|vllm|tools\.gateway'
HOSTS='api\.openai\.com|api\.anthropic\.com|generativelanguage\.googleapis\.com|openrouter\.ai|api\.groq\.com'
grep -qwE "$LIBS" "$FILE" 2>/dev/null || grep -qE "$HOSTS" "$FILE" 2>/dev/null || exit 0

# The interpreter the launcher (llmwright.sh) runs llmwright with: LLMWRIGHT_PYTHON, else the
# venv it installs into, else the first Python >= 3.11 on PATH - resolved once and remembered,
# because version managers' shims cost a few hundred milliseconds per call.
DATA="${CLAUDE_PLUGIN_DATA:-${XDG_CACHE_HOME:-$HOME/.cache}/llmwright}"
VENV_PY="$DATA/venv/bin/python"
REMEMBERED="$DATA/audit-on-edit/python"
PYTHON="${LLMWRIGHT_PYTHON:-}"
if [[ -z "$PYTHON" && -x "$VENV_PY" ]]; then
    PYTHON="$VENV_PY"
elif [[ -z "$PYTHON" ]]; then
    PYTHON="$(cat "$REMEMBERED" 2>/dev/null || true)"
    if [[ -z "$PYTHON" || ! -x "$PYTHON" ]]; then
        PYTHON=""
        for candidate in python3.13 python3.12 python3.11 python3; do
            if command -v "$candidate" >/dev/null 2>&1 &&
                PYTHON="$("$candidate" -c 'import sys; assert sys.version_info >= (3, 11); print(sys.executable)' 2>/dev/null)" &&
                [[ -n "$PYTHON" ]]; then
                mkdir -p "$(dirname "$REMEMBERED")" && printf '%s\n' "$PYTHON" >"$REMEMBERED"
                break
            fi
            PYTHON=""
        done
    fi
fi
if [[ -z "$PYTHON" ]]; then
    echo "llmwright audit-on-edit: no Python >= 3.11 found (set LLMWRIGHT_PYTHON)" >&2
    exit 1
fi

printf '%s' "$EVENT" | LLMWRIGHT_AUDIT_HOOK_STATE="$DATA/audit-on-edit" PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" \
    "$PYTHON" "$HERE/audit_on_edit.py"
