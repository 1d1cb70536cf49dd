"""Loopback ports for the servers tests start: a free one, and waiting until one listens."""

from __future__ import annotations

import socket
import subprocess
import time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(
    port: int, seconds: float, process: subprocess.Popen | None = None, connect_s: float = 0.5, pause_s: float = 0.2
) -> bool:
    """True once 127.0.0.1:`port` accepts a connection; False if `process` exits first or time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=connect_s).close()
            return True
        except OSError:
            if (process is not None and process.poll() is not None) or time.monotonic() > deadline:
                return False
            time.sleep(pause_s)
