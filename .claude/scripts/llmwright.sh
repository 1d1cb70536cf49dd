#!/usr/bin/env bash
# The llmwright plugin launcher: `.mcp.json`, the plugin hooks and the other scripts run
# the llmwright CLI through it, with the arguments given (e.g. `llmwright.sh serve`).
#
# The only prerequisite is Python >= 3.11 with pip (or uv). When such a Python already has this
# folder installed in editable mode (`pip install -e .`, a developer's checkout), it runs in place.
# Otherwise llmwright is installed once into a private venv under
#   ${CLAUDE_PLUGIN_DATA:-${XDG_CACHE_HOME:-$HOME/.cache}/llmwright}/venv
# (uv when it is on PATH, else python -m venv + pip) and reinstalled when llmwright's
# version, its dependencies, the folder or the interpreter change. Python runs with -P (`python -P -m
# llmwright.server`): the current directory is never on its path, so no user package can shadow llmwright.
# stdout belongs to the command (MCP speaks over it): everything the launcher says goes
# to stderr. LLMWRIGHT_PYTHON=/path/to/python is tried first; LLMWRIGHT_NO_INSTALL=1 never
# installs (exit 3 instead: for air-gapped machines and offline tests).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
DATA_DIR="${CLAUDE_PLUGIN_DATA:-${XDG_CACHE_HOME:-$HOME/.cache}/llmwright}"
VENV="$DATA_DIR/venv"
STAMP="$VENV/.llmwright-install"
LOCK="$DATA_DIR/.install.lock"

say() { printf 'llmwright: %s\n' "$*" >&2; }
die() {
    say "$*"
    exit 1
}

# Every interpreter on PATH that is Python >= 3.11, in order of preference.
recent_pythons() {
    local candidate
    for candidate in ${LLMWRIGHT_PYTHON:-} python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
            printf '%s\n' "$candidate"
        fi
    done
}

# Exit 0 when PYTHON imports llmwright from this plugin folder (an editable install of this
# checkout: `pip install -e .`) and has every dependency pyproject.toml names. `-P` keeps the
# current directory off the path, so a user's own `tools/` or `llmwright/` cannot answer.
runs_in_place() {
    "$1" -P - "$ROOT" >/dev/null 2>&1 <<'PY'
import importlib.metadata as metadata
import re
import sys
import tomllib
from pathlib import Path

root = Path(sys.argv[1])
with open(root / "pyproject.toml", "rb") as handle:
    requirements = tomllib.load(handle)["project"]["dependencies"]
try:
    from packaging.requirements import Requirement
except ImportError:
    Requirement = None
for requirement in requirements:
    name = re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0]
    version = metadata.version(name)  # raises when the distribution is missing
    if Requirement is not None and not Requirement(requirement).specifier.contains(version, prereleases=True):
        sys.exit(1)
import llmwright

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

install_venv() {
    local python="$1" want="$2"
    say "installing llmwright and its dependencies into $VENV (first run or plugin update; about a minute)"
    rm -rf "$VENV"
    if command -v uv >/dev/null 2>&1; then
        uv venv --quiet --python "$python" "$VENV" >&2 &&
            uv pip install --quiet --python "$(venv_python)" "$ROOT" >&2
    else
        "$python" -m venv "$VENV" >&2 &&
            "$(venv_python)" -m pip install --quiet --disable-pip-version-check "$ROOT" >&2
    fi || {
        rm -rf "$VENV"
        die "could not install llmwright into $VENV (messages above); check access to PyPI, or run: pip install '$ROOT'"
    }
    printf '%s\n' "$want" >"$STAMP"
    say "installed; later runs start at once"
}

# Read the candidates first: a command exec'd inside `while read … < <(…)` would get the list as its stdin.
candidates=()
while IFS= read -r candidate; do
    candidates+=("$candidate")
done < <(recent_pythons)
for candidate in ${candidates[@]+"${candidates[@]}"}; do
    if runs_in_place "$candidate"; then # that Python has this checkout installed (editable): use it
        exec "$candidate" -P -m llmwright.server "$@"
    fi
done
PYTHON="${candidates[0]:-}"
[[ -n "$PYTHON" ]] || die "Python 3.11 or newer is required and none was found (tried ${LLMWRIGHT_PYTHON:+$LLMWRIGHT_PYTHON, }python3.13, python3.12, python3.11, python3); install it, or set LLMWRIGHT_PYTHON"

WANT="$(install_stamp "$PYTHON")"
if [[ "$(cat "$STAMP" 2>/dev/null || true)" != "$WANT" || ! -x "$(venv_python)" ]]; then
    if [[ -n "${LLMWRIGHT_NO_INSTALL:-}" ]]; then
        say "no Python >= 3.11 here has llmwright's dependencies, and LLMWRIGHT_NO_INSTALL forbids installing them"
        say "run: $PYTHON -m pip install '$ROOT'   (or unset LLMWRIGHT_NO_INSTALL)"
        exit 3
    fi
    take_lock
    if [[ "$(cat "$STAMP" 2>/dev/null || true)" != "$WANT" || ! -x "$(venv_python)" ]]; then
        install_venv "$PYTHON" "$WANT"
    fi
    release_lock
fi
exec "$(venv_python)" -P -m llmwright.server "$@"
