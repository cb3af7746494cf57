"""A fake platform server in a process of its own, driven over a pipe: like the real platform,
it takes no CPU time and no GIL from the bot's process. Used by the Telegram and VK benchmarks.

`serve(conn)` runs in the child: it starts the server, sends its base URL, then answers each
command tuple it receives with one value, and returns after answering ("stop",).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Self


class ServerProcess:
    def __init__(self, serve: Callable[[Connection], None]) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=serve, args=(child,), daemon=True)
        self.base_url = ""

    def __enter__(self) -> Self:
        self.process.start()
        self.base_url = self.conn.recv()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.ask("stop")
        self.process.join(10)

    def ask(self, *command: Any) -> Any:
        """Send a command to the server process and return its answer."""
        self.conn.send(command)
        return self.conn.recv()
