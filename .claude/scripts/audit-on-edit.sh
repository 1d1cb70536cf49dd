#!/usr/bin/env bash
# Claude Code PostToolUse hook (Edit|Write|MultiEdit): audit a Python file that calls an LLM
# right after Claude changes it, and tell Claude the findings it has not seen yet.
#
# Quiet and cheap by design: the hook JSON arrives on stdin; anything that is not an existing
# .py file mentioning an LLM SDK is skipped by shell tests and one grep, before any Python
# starts. The audit itself runs the engine on that one file (audit_on_edit.py), not the CLI.
# Exit 0 always; when it cannot run, a one-line note on stderr (shown to the user only).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
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
LIBS='openai|anthropic|litellm|langchain[a-z_]*|llama_index|genai|generativeai|groq|mistralai|cohere|ollama|together|fireworks|huggingface_hub|vllm|llmwright'
HOSTS='api\.openai\.com|api\.anthropic\.com|generativelanguage\.googleapis\.com|openrouter\.ai|api\.groq\.com'
grep -qwE "$LIBS" "$FILE" 2>/dev/null || grep -qE "$HOSTS" "$FILE" 2>/dev/null || exit 0

# The interpreter the MCP server runs with (the launcher decides: LLMWRIGHT_PYTHON, an editable
# install of this folder, or the plugin's venv), so the hook and the server share one environment.
# While that environment is being prepared the edit is not audited: a note, never an install.
DATA="${CLAUDE_PLUGIN_DATA:-${XDG_CACHE_HOME:-$HOME/.cache}/llmwright}"
if ! PYTHON="$("$HERE/llmwright.sh" python 2>/dev/null)" || [[ -z "$PYTHON" ]]; then
    echo "llmwright audit-on-edit: llmwright's Python environment is not ready yet; $FILE was not audited" >&2
    exit 0
fi

printf '%s' "$EVENT" | LLMWRIGHT_AUDIT_HOOK_STATE="$DATA/audit-on-edit" "$PYTHON" -P "$HERE/audit_on_edit.py"
