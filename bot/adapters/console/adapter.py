"""A terminal chat with the bot: no token, same handlers, same database.

Lines typed are messages from the current simulated user. Console commands start with ":":
  :as NAME       switch to another simulated user (e.g. :as organizer, :as buyer2)
  :users         list the users seen in this session
  :photo [TEXT]  send a photo (with an optional caption)
  :file NAME     send a document called NAME
  :time          show the bot's time (Moscow)
  :time +1d      move the bot's time forward: +2h, +30m, +2w, or a moment such as
  :time 15.12.2026 10:00   (Moscow time); what became due (stops, reminders,
                 rounds opening and closing, deadlines) runs at once
  :help          this help
  :quit          leave
`#N` presses button N of the last message shown to the current user. Messages the bot sends
to other users (notifications, broadcasts) are printed as they are delivered. What is due
(a round that starts now, a stop date that came) runs after every line.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.adapters.console import PLATFORM
from bot.adapters.console.transport import ConsoleTransport
from bot.core.dispatcher import Dispatcher
from bot.core.events import (
    Attachment,
    AttachmentKind,
    Chat,
    EventKind,
    Incoming,
    Sender,
    parse_command,
)
from bot.core.replies import Button, Reply
from bot.delivery.outbox import Sender as OutboxSender
from bot.scheduler import Scheduler
from domain import clock
from domain.payments import format_moscow
from domain.referrals import RoundFormError, parse_duration, parse_moment

DEFAULT_USER = "buyer"
CONSOLE_HELP = __doc__.split("\n\n", 1)[1] if __doc__ else ""
# How far one `:time` may move the clock: a typo should not throw the bot into another decade.
TIME_STEP_LIMIT = timedelta(days=3660)


class ConsoleAdapter:
    def __init__(
        self,
        dispatcher: Dispatcher,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        out: TextIO = sys.stdout,
        user: str = DEFAULT_USER,
        files_dir: Path | None = None,
        scheduler: Scheduler | None = None,
    ) -> None:
        """With a `scheduler`, what is due runs after every line and after `:time`."""
        self.dispatcher = dispatcher
        self.scheduler = scheduler
        self.session_factory = session_factory
        self.out = out
        self.user = user
        self.files_dir = files_dir
        self.seen_users: list[str] = [user]
        # Buttons of the last message each simulated user got, for "#N".
        self._buttons: dict[str, list[Button]] = {}
        self.running = True
        # Queued messages (notifications, broadcasts) go through the outbox sender like on
        # the real platforms; one at a time, so they print in the order they were queued.
        self.sender = OutboxSender(
            ConsoleTransport(self._print_delivered),
            session_factory,
            dispatcher.texts,
            max_attempts=dispatcher.settings.delivery_max_attempts,
            holder="console",
            concurrency=1,
        )
        # The typed line's drain and the background one (scheduled reminders, round
        # announcements) must not interleave their printing.
        self._delivering = asyncio.Lock()

    # --- input ------------------------------------------------------------------------------

    async def handle_line(self, line: str) -> None:
        line = line.rstrip("\n")
        stripped = line.strip()
        if stripped.startswith(":"):
            await self._console_command(stripped)
            return
        if stripped.startswith("#") and stripped[1:].isdigit():
            await self._press(int(stripped[1:]))
            return
        command, args, _ = parse_command(line)
        await self._feed(text=line, command=command, args=args)

    async def _console_command(self, line: str) -> None:
        name, _, rest = line[1:].partition(" ")
        rest = rest.strip()
        if name == "as" and rest:
            self.user = rest.split()[0][:64]
            if self.user not in self.seen_users:
                self.seen_users.append(self.user)
            self._print(f"(now you are {self.user})")
        elif name == "users":
            self._print("users: " + ", ".join(self.seen_users))
        elif name == "photo":
            photo = Attachment(AttachmentKind.PHOTO, f"console-photo-{uuid.uuid4().hex[:8]}")
            await self._feed(text=rest, attachments=(photo,))
        elif name == "file" and rest:
            file_name, _, caption = rest.partition(" ")
            doc = Attachment(
                AttachmentKind.DOCUMENT, f"console-doc-{uuid.uuid4().hex[:8]}", file_name=file_name
            )
            await self._feed(text=caption, attachments=(doc,))
        elif name == "time":
            await self._move_time(rest)
        elif name in ("quit", "exit", "q"):
            self.running = False
        else:
            self._print(CONSOLE_HELP)

    async def _move_time(self, typed: str) -> None:
        now = clock.now()
        if not typed:
            self._print(f"(time: {format_moscow(now)} Moscow)")
            return
        try:
            if typed.startswith("+"):
                target = now + parse_duration(typed, limit=TIME_STEP_LIMIT, allow_zero=False)
            else:
                target = parse_moment(typed, now)
        except RoundFormError:
            self._print("(:time +1d, :time +2h, :time +30m or :time 15.12.2026 10:00, Moscow time)")
            return
        if target - now > TIME_STEP_LIMIT:
            self._print("(that is more than ten years ahead: move in smaller steps)")
            return
        if target <= now:
            # What is recorded (orders, payments, tasks done) happened at times already seen;
            # running the clock back under it would make them happen in the future.
            self._print(f"(the time only moves forward; it is {format_moscow(now)} Moscow now)")
            return
        clock.current().set(target)
        self._print(f"(time: {format_moscow(target)} Moscow)")
        if self.scheduler is not None:
            await self.scheduler.plan_pending()
        await self.catch_up()

    async def catch_up(self) -> None:
        """Run what is due now (with a scheduler) and print what it sent."""
        if self.scheduler is not None:
            await self.scheduler.run_due()
        await self.deliver_outbox()

    async def _press(self, number: int) -> None:
        buttons = self._buttons.get(self.user, [])
        if not 1 <= number <= len(buttons):
            self._print(f"(no button #{number} here)")
            return
        button = buttons[number - 1]
        if button.url:
            self._print(f"(link: {button.url})")
            return
        await self._feed(kind=EventKind.BUTTON, payload=button.payload)

    async def _feed(
        self,
        *,
        text: str = "",
        command: str | None = None,
        args: str = "",
        kind: EventKind = EventKind.MESSAGE,
        payload: str | None = None,
        attachments: tuple[Attachment, ...] = (),
    ) -> None:
        event = Incoming(
            platform=PLATFORM,
            # Random ids: a console session restarted against the same database must not
            # collide with update ids it already recorded.
            update_id=uuid.uuid4().hex,
            sender=Sender(external_id=self.user, name=self.user),
            chat=Chat(external_id=self.user),
            kind=kind,
            text=text,
            command=command,
            args=args,
            payload=payload,
            attachments=attachments,
        )
        replies = await self.dispatcher.feed(event)
        self._show(self.user, replies, prefix="bot")
        await self.catch_up()

    # --- output -----------------------------------------------------------------------------

    async def deliver_outbox(self) -> int:
        """Print queued messages for console users, as a platform sender delivers them."""
        async with self._delivering:
            return await self.sender.drain()

    async def _deliver_in_background(self, every: float = 2.0) -> None:
        # What the scheduler queues while the person is thinking shows up without a keypress.
        while True:
            await asyncio.sleep(every)
            try:
                await self.deliver_outbox()
            except Exception as exc:  # never let a delivery problem end the console
                self._print(f"(console delivery error: {exc})")

    def _print_delivered(self, recipient: str, reply: Reply) -> None:
        self._show(recipient, [reply], prefix=f"📨 to {recipient}")

    def _show(self, user: str, replies: Iterable[Reply], *, prefix: str) -> None:
        for reply in replies:
            indent = " " * (len(prefix) + 2)
            lines = reply.text.splitlines() or [""]
            self._print(f"{prefix}: {lines[0]}")
            for line in lines[1:]:
                self._print(f"{indent}{line}" if line else "")
            if reply.photo is not None:
                self._print(f"{indent}🖼 photo")
            if reply.document is not None:
                self._print(
                    f"{indent}📎 {reply.document.file_name} ({len(reply.document.content)} bytes)"
                )
                self._save(reply.document.file_name, reply.document.content)
            if reply.file is not None:
                # Only the file's name: the console holds no bytes of files people "sent".
                self._print(f"{indent}📄 file {reply.file.file_name or reply.file.file_id}")
            flat = [button for row in reply.buttons for button in row]
            if flat:
                self._buttons[user] = flat
                number = 0
                for row in reply.buttons:
                    cells = []
                    for button in row:
                        number += 1
                        cells.append(f"[#{number} {button.text}]")
                    self._print(indent + " ".join(cells))

    def _save(self, name: str, content: bytes) -> None:
        if self.files_dir is None:
            return
        self.files_dir.mkdir(parents=True, exist_ok=True)
        (self.files_dir / Path(name).name).write_bytes(content)

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    # --- loops ------------------------------------------------------------------------------

    async def run_script(self, lines: Iterable[str]) -> None:
        """Play a conversation, echoing each input line: the output reads as a transcript."""
        for raw in lines:
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("//"):
                continue
            self._print(f"{self.user}> {line}")
            await self.handle_line(line)
            if not self.running:
                break

    async def run_interactive(self, stdin: TextIO = sys.stdin) -> None:
        self._print(
            "Console bot. Type /start, or :help for console commands. "
            f"You are {self.user}; try :as organizer."
        )
        background = asyncio.create_task(self._deliver_in_background())
        try:
            while self.running:
                self.out.write(f"{self.user}> ")
                self.out.flush()
                line = await asyncio.to_thread(stdin.readline)
                if not line:
                    break
                try:
                    await self.handle_line(line)
                except Exception as exc:  # the console must survive anything a person types
                    self._print(f"(console error: {exc})")
        finally:
            background.cancel()
            await asyncio.gather(background, return_exceptions=True)
