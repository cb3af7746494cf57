"""One chat's updates in order, different chats concurrently: the lanes adapters share.

Two shapes, because the adapters need two different promises:

* `ChatLanes` (Telegram, MAX): `enqueue` returns a future that ends when the update is
  handled, so a poller can mark its inbox row done and a webhook request can wait before
  answering; a bound on the updates waiting slows reading down instead of piling up memory;
  at shutdown the updates not reached are given up and their futures cancelled (the poller
  then leaves their rows in the inbox, the webhook answers with an error).
* `OrderedWork` (VK, OK): fire-and-forget jobs per key; the adapter counts and bounds what
  is pending itself, and a job left at shutdown needs no notice (VK keeps its cursor, OK's
  webhook request is still waiting on its own event).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

U = TypeVar("U")

# A chat's updates waiting to be handled, the one in hand first, each with the future a
# webhook request (or the poller) waits on.
_ChatQueue = deque[tuple[U, "asyncio.Future[None]"]]


class ChatLanes(Generic[U]):
    """Queues each update behind its chat's previous ones; one worker task per busy chat."""

    def __init__(
        self,
        handle: Callable[[U], Awaitable[None]],
        chat_key: Callable[[U], Hashable | None],
        *,
        max_backlog: int,
        platform: str,
        describe: Callable[[U], str] | None = None,
    ) -> None:
        self.handle = handle
        self.chat_key = chat_key
        self.platform = platform
        # What the failure log names the update by (Telegram's update id; MAX has none).
        self.describe = describe
        self._backlog = asyncio.Semaphore(max_backlog)
        # The updates of each chat being handled, the one in hand first (see `_work`).
        self._chats: dict[Hashable, _ChatQueue[U]] = {}
        self.tasks: set[asyncio.Task[None]] = set()

    async def enqueue(self, update: U) -> asyncio.Future[None]:
        """Queue the update behind its chat's previous one; the future ends once it is
        handled (cancelled if it was given up at shutdown). An update without a chat gets
        a worker of its own."""
        await self._backlog.acquire()
        handled = asyncio.get_running_loop().create_future()
        key = self.chat_key(update)
        queue = self._chats.get(key) if key is not None else None
        if queue is not None:
            # The chat's worker is busy with an earlier update: it takes this one after.
            queue.append((update, handled))
        else:
            # One worker per busy chat, not one task per update chained after the previous
            # one: a chat's updates then cost no task and no asyncio.wait each.
            queue = deque([(update, handled)])
            if key is not None:
                self._chats[key] = queue
            task = asyncio.create_task(self._work(key, queue))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        return handled

    async def _work(self, key: Hashable | None, queue: _ChatQueue[U]) -> None:
        """Handle a chat's updates one after another until none is waiting."""
        try:
            while queue:
                update, handled = queue[0]
                try:
                    await self.handle(update)
                except Exception:
                    name = f" {self.describe(update)}" if self.describe else ""
                    log.exception("%s update%s failed", self.platform, name)
                # Cancelled: the update stays first in the queue, given up below.
                queue.popleft()
                self._backlog.release()
                if not handled.done():
                    handled.set_result(None)
        finally:
            # No await between the last `while queue` and here: an update scheduled for this
            # chat meanwhile is impossible, so none is left behind. Cancelled (shutdown): the
            # rest are given up, and those waiting on them told so.
            if key is not None and self._chats.get(key) is queue:
                del self._chats[key]
            while queue:
                _update, handled = queue.popleft()
                self._backlog.release()
                handled.cancel()

    async def drain(self, timeout: float) -> None:
        """Let the updates in hand finish; give up (cancel) what is not done by `timeout`:
        those are not confirmed (polling: still in the inbox; webhook: the platform is
        answered with an error) and come back after the restart."""
        if not self.tasks:
            return
        _, late = await asyncio.wait(set(self.tasks), timeout=timeout)
        for task in late:
            task.cancel()
        if late:
            log.warning("%s: %d chats' updates left for the next start", self.platform, len(late))
            await asyncio.gather(*late, return_exceptions=True)


class OrderedWork:
    """Runs jobs one at a time per key (a person), different keys concurrently."""

    def __init__(self, platform: str, lane: str) -> None:
        self.platform = platform
        self.lane = lane  # the tasks' names: "<platform>-<lane>-<key>"
        self._queues: dict[str, deque[Callable[[], Awaitable[None]]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def submit(self, key: str, job: Callable[[], Awaitable[None]]) -> None:
        queue = self._queues.get(key)
        if queue is not None:
            queue.append(job)
            return
        self._queues[key] = deque([job])
        task = asyncio.create_task(self._drain(key), name=f"{self.platform}-{self.lane}-{key}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drain(self, key: str) -> None:
        queue = self._queues[key]
        try:
            while queue:
                job = queue.popleft()
                try:
                    await job()
                except Exception:
                    log.exception("%s: handling an update failed", self.platform.upper())
        finally:
            del self._queues[key]

    @property
    def busy(self) -> int:
        return len(self._tasks)

    async def join(self, timeout: float | None = None) -> None:
        """Wait for the queued jobs; cancel what is left after `timeout`."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
