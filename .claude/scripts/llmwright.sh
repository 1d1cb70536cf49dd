#!/usr/bin/env bash
# The llmwright plugin launcher: `.mcp.json`, the plugin hooks and the other scripts run the
# llmwright CLI through it, with the arguments given (e.g. `llmwright.sh serve`).
#
# The only prerequisite is Python >= 3.11 with pip (or uv). llmwright runs with the first of:
#   1. LLMWRIGHT_PYTHON, when that interpreter has llmwright (this folder's version) and its dependencies;
#   2. a Python on PATH that has this folder installed in editable mode (`pip install -e .`, a checkout);
#   3. a private venv under ${CLAUDE_PLUGIN_DATA:-${XDG_CACHE_HOME:-$HOME/.cache}/llmwright}/venv,
#      built from this folder (uv when it is on PATH, else python -m venv + pip) and rebuilt when
#      llmwright's version, its dependencies, the folder or the interpreter change.
# Python runs with -P (`python -P -m llmwright.server`): the current directory is never on its
# path, so no user package can shadow llmwright.
#
# Building the venv takes about a minute, longer than an MCP client waits for a server, so:
#   llmwright.sh prepare   (the plugin's SessionStart hook) starts the build in the background and
#                          returns at once, saying so to the user and to Claude;
#   llmwright.sh serve     never builds: until the venv is ready it runs a small standby server
#                          (standby_server.py, standard library only) that answers at once with
#                          no tools and says why, then hands the session to llmwright when ready;
#   llmwright.sh python    prints the interpreter that runs llmwright (exit 3 when none is ready):
#                          the audit-on-edit hook uses it, so hooks and server share one environment;
#   llmwright.sh install   builds the venv in the foreground (what `prepare` starts);
#   anything else          runs the llmwright CLI, building the venv first when needed.
# stdout belongs to the command (MCP speaks over it): everything the launcher says goes to
# stderr. LLMWRIGHT_NO_INSTALL=1 never builds (for air-gapped machines and offline tests).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$HERE/../.." && pwd -P)"
DATA_DIR="${CLAUDE_PLUGIN_DATA:-${XDG_CACHE_HOME:-$HOME/.cache}/llmwright}"
VENV="$DATA_DIR/venv"
STAMP="$VENV/.llmwright-install"
LOCK="$DATA_DIR/.install.lock"
INSTALL_LOG="$DATA_DIR/install.log"
INSTALL_FAILED="$DATA_DIR/install.failed"

say() { printf 'llmwright: %s\n' "$*" >&2; }
die() {
    say "$*"
    exit 1
}

# The first interpreter on PATH that is Python >= 3.11 (empty when there is none).
first_recent_python() {
    local candidate
    for candidate in ${LLMWRIGHT_PYTHON:-} python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
            printf '%s\n' "$candidate"
            return
        fi
    done
}

# Exit 0 when PYTHON has every dependency pyproject.toml names and imports llmwright from this
# folder (an editable install of this checkout), or - with ANY_PLACE=1, for the interpreter the
# user chose with LLMWRIGHT_PYTHON - llmwright at this folder's version from anywhere. `-P` keeps
# the current directory off the path, so a user's own `tools/` or `llmwright/` cannot answer.
has_llmwright() {
    "$1" -P - "$ROOT" "${2:-0}" >/dev/null 2>&1 <<'PY'
import importlib.metadata as metadata
import re
import sys
import tomllib
from pathlib import Path

root, any_place = Path(sys.argv[1]), sys.argv[2] == "1"
with open(root / "pyproject.toml", "rb") as handle:
    project = tomllib.load(handle)["project"]
try:
    from packaging.requirements import Requirement
except ImportError:
    Requirement = None
for requirement in project["dependencies"]:
    name = re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0]
    version = metadata.version(name)  # raises when the distribution is missing
    if Requirement is not None and not Requirement(requirement).specifier.contains(version, prereleases=True):
        sys.exit(1)
import llmwright

if any_place and llmwright.__version__ == project["version"]:
    sys.exit(0)
