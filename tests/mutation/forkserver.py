"""A warm pytest for mutation runs: third-party imports paid once, each test run a fresh fork.

cosmic-ray runs its test command as a new process for every mutant, and a cold pytest that
imports pydantic, tiktoken, the SDKs and mcp costs seconds before the first test, several times
what the selected tests take. The server imports those once and forks a child per request; the
child imports llmwright itself (the server never does, so each child sees the mutated file) and
runs `pytest.main`. The client is the test command cosmic-ray runs: it passes its arguments on,
prints the output and exits with pytest's status. When cosmic-ray times a client out and kills
it, the server notices the closed connection and kills the child's process group.

With `--select MAP` the client runs first only the tests that reach the mutated lines
(`selection.py`, over the map `coverage_map.py` wrote): a failure there is the verdict; a pass is
confirmed by the whole selection (unless modules.toml lists the mutant as equivalent, which scores
alike), so a mutant survives only what the whole selection lets through. `--timeout` is the
ceiling of each pytest run; with a map, a run also stops at ten times its tests' baseline plus
10 s, and a test at ten times its own (`hung.py`). A run cut short exits 124: hung, a kill.

    python -m tests.mutation.forkserver serve SOCKET
    python -m tests.mutation.forkserver run SOCKET [--select MAP] [--timeout S] -- PYTEST-ARGS...
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

# Imported by the server before it forks: everything heavy the selected tests import, never llmwright.
PRELOAD = (
    "pytest",
    "_pytest.python",
    "pytest_asyncio",
    "hypothesis",
    "anyio",
    "pydantic",
    "tiktoken",
    "filelock",
    "httpx",
    "openai",
    "anthropic",
    "mcp",
    "mcp.server.mcpserver",
    "click",
    "click.testing",
    "rich",
    "genai_prices",
    "yaml",
    "jinja2",
    "jsonschema",
    "pathspec",
    "aiolimiter",
    "pybreaker",
    "starlette",
    "uvicorn",
    "coverage",
)
# Loaded by name rather than found through entry points (scanning every installed distribution's
# metadata on each run costs a second); `--assert=plain` skips rewriting the test modules, since a
# mutation run reads only the exit status.
PLUGINS = ("pytest_asyncio.plugin", "_hypothesis_pytestplugin", "anyio.pytest_plugin")
FAST = ["--assert=plain", *(arg for plugin in PLUGINS for arg in ("-p", plugin))]
RUNNER = ("tests", "tests.mutation", "tests.mutation.forkserver")


def start(socket_path: Path, cwd: Path, env: dict[str, str], stderr: IO[str] | None = None) -> subprocess.Popen[str]:
    """A fork server serving `socket_path` from `cwd`; the caller checks `ready` and stops it."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.mutation.forkserver", "serve", str(socket_path)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )


def ready(server: subprocess.Popen[str]) -> bool:
    """Whether the server said it is ready (it prints one line once its imports are warm)."""
    return server.stdout is not None and server.stdout.readline().strip() == "ready"


def serve(path: str) -> None:
    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    from _pytest.config import default_plugins

    for name in (*PLUGINS, *(f"_pytest.{plugin}" for plugin in default_plugins)):  # what pytest.main imports
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    leaked = sorted(name for name in sys.modules if name.split(".")[0] in ("llmwright", "tests") and name not in RUNNER)
    if leaked:
        raise SystemExit(f"forkserver: preloading imported {leaked[0]}; a forked child would not see mutations")
    sys.dont_write_bytecode = True
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    gc.freeze()  # what was preloaded is never collected: a child's gc.collect() skips it
    with contextlib.suppress(FileNotFoundError):
        Path(path).unlink()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(path)
        server.listen()
        print("ready", flush=True)
        while True:
            connection, _ = server.accept()
            with connection:
                _handle(connection)


def _handle(connection: socket.socket) -> None:
    request = json.loads(_read_line(connection))
    with tempfile.TemporaryFile() as output:
        pid = os.fork()
        if pid == 0:  # the child: a fresh pytest over the current files
            os.setpgid(0, 0)
            os.dup2(output.fileno(), 1)
            os.dup2(output.fileno(), 2)
            code = 3
            try:
                import pytest

                os.chdir(request["cwd"])
                code = int(pytest.main([*FAST, *request["argv"]]))
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        status = _wait(pid, connection)
        output.seek(0)
        text = output.read().decode("utf-8", errors="replace")
    if status is not None:
        with contextlib.suppress(OSError):
            connection.sendall(json.dumps({"code": status, "output": text}).encode() + b"\n")


