"""Run the real `llmwright` in a pseudo terminal of a given width, as a person at a terminal would."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import termios

from .cli import ROOT, llmwright_command


def run_in_terminal(*args: str, columns: int, env: dict[str, str] | None = None, timeout: float = 120) -> str:
    """What the terminal shows (stdout and stderr), with the window `columns` wide and no COLUMNS hint."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    full_env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")} | (env or {})
    process = subprocess.Popen(
        [*llmwright_command(), *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env=full_env,
        cwd=ROOT,
        close_fds=True,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the other side closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=timeout)
    os.close(leader)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