sys.exit(Path(llmwright.__file__).resolve().parent != (root / "tools").resolve())
PY
}

venv_python() {
    if [[ -x "$VENV/bin/python" ]]; then
        printf '%s\n' "$VENV/bin/python"
    else
        printf '%s\n' "$VENV/Scripts/python.exe"
    fi
}

# What the venv was built from: this folder, llmwright's version, its dependencies and the interpreter.
install_stamp() {
    "$1" -P - "$ROOT" <<'PY'
import hashlib
import json
import sys
import tomllib

with open(sys.argv[1] + "/pyproject.toml", "rb") as handle:
    project = tomllib.load(handle)["project"]
wanted = json.dumps([sys.argv[1], project.get("version"), project.get("dependencies", [])])
print(hashlib.sha256(wanted.encode()).hexdigest(), sys.version.split()[0])
PY
}

venv_ready() {
    [[ "$(cat "$STAMP" 2>/dev/null || true)" == "$WANT" && -x "$(venv_python)" ]]
}

# Sets READY (the interpreter that runs llmwright, or empty), BASE (the Python a venv is built
# with) and WANT (the stamp a ready venv carries). A Python older than 3.11 fails has_llmwright
# (no tomllib), so the cheap test comes first and the version test only when building.
resolve() {
    local candidate any_place
    READY="" BASE="" WANT=""
    for candidate in ${LLMWRIGHT_PYTHON:-} python3.13 python3.12 python3.11 python3; do
        command -v "$candidate" >/dev/null 2>&1 || continue
        any_place=0
        [[ "$candidate" == "${LLMWRIGHT_PYTHON:-}" ]] && any_place=1
        if has_llmwright "$candidate" "$any_place"; then
            READY="$candidate"
            return
        fi
    done
    BASE="$(first_recent_python)"
    [[ -n "$BASE" ]] || return 0
    WANT="$(install_stamp "$BASE")"
    if venv_ready; then
        READY="$(venv_python)"
    fi
}

no_python_message() {
    printf '%s' "Python 3.11 or newer is required and none was found (tried ${LLMWRIGHT_PYTHON:+$LLMWRIGHT_PYTHON, }python3.13, python3.12, python3.11, python3); install it, or set LLMWRIGHT_PYTHON"
}

take_lock() {
    local waited=0 holder
    mkdir -p "$DATA_DIR"
    until mkdir "$LOCK" 2>/dev/null; do
        holder="$(cat "$LOCK/pid" 2>/dev/null || true)"
        if [[ -n "$holder" ]] && ! kill -0 "$holder" 2>/dev/null; then
            rm -rf "$LOCK" # left behind by an install that was killed
            continue
        fi
        ((waited % 15 == 0)) && say "waiting for another llmwright install to finish ($LOCK)"
        ((waited >= 900)) && die "gave up waiting for $LOCK; remove it if no install is running"
        sleep 1
        waited=$((waited + 1))
    done
    printf '%s\n' "$$" >"$LOCK/pid"
    trap release_lock EXIT
}

release_lock() {
    rm -rf "$LOCK"
    trap - EXIT
}

install_running() {
    local holder
    holder="$(cat "$LOCK/pid" 2>/dev/null || true)"
    [[ -n "$holder" ]] && kill -0 "$holder" 2>/dev/null
}

build_venv() {
    say "installing llmwright and its dependencies into $VENV (first run or plugin update; about a minute)"
    rm -rf "$VENV" "$INSTALL_FAILED"
    if command -v uv >/dev/null 2>&1; then
        uv venv --quiet --python "$BASE" "$VENV" >&2 &&
            uv pip install --quiet --python "$(venv_python)" "$ROOT" >&2
    else
        "$BASE" -m venv "$VENV" >&2 &&
            "$(venv_python)" -m pip install --quiet --disable-pip-version-check "$ROOT" >&2
    fi || {
        rm -rf "$VENV"
        local why="could not install llmwright into $VENV (see $INSTALL_LOG); check access to PyPI, or run: pip install '$ROOT'"
        printf '%s\n' "$why" >"$INSTALL_FAILED"
        die "$why"
    }
    printf '%s\n' "$WANT" >"$STAMP"
    say "installed; later runs start at once"
}