def _wait(pid: int, connection: socket.socket) -> int | None:
    """The child's exit status, or None after killing it because the client went away. Waits on a
    pidfd, so the answer leaves as the child exits (polling cost each run up to its interval)."""
    try:
        exited = os.pidfd_open(pid)
    except (AttributeError, OSError):  # not Linux 5.3+: poll
        exited = None
    watched = [connection]
    try:
        while True:
            readable, _, _ = select.select([*watched, *([exited] if exited is not None else [])], [], [], 0.05)
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                with contextlib.suppress(ProcessLookupError):  # what a run cut short (hung.py) left running
                    os.killpg(pid, signal.SIGKILL)
                return os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128
            if connection in readable:
                if connection.recv(1, socket.MSG_PEEK):  # stray bytes, not a close: stop watching
                    watched = []
                    continue
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return None
    finally:
        if exited is not None:
            os.close(exited)


def _read_line(connection: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


TIMED_OUT = 124


def run(path: str, argv: list[str], select: Path | None = None, timeout: float | None = None) -> int:
    plan = _plan(select, timeout) if select else None
    if plan is not None:  # each test capped too (hung.py)
        argv = [*argv, "-p", "tests.mutation.hung", f"--mutation-caps={select}"]
    if plan is not None and plan.reaching is not None:
        label = f"the {len(plan.reaching)} tests reaching the mutant"
        caps = ["-p", "tests.mutation.hung", f"--mutation-caps={select}"]
        code = _ask(path, [*plan.options, *caps, *plan.reaching], plan.reaching_cap, label)
        if code in (1, TIMED_OUT):  # a test failed or hung: killed, as the whole selection would say
            return code
        if code == 0 and plan.equivalent:
            print("== listed as equivalent in modules.toml: not confirmed by the whole selection", flush=True)
            return 0
    whole_cap = plan.whole_cap if plan is not None else timeout
    return _ask(path, argv, whole_cap, "the whole selection" if plan and plan.reaching is not None else "")


def _ask(path: str, argv: list[str], timeout: float | None, label: str) -> int:
    """One pytest run in a fresh fork; its output printed, its exit status returned."""
    if label:
        print(f"== {label}", flush=True)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.connect(path)
        client.sendall(json.dumps({"argv": argv, "cwd": os.getcwd()}).encode() + b"\n")
        client.settimeout(timeout)
        try:
            line = _read_line(client)
        except TimeoutError:  # closing the connection makes the server kill the run
            print(f"timeout after {timeout} s", flush=True)
            return TIMED_OUT
        answer = json.loads(line or b'{"code": 3, "output": "forkserver: no answer"}')
    sys.stdout.write(answer["output"])
    sys.stdout.flush()
    return int(answer["code"])


@dataclass
class Plan:
    """For one mutant: the tests reaching it (None: run the whole selection), with pytest's options,
    whether modules.toml lists it as equivalent, and how long each run may take."""

    options: list[str]
    reaching: list[str] | None
    equivalent: bool
    reaching_cap: float | None
    whole_cap: float | None


def _plan(select: Path, timeout: float | None) -> Plan | None:
    from tests.mutation.selection import listed_equivalent, selection, time_cap

    try:
        facts = json.loads(select.read_text(encoding="utf-8"))
        original = Path(facts["original"]).read_text(encoding="utf-8")
        mutated = Path(facts["target"]).read_text(encoding="utf-8")
        reaching = selection(facts, original, mutated)
        ceiling = timeout if timeout is not None else float("inf")
        return Plan(
            options=facts["options"],
            reaching=reaching,
            equivalent=listed_equivalent(facts, original, mutated),
            reaching_cap=time_cap(facts, reaching, ceiling) if reaching is not None else None,
            whole_cap=time_cap(facts, None, ceiling),
        )
    except Exception as exc:  # never a verdict: the whole selection decides
        print(f"forkserver: no test selection ({exc!r}); running the whole selection", flush=True)
        return None


def main(args: list[str]) -> int:
    if len(args) >= 2 and args[0] == "serve":
        serve(args[1])
        return 0
    if len(args) >= 3 and args[0] == "run" and "--" in args:
        split = args.index("--")
        options = argparse.ArgumentParser(prog="forkserver run")
        options.add_argument("socket")
        options.add_argument("--select", type=Path)
        options.add_argument("--timeout", type=float)
        known = options.parse_args(args[1:split])
        return run(known.socket, args[split + 1 :], known.select, known.timeout)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
