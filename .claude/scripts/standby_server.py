"""Stand in for `llmwright serve` (stdio) while llmwright's Python environment is being installed.

An MCP client gives up on a server that does not answer `initialize` within about 30 s, and
installing llmwright's dependencies takes about a minute. So the launcher runs this instead
(standard library only: any Python 3.8+ runs it): it answers at once, offers no tools,
prompts or resources, and says why in its instructions and in any tool call. Once the venv
is ready (its stamp file holds the expected stamp) it starts the real server, replays the
client's `initialize` to it, tells the client that tools, prompts and resources changed, and
from then on relays every line both ways: the session gets llmwright's tools without a restart.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

KNOWN_VERSIONS = ("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25")  # MCP protocol versions
REPLAY_ID = "llmwright-standby-initialize"
POLL_SECONDS = 1.0
EMPTY = {"tools/list": "tools", "prompts/list": "prompts", "resources/list": "resources"}
EMPTY["resources/templates/list"] = "resourceTemplates"


def log(message: str) -> None:
    print(f"llmwright standby: {message}", file=sys.stderr, flush=True)


class Standby:
    def __init__(self, options: argparse.Namespace) -> None:
        self.options = options
        self.lock = threading.Lock()  # one writer on stdout; the hand-over waits for the current request
        self.initialize: dict[str, Any] | None = None
        self.initialized = False
        self.server: subprocess.Popen[bytes] | None = None

    # -- readiness ------------------------------------------------------------------------

    def ready(self) -> bool:
        try:
            stamp = Path(self.options.stamp).read_text(encoding="utf-8").strip()
        except OSError:
            return False
        return stamp == self.options.want.strip() and os.access(self.python(), os.X_OK)

    def python(self) -> str:
        venv = Path(self.options.venv)
        unix = venv / "bin" / "python"
        return str(unix if unix.exists() else venv / "Scripts" / "python.exe")

    def reason(self) -> str:
        try:
            failed = Path(self.options.failed).read_text(encoding="utf-8").strip()
        except OSError:
            failed = ""
        return f"llmwright is not ready: {failed or self.options.reason}"

    # -- standby answers ------------------------------------------------------------------

    def write(self, message: dict[str, Any]) -> None:
        sys.stdout.buffer.write(json.dumps(message, separators=(",", ":")).encode() + b"\n")
        sys.stdout.buffer.flush()

    def answer(self, request: dict[str, Any]) -> dict[str, Any] | None:
        """The standby's reply to one message (None for notifications and responses)."""
        method, ident = request.get("method"), request.get("id")
        if method is None or ident is None:
            if method == "notifications/initialized":
                self.initialized = True
            return None
        if method == "initialize":
            self.initialize = request
            params = request.get("params") or {}
            wanted = params.get("protocolVersion")
            version = wanted if wanted in KNOWN_VERSIONS else KNOWN_VERSIONS[-1]
            changing = {"listChanged": True}
            result = {
                "protocolVersion": version,
                "capabilities": {"tools": changing, "prompts": changing, "resources": changing},
                "serverInfo": {"name": "llmwright", "version": "standby"},
                "instructions": self.reason() + ". Its tools, prompts and resources appear here when it is ready.",
            }
            return {"jsonrpc": "2.0", "id": ident, "result": result}
        if method == "ping":
            return {"jsonrpc": "2.0", "id": ident, "result": {}}
        if method in EMPTY:
            return {"jsonrpc": "2.0", "id": ident, "result": {EMPTY[method]: []}}
        if method == "tools/call":
            text = self.reason() + "; try again when it is."
            result = {"content": [{"type": "text", "text": text}], "isError": True}
            return {"jsonrpc": "2.0", "id": ident, "result": result}
        error = {"code": -32601, "message": f"{method}: not available until llmwright is ready"}
        return {"jsonrpc": "2.0", "id": ident, "error": error}

    # -- hand-over ------------------------------------------------------------------------

    def start_server(self) -> subprocess.Popen[bytes]:
        command = [self.python(), "-P", "-m", "llmwright.server", *self.options.args]
        return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def hand_over(self) -> None:
        """Start llmwright, replay the handshake, announce the change, then relay the server's output."""
        server = self.start_server()
        assert server.stdin is not None and server.stdout is not None
        if self.initialize is not None:
            replay = dict(self.initialize, id=REPLAY_ID)
            server.stdin.write(json.dumps(replay).encode() + b"\n")
            server.stdin.flush()
            while True:  # the server's answer to the replay is ours, not the client's
                line = server.stdout.readline()
                if not line:
                    raise RuntimeError("llmwright exited during the hand-over")
                try:
                    message = json.loads(line)
                except ValueError:
                    continue
                if isinstance(message, dict) and message.get("id") == REPLAY_ID:
                    break
            if self.initialized:
                server.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
                server.stdin.flush()
        self.server = server
        if self.initialized:
            for kind in ("tools", "prompts", "resources"):
                self.write({"jsonrpc": "2.0", "method": f"notifications/{kind}/list_changed"})
        threading.Thread(target=self.relay_out, args=(server,), daemon=True).start()
        log("llmwright is ready: handed over")

    def relay_out(self, server: subprocess.Popen[bytes]) -> None:
        assert server.stdout is not None
        for line in server.stdout:
            with self.lock:
                sys.stdout.buffer.write(line)
                sys.stdout.buffer.flush()
        code = server.wait()
        os._exit(code)  # the real server is gone: so is this session

    def watch(self) -> None:
        while self.server is None:
            time.sleep(POLL_SECONDS)
            if not self.ready():
                continue
            with self.lock:
                if self.server is None:
                    try:
                        self.hand_over()
                    except (OSError, RuntimeError) as exc:
                        log(f"could not start llmwright ({exc}); still standing by")
                        time.sleep(POLL_SECONDS * 5)

    # -- the loop -------------------------------------------------------------------------

    def run(self) -> int:
        log(self.reason())
        threading.Thread(target=self.watch, daemon=True).start()
        for line in sys.stdin.buffer:
            with self.lock:
                if self.server is not None:
                    assert self.server.stdin is not None
                    try:
                        self.server.stdin.write(line)
                        self.server.stdin.flush()
                    except OSError:
                        return 1
                    continue
                try:
                    message = json.loads(line)
                except ValueError:
                    self.write({"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "parse error"}})
                    continue
                reply = self.answer(message) if isinstance(message, dict) else None
                if reply is not None:
                    self.write(reply)
        if self.server is not None and self.server.stdin is not None:
            self.server.stdin.close()  # the client left: let llmwright finish and exit
            return self.server.wait()
        return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reason", required=True, help="why llmwright is not ready, for the client")
    parser.add_argument("--stamp", required=True, help="the venv's stamp file")
    parser.add_argument("--want", required=True, help="the stamp a ready venv carries")
    parser.add_argument("--venv", required=True, help="the venv llmwright is installed into")
    parser.add_argument("--failed", required=True, help="file holding why the last install failed")
    parser.add_argument("args", nargs="*", help="`serve` and its options, for the real server")
    return Standby(parser.parse_args()).run()


if __name__ == "__main__":
    sys.exit(main())