# Build the venv unless it is ready; waits for an install already running elsewhere.
install_now() {
    [[ -n "$BASE" ]] || die "$(no_python_message)"
    if [[ -n "${LLMWRIGHT_NO_INSTALL:-}" ]]; then
        say "no Python >= 3.11 here has llmwright's dependencies, and LLMWRIGHT_NO_INSTALL forbids installing them"
        say "run: $BASE -m pip install '$ROOT'   (or unset LLMWRIGHT_NO_INSTALL)"
        exit 3
    fi
    take_lock
    venv_ready || build_venv
    release_lock
}

# SessionStart: start the venv build in the background, detached from the hook (its output
# goes to a log, so Claude Code does not wait for it), and say what is happening as hook JSON.
prepare() {
    local message
    if [[ -n "$READY" ]]; then
        return 0
    elif [[ -z "$BASE" ]]; then
        message="$(no_python_message)."
    elif [[ -n "${LLMWRIGHT_NO_INSTALL:-}" ]]; then
        message="no Python here has llmwright's dependencies and LLMWRIGHT_NO_INSTALL forbids installing them; run: $BASE -m pip install '$ROOT'."
    else
        if ! install_running; then
            mkdir -p "$DATA_DIR"
            local detach=()
            command -v setsid >/dev/null 2>&1 && detach=(setsid)
            ${detach[@]+"${detach[@]}"} nohup "$HERE/llmwright.sh" install </dev/null >"$INSTALL_LOG" 2>&1 &
        fi
        message="installing its Python dependencies in the background (first run or plugin update, about a minute; log: $INSTALL_LOG). Its MCP tools appear in this session when that is done."
    fi
    "${BASE:-python3}" -c 'import json, sys; m = sys.argv[1]
print(json.dumps({"systemMessage": m, "hookSpecificOutput": {"hookEventName": "SessionStart",
    "additionalContext": m + " Until then the llmwright MCP server offers no tools; do not retry them, say they are not ready."}}))' \
        "llmwright: $message" 2>/dev/null || printf 'llmwright: %s\n' "$message"
}

# Any Python at all, for the standby server (it needs only the standard library).
any_python() {
    local candidate
    for candidate in "${BASE:-}" python3 python; do
        [[ -n "$candidate" ]] && command -v "$candidate" >/dev/null 2>&1 && {
            printf '%s\n' "$candidate"
            return
        }
    done
}

serve_standby() {
    local python reason
    python="$(any_python)"
    [[ -n "$python" ]] || die "$(no_python_message)"
    if [[ -z "$BASE" ]]; then
        reason="$(no_python_message)"
    elif [[ -n "${LLMWRIGHT_NO_INSTALL:-}" ]]; then
        reason="no Python here has llmwright's dependencies and LLMWRIGHT_NO_INSTALL forbids installing them; run: $BASE -m pip install '$ROOT', then reconnect (/mcp)"
    else
        reason="its Python environment is not ready: the plugin's SessionStart hook installs it in the background (about a minute; log: $INSTALL_LOG); run '$HERE/llmwright.sh' install to do it now"
    fi
    exec "$python" -I "$HERE/standby_server.py" --reason "$reason" --stamp "$STAMP" --want "$WANT" \
        --venv "$VENV" --failed "$INSTALL_FAILED" -- "$@"
}

resolve
case "${1:-}" in
prepare)
    prepare
    ;;
python)
    [[ -n "$READY" ]] || {
        say "llmwright's Python environment is not ready (run: $HERE/llmwright.sh install)"
        exit 3
    }
    printf '%s\n' "$READY"
    ;;
install)
    [[ -n "$READY" ]] || install_now
    ;;
serve)
    if [[ -z "$READY" ]]; then
        serve_standby "$@"
    fi
    exec "$READY" -P -m llmwright.server "$@"
    ;;
*)
    if [[ -z "$READY" ]]; then
        install_now
        READY="$(venv_python)"
    fi
    exec "$READY" -P -m llmwright.server "$@"
    ;;
esac
